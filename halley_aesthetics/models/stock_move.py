import math

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

# What ties a stock move to a treatment session (and so a patient to a lot in a
# recall) and what the protocol planned: written by the session's workflow only,
# which runs its stock operations as superuser.
SESSION_FIELDS = {"treatment_session_id", "protocol_quantity"}
# What a practitioner records on a session's consumption move while the session is
# in progress: the quantity used and its lines (lots). Everything else about the
# move (product, locations, state, demand) is the session's.
RECORDED_FIELDS = {"quantity", "move_line_ids", "picked"}


class StockMove(models.Model):
    _inherit = "stock.move"

    treatment_session_id = fields.Many2one(
        "halley.treatment.session",
        string="Treatment session",
        index="btree_not_null",
        check_company=True,
        copy=False,
        help="The session this consumption belongs to (returns are not linked).",
    )
    protocol_quantity = fields.Float(
        string="Planned",
        digits="Product Unit of Measure",
        copy=False,
        help="Quantity the protocol prescribes for this component.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._halley_check_session_fields(vals)
        if not self.env.su:
            pickings = self.env["stock.picking"].browse(
                [vals["picking_id"] for vals in vals_list if vals.get("picking_id")]
            )
            pickings._halley_check_not_session_transfer(self.env._("changed"))
        return super().create(vals_list)

    def write(self, vals):
        self._halley_check_frozen()
        self._halley_check_session_fields(vals)
        self._halley_check_consumption_write(vals)
        return super().write(vals)

    def unlink(self):
        # Before Odoo's own refusals (which speak of done moves, not of the session).
        self._halley_check_frozen()
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_session_consumption(self):
        if not self.env.su and self.filtered("treatment_session_id"):
            raise UserError(
                self.env._("A treatment session's consumption is cancelled with the session, not deleted.")
            )

    # ------------------------------------------------------------------ frozen

    def _halley_frozen_session(self):
        """The first session (as superuser) whose consumption among these moves is
        kept as recorded: a move of a session (or of its transfers: its return's
        moves are not linked to it) once done, or any move of a session once it
        was completed (cancelled since or not)."""
        for move in self.sudo():
            session = move.treatment_session_id or move.picking_id.treatment_session_id
            if session and (move.state == "done" or session.date_done):
                return session
        return self.env["halley.treatment.session"]

    def _halley_check_frozen(self):
        """A completed session's consumption (its moves, their lines, its
        transfers) is written by the workflow alone, as superuser: every role,
        Inventory administrators and clinic managers included, and every path
        (write, unlink, a new line, unlocking the transfer) is refused."""
        if self.env.su or not self:
            return
        moves = self.exists()
        session = moves._halley_frozen_session()
        if session:
            moves.check_access("read")  # who may not read the moves learns nothing of them
            raise UserError(self._halley_frozen_message(session))

    @api.model
    def _halley_frozen_message(self, session):
        """The refusal in the clinic's words: which session, and how its record is
        corrected. The session is named as its reader reads it (in words for the
        clinic's staff, by its reference for anyone else)."""
        name = session.with_env(self.env).sudo().display_name
        if session.state == "cancel":
            return self.env._(
                "What %(session)s used is kept as it was recorded: the session is cancelled "
                "and its stock was returned. To correct its record, add an addendum to the "
                "session.",
                session=name,
            )
        return self.env._(
            "What %(session)s used is kept as it was recorded once the session was completed: "
            "its stock moves cannot be changed or deleted, from Inventory or anywhere else. "
            "To correct it, cancel the session (its stock goes back to the room) or add an "
            "addendum to the session.",
            session=name,
        )

    def _halley_check_consumption_write(self, vals):
        """Only the quantity used (and its lots) of a session in progress may be
        written by hand, and only as a number of zero or more."""
        if self.env.su:
            return
        moves = self.filtered("treatment_session_id")
        if not moves:
            return
        session = moves.sudo().treatment_session_id[:1]
        other = set(vals) - RECORDED_FIELDS
        if other or any(s.state != "in_progress" for s in moves.sudo().treatment_session_id):
            raise UserError(
                self.env._(
                    "The consumption of %(session)s is recorded on the session while it is in "
                    "progress: only the quantity used and its lots can be entered.",
                    session=session.name,
                )
            )
        moves._halley_check_not_charted()
        if "quantity" in vals:
            quantity = vals["quantity"]
            if (
                isinstance(quantity, bool) or not isinstance(quantity, int | float)
                or not math.isfinite(quantity) or quantity < 0
            ):
                raise UserError(
                    self.env._(
                        "The quantity used in %(session)s is a number and never negative (not %(value)r).",
                        session=session.name,
                        value=quantity,
                    )
                )
            for move in moves.sudo():
                move._halley_check_used_raw(quantity, move.product_uom)

    def _halley_check_not_charted(self):
        """A charted product of a session with an injection chart is consumed as
        charted: its quantity and lots follow the chart (the workflow writes them,
        as superuser), not a hand edit, which Done would undo."""
        if self.env.su:
            return
        for move in self.sudo().filtered(lambda m: m.treatment_session_id and m.product_id.halley_charted):
            session = move.treatment_session_id
            if self.env["halley.session.injection"].sudo().search_count([("session_id", "=", session.id)], limit=1):
                raise UserError(
                    self.env._(
                        "%(product)s is consumed in %(session)s as its injection chart says: change the "
                        "chart (its lots and quantities) instead.",
                        product=move.product_id.with_context(display_default_code=False).display_name,
                        session=session.with_env(self.env).display_name,
                    )
                )

    def _halley_check_used_raw(self, quantity, uom):
        """A quantity used as typed, before Odoo converts, rounds and reserves it (a
        huge number would overflow Odoo's rounding, or reserve a billion grams):
        refused above the protocol's most used for the component, or above what
        the room holds of the product. ``self``: session moves."""
        for move in self.sudo().filtered("treatment_session_id"):
            # Converted as Odoo's units do, without rounding: inf stays inf.
            in_move_uom = quantity / uom.factor * move.product_uom.factor
            move._halley_check_most_used(in_move_uom)
            in_product_uom = quantity / uom.factor * move.product_id.uom_id.factor
            room = move.treatment_session_id.room_id
            on_hand = sum(
                self.env["stock.quant"].sudo().search([
                    ("product_id", "=", move.product_id.id), ("location_id", "child_of", room.id),
                ]).mapped("quantity")
            )
            # Compared without Odoo's rounding, which overflows on 1e308.
            if not in_product_uom <= on_hand + move.product_id.uom_id.rounding / 2:  # NaN or inf too
                raise UserError(
                    self.env._(
                        "%(session)s cannot use %(used)s %(uom)s of %(product)s: %(room)s holds "
                        "%(on_hand)s %(product_uom)s of it. Check the quantity used.",
                        session=move.treatment_session_id.display_name,
                        used=quantity,
                        uom=uom.name,
                        product=move.product_id.display_name,
                        room=room.display_name,
                        on_hand=on_hand,
                        product_uom=move.product_id.uom_id.name,
                    )
                )

    def _halley_check_most_used(self, quantity=None):
        """A component's quantity used (``quantity`` in the move's unit, else what
        its lines record) within the protocol's most used: ``max_used_factor``
        times what the protocol plans."""
        for move in self.sudo().filtered("treatment_session_id"):
            used = move.quantity if quantity is None else quantity
            factor = move.treatment_session_id.protocol_id.max_used_factor or 10.0
            most = move.protocol_quantity * factor
            if move.protocol_quantity > 0 and not used <= most + move.product_uom.rounding / 2:
                raise UserError(
                    self.env._(
                        "%(session)s cannot use %(used)s %(uom)s of %(product)s: the protocol plans "
                        "%(planned)s %(uom)s, and a session uses at most %(factor)s times that "
                        "(%(most)s %(uom)s). Check the quantity used.",
                        session=move.treatment_session_id.display_name,
                        used=used,
                        uom=move.product_uom.name,
                        product=move.product_id.display_name,
                        planned=move.protocol_quantity,
                        factor=factor,
                        most=most,
                    )
                )

    def _halley_check_session_fields(self, vals):
        names = SESSION_FIELDS & set(vals)
        if self.env.su or not names:
            return
        if self:  # write: refused only when it changes them
            changed = any(
                ("treatment_session_id" in vals and move.treatment_session_id.id != (vals["treatment_session_id"] or False))
                or ("protocol_quantity" in vals and float_compare(
                    move.protocol_quantity, vals["protocol_quantity"] or 0.0,
                    precision_rounding=move.product_uom.rounding or 0.01,
                ))
                for move in self
            )
        else:  # create: refused when it sets them
            changed = any(vals.get(name) for name in names)
        if changed:
            raise UserError(
                self.env._(
                    "Which treatment session a stock move belongs to, and what its protocol "
                    "planned, are set by the session itself: they cannot be changed from "
                    "Inventory (a lot recall relies on them)."
                )
            )

    def _prepare_phantom_move_values(self, bom_line, product_qty, quantity_done):
        vals = super()._prepare_phantom_move_values(bom_line, product_qty, quantity_done)
        if self.treatment_session_id:
            vals["treatment_session_id"] = self.treatment_session_id.id
            vals["protocol_quantity"] = product_qty
        return vals

    def _skip_push(self):
        """What a treatment session consumed ends with the patient: no push rule
        chains it onward (its transfer admits no move but the session's own), so
        Odoo's push-rule lookup along the production location is skipped."""
        return super()._skip_push() or self.picking_type_id.is_treatment_consumption

    def _set_quantity_done_prepare_vals(self, qty):
        """When the practitioner raises the quantity used of a component, the
        extra comes from the line already in use (the same lot, the same tube),
        not from a new line without a lot."""
        commands = super()._set_quantity_done_prepare_vals(qty)
        if not self.treatment_session_id or self.product_id.tracking == "serial":
            return commands
        creates = [c for c in commands if c[0] == 0]
        updates = [c for c in commands if c[0] == 1]
        if len(creates) != 1 or not updates:
            return commands
        last = self.env["stock.move.line"].browse(updates[-1][1])
        if last.product_uom_id != self.product_uom:
            return commands
        updates[-1][2]["quantity"] += creates[0][2]["quantity"]
        return [c for c in commands if c[0] != 0]
