import math

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_repr
from odoo.tools.sql import column_exists, create_column, create_index


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # The session whose consumption this line is (its move's): a lot recall reads
    # the lot's lines and their sessions without going through the moves.
    treatment_session_id = fields.Many2one(
        related="move_id.treatment_session_id", store=True, index="btree_not_null", string="Treatment session"
    )

    def _auto_init(self):
        """The column created and filled in one UPDATE when the addon is installed on
        (or upgraded from a release without it on) a database with stock history,
        instead of the ORM recomputing every move line."""
        cr = self.env.cr
        if not column_exists(cr, self._table, "treatment_session_id"):
            create_column(cr, self._table, "treatment_session_id", "int4")
            if column_exists(cr, "stock_move", "treatment_session_id"):
                cr.execute(
                    """
                    UPDATE stock_move_line sml
                       SET treatment_session_id = m.treatment_session_id
                      FROM stock_move m
                     WHERE m.id = sml.move_id AND m.treatment_session_id IS NOT NULL
                    """
                )
        return super()._auto_init()

    def init(self):
        """A lot recall reads the move lines of a lot: Odoo does not index them by
        lot. Created at install and at every upgrade of the addon (when missing)."""
        res = super().init()
        create_index(
            self.env.cr, "stock_move_line_halley_lot_id_index", self._table, ["lot_id"], where="lot_id IS NOT NULL"
        )
        return res

    @api.constrains("location_id", "location_dest_id", "move_id")
    def _check_treatment_room(self):
        """A session's consumption is taken from its room (and its sublocations) and
        goes where its transfer goes: never from another room's stock."""
        for line in self.sudo():
            move = line.move_id
            session = move.treatment_session_id
            if not session:
                continue
            room = session.room_id
            if not line.location_id.parent_path.startswith(room.parent_path) or (
                line.location_dest_id != move.location_dest_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(product)s used in %(session)s is taken from %(room)s, not from "
                        "%(location)s.",
                        product=line.product_id.display_name,
                        session=session.name,
                        room=room.display_name,
                        location=line.location_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # No line is added to a completed session's consumption (a move of it,
            # or its transfer).
            self.env["stock.move"].browse(
                [vals["move_id"] for vals in vals_list if vals.get("move_id")]
            )._halley_check_frozen()
            self.env["stock.picking"].browse(
                [vals["picking_id"] for vals in vals_list if vals.get("picking_id")]
            )._halley_check_frozen()
            self.env["stock.move"].browse(
                [vals["move_id"] for vals in vals_list if vals.get("move_id")]
            )._halley_check_not_charted()
            treatment = set(
                self.env["stock.move"].browse([v["move_id"] for v in vals_list if v.get("move_id")])
                .sudo().filtered("treatment_session_id").ids
            )
            changes = []
            for vals in vals_list:
                if vals.get("move_id") in treatment and vals.get("quantity") is not None:
                    self._halley_check_quantity(vals["quantity"])
                    move = self.env["stock.move"].browse(vals["move_id"]).sudo()
                    uom = self.env["uom.uom"].browse(vals.get("product_uom_id")).exists() or move.product_uom
                    move._halley_check_used_raw(vals["quantity"], uom)
                    location = self.env["stock.location"].browse(vals.get("location_id")).exists()
                    lot = self.env["stock.lot"].browse(vals.get("lot_id")).exists()
                    changes.append((self.browse(), move, location or move.location_id, lot, uom, vals["quantity"]))
            self._halley_check_used_bounds(changes)
        return super().create(vals_list)

    def write(self, vals):
        self._halley_check_frozen()
        if not self.env.su:
            self.move_id._halley_check_not_charted()
        if not self.env.su and self.move_id.treatment_session_id:
            if "quantity" in vals:
                self._halley_check_quantity(vals["quantity"])
                for line in self.sudo():
                    uom = self.env["uom.uom"].browse(vals.get("product_uom_id")).exists() or line.product_uom_id
                    line.move_id._halley_check_used_raw(vals["quantity"], uom)
            if {"location_id", "location_dest_id", "move_id"} & set(vals):
                # Refused before Odoo moves the reservation to the new place.
                self._check_treatment_room_values(vals)
            if {"quantity", "location_id", "lot_id", "product_uom_id"} & set(vals):
                # Before Odoo reserves it: never more than the room has for it.
                self._halley_check_used_bounds([
                    (
                        line,
                        line.move_id,
                        self.env["stock.location"].browse(vals.get("location_id")).exists() or line.location_id,
                        self.env["stock.lot"].browse(vals["lot_id"]).exists() if "lot_id" in vals else line.lot_id,
                        self.env["uom.uom"].browse(vals.get("product_uom_id")).exists() or line.product_uom_id,
                        vals.get("quantity", line.quantity),
                    )
                    for line in self.sudo()
                ])
        return super().write(vals)

    def unlink(self):
        # Before Odoo's own refusal of done lines, which does not name the session.
        self._halley_check_frozen()
        if not self.env.su:
            self.move_id._halley_check_not_charted()
        return super().unlink()

    def _halley_check_frozen(self):
        """Each line of a completed session's consumption is kept as recorded: see
        ``stock.move._halley_check_frozen``."""
        if self.env.su or not self:
            return
        lines = self.exists().sudo()
        session = lines.move_id._halley_frozen_session() or lines.picking_id._halley_frozen_session()
        if session:
            lines.with_env(self.env).check_access("read")
            raise UserError(self.env["stock.move"]._halley_frozen_message(session))

    def _check_treatment_room_values(self, vals):
        for line in self:
            new = line.new({
                "move_id": vals.get("move_id", line.move_id.id),
                "location_id": vals.get("location_id", line.location_id.id),
                "location_dest_id": vals.get("location_dest_id", line.location_dest_id.id),
                "product_id": line.product_id.id,
            })
            new._check_treatment_room()

    def _halley_check_quantity(self, quantity):
        if (
            isinstance(quantity, bool) or not isinstance(quantity, int | float)
            or not math.isfinite(quantity) or quantity < 0
        ):
            raise UserError(
                self.env._("A quantity used is a number and never negative (not %(value)r).", value=quantity)
            )

    @api.model
    def _halley_check_used_bounds(self, changes):
        """Before Odoo writes and reserves them: what a session in progress uses
        of a lot, in a place, never exceeds what is there for it (the stock of
        that lot less what other sessions and transfers hold: its reservation
        never exceeds the stock), and each component stays within the protocol's
        most used. ``changes``: (line written, or none for a new one; its move;
        location; lot; unit; quantity)."""
        changes = [
            change for change in changes
            if change[1].treatment_session_id.state == "in_progress" and change[1].state not in ("done", "cancel")
        ]
        if not changes:
            return
        replaced = self.browse([change[0].id for change in changes if change[0]])
        # Each component's total as it will be, in the move's unit.
        moves = {change[1] for change in changes}
        for move in moves:
            kept = move.move_line_ids - replaced
            total = sum(ml.product_uom_id._compute_quantity(ml.quantity, move.product_uom) for ml in kept) + sum(
                uom._compute_quantity(quantity, move.product_uom)
                for _line, other, _location, _lot, uom, quantity in changes if other == move
            )
            move._halley_check_most_used(total)
        # Each (session, place, product, lot) as it will be, in the product's unit.
        Quant = self.env["stock.quant"].sudo()
        for session, location, product, lot in {
            (move.treatment_session_id, location, move.product_id, lot)
            for _line, move, location, lot, _uom, _quantity in changes
        }:
            def key(ml, location=location, product=product, lot=lot):
                return (ml.location_id, ml.product_id, ml.lot_id) == (location, product, lot)

            current = session.move_ids.filtered(lambda m: m.state not in ("done", "cancel")).move_line_ids.filtered(key)
            mine_now = sum(current.mapped("quantity_product_uom"))
            mine = sum((current - replaced).mapped("quantity_product_uom")) + sum(
                uom._compute_quantity(quantity, product.uom_id)
                for _line, move, loc, lt, uom, quantity in changes
                if (move.treatment_session_id, loc, move.product_id, lt) == (session, location, product, lot)
            )
            if float_compare(mine, mine_now, precision_rounding=product.uom_id.rounding) <= 0:
                continue  # using less (or as much) of it is always possible
            quants = Quant.search([
                ("product_id", "=", product.id), ("location_id", "=", location.id), ("lot_id", "=", lot.id),
            ])
            on_hand = sum(quants.mapped("quantity"))
            held = max(sum(quants.mapped("reserved_quantity")) - mine_now, 0.0)
            free = max(on_hand - held, 0.0)
            if float_compare(mine, free, precision_rounding=product.uom_id.rounding) > 0:
                raise UserError(
                    self.env._(
                        "%(session)s cannot use %(used)s %(uom)s of %(product)s%(lot)s: %(room)s holds "
                        "%(on_hand)s %(uom)s of it, %(held)s %(uom)s of which other sessions or transfers "
                        "hold. Check the quantity used.",
                        session=session.display_name,
                        used=float_repr(mine, 2).rstrip("0").rstrip("."),
                        uom=product.uom_id.name,
                        product=product.display_name,
                        lot=self.env._(" (lot %(lot)s)", lot=lot.name) if lot else "",
                        room=location.display_name,
                        on_hand=on_hand,
                        held=held,
                    )
                )
