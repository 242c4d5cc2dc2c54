from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, format_datetime


class HalleyTreatmentSession(models.Model):
    """One treatment session of one patient, in one room, following one protocol.

    The session owns a "Treatment consumption" transfer (``picking_id``) from its
    room to the consumption location. The transfer holds a single move of the
    protocol's kit product, which Odoo's mrp explodes natively into one move per
    component (``move_ids``). Confirming books that transfer for the session's date
    (forecast demand), starting reserves lots first-expiry-first, completing
    validates it with what the practitioner recorded, and cancelling a completed
    session returns the stock with a return transfer.
    """

    _name = "halley.treatment.session"
    _description = "Treatment session"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "scheduled_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        readonly=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "Confirmed"),
            ("in_progress", "In progress"),
            ("done", "Done"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
        group_expand="_group_expand_states",
    )
    patient_id = fields.Many2one(
        "res.partner",
        string="Patient",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_patient', '=', True)]",
    )
    practitioner_id = fields.Many2one(
        "res.users",
        string="Practitioner",
        tracking=True,
        default=lambda self: self.env.user,
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("halley_aesthetics.group_practitioner").id)
        ],
    )
    room_id = fields.Many2one(
        "stock.location",
        string="Room",
        required=True,
        tracking=True,
        check_company=True,
        domain="[('is_treatment_room', '=', True)]",
    )
    protocol_id = fields.Many2one(
        "mrp.bom",
        string="Protocol",
        required=True,
        tracking=True,
        check_company=True,
        domain="[('is_treatment_protocol', '=', True)]",
    )
    treatment_product_id = fields.Many2one(
        "product.product",
        string="Treatment",
        compute="_compute_treatment_product_id",
        store=True,
    )
    scheduled_start = fields.Datetime(
        string="Start",
        required=True,
        tracking=True,
        default=lambda self: fields.Datetime.now().replace(second=0, microsecond=0),
    )
    scheduled_end = fields.Datetime(
        string="End",
        compute="_compute_scheduled_end",
        store=True,
        readonly=False,
        precompute=True,
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Consumption transfer",
        copy=False,
        readonly=True,
        check_company=True,
    )
    return_picking_id = fields.Many2one(
        "stock.picking",
        string="Return transfer",
        copy=False,
        readonly=True,
        check_company=True,
    )
    move_ids = fields.One2many(
        "stock.move",
        "treatment_session_id",
        string="Consumption",
        copy=False,
    )
    used_line_ids = fields.One2many(
        "stock.move.line",
        compute="_compute_used_line_ids",
        string="Lots used",
    )
    has_deviation = fields.Boolean(
        compute="_compute_has_deviation",
        string="Differs from protocol",
    )
    deviation_summary = fields.Text(compute="_compute_has_deviation")
    deviation_reason = fields.Text(
        string="Reason for the difference",
        tracking=True,
        copy=False,
        help="Why the quantities used differ from the protocol.",
    )
    notes = fields.Html(string="Clinical notes")
    date_done = fields.Datetime(string="Completed on", copy=False, readonly=True)
    color = fields.Integer(related="practitioner_id.color", string="Colour")

    # ------------------------------------------------------------------ computes

    @api.model
    def _group_expand_states(self, states, domain):
        return [key for key, _label in self._fields["state"].selection]

    @api.depends("protocol_id")
    def _compute_treatment_product_id(self):
        for session in self:
            protocol = session.protocol_id
            session.treatment_product_id = (
                protocol.product_id or protocol.product_tmpl_id.product_variant_id
            )

    @api.depends("scheduled_start", "protocol_id")
    def _compute_scheduled_end(self):
        for session in self:
            if not session.scheduled_start:
                session.scheduled_end = False
                continue
            minutes = session.protocol_id.session_minutes or 60
            session.scheduled_end = session.scheduled_start + timedelta(minutes=minutes)

    @api.depends("picking_id.move_line_ids", "state")
    def _compute_used_line_ids(self):
        for session in self:
            session.used_line_ids = session.picking_id.move_line_ids.filtered(
                lambda ml: ml.move_id.treatment_session_id == session
            )

    @api.depends("move_ids.quantity", "move_ids.protocol_quantity", "move_ids.state")
    def _compute_has_deviation(self):
        for session in self:
            lines = []
            for move in session.move_ids.filtered(lambda m: m.state != "cancel"):
                rounding = move.product_uom.rounding
                if float_compare(
                    move.quantity, move.protocol_quantity, precision_rounding=rounding
                ):
                    lines.append(
                        self.env._(
                            "%(product)s: %(used)s %(uom)s used, %(planned)s planned",
                            product=move.product_id.display_name,
                            used=move.quantity,
                            planned=move.protocol_quantity,
                            uom=move.product_uom.name,
                        )
                    )
            session.has_deviation = bool(lines)
            session.deviation_summary = "\n".join(lines)

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "halley.treatment.session"
                ) or "/"
        return super().create(vals_list)

    def write(self, vals):
        locked = {"patient_id", "room_id", "protocol_id", "company_id"} & set(vals)
        if locked and any(session.state != "draft" for session in self):
            raise UserError(
                self.env._(
                    "The patient, room and protocol can only be changed on a draft "
                    "session. Reset the session to draft first."
                )
            )
        if "scheduled_start" in vals and any(s.state in ("done", "cancel") for s in self):
            raise UserError(self.env._("A completed or cancelled session cannot be rescheduled."))
        res = super().write(vals)
        if "scheduled_start" in vals:
            self._sync_picking_date()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for session in self:
            if session.state != "draft":
                raise UserError(
                    self.env._(
                        "The session %(session)s is %(state)s: only draft sessions can "
                        "be deleted. Cancel it instead.",
                        session=session.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            session.state
                        ],
                    )
                )

    def _sync_picking_date(self):
        for session in self:
            picking = session.picking_id
            if picking and picking.state not in ("done", "cancel"):
                picking.sudo().scheduled_date = session.scheduled_start

    # ------------------------------------------------------------------ actions

    def action_confirm(self):
        """Book the consumption transfer: demand on the session's date."""
        sessions = self.filtered(lambda s: s.state == "draft")
        for session in sessions:
            session._check_bookable()
        pickings = self.env["stock.picking"].sudo().create(
            [session._prepare_consumption_picking_vals() for session in sessions]
        )
        pickings.action_confirm()  # explodes the kit into its components
        for session, picking in zip(sessions, pickings, strict=True):
            session.write({"picking_id": picking.id, "state": "confirmed"})
        return True

    def action_start(self):
        """Reserve the room's lots, first expiry first, and start the session."""
        sessions = self.filtered(lambda s: s.state == "confirmed")
        if not sessions:
            return True
        pickings = sessions.picking_id.sudo()
        pickings.action_assign()
        shortages = []
        for session in sessions:
            for move in session.move_ids:
                if float_compare(
                    move.quantity, move.product_uom_qty, precision_rounding=move.product_uom.rounding
                ) < 0:
                    shortages.append(
                        self.env._(
                            "%(product)s in %(room)s: %(needed)s %(uom)s needed, "
                            "%(available)s %(uom)s available",
                            product=move.product_id.display_name,
                            room=session.room_id.display_name,
                            needed=move.product_uom_qty,
                            available=move.quantity,
                            uom=move.product_uom.name,
                        )
                    )
        if shortages:
            raise UserError(
                self.env._("Not enough stock to start the session:\n%(lines)s", lines="\n".join(shortages))
            )
        sessions.write({"state": "in_progress"})
        return True

    def action_done(self):
        """Complete the sessions. Asks for a reason when the quantities used differ
        from the protocol; does nothing for sessions already done."""
        sessions = self.filtered(lambda s: s.state != "done")
        if not sessions:
            return True
        not_started = sessions.filtered(lambda s: s.state != "in_progress")
        if not_started:
            raise UserError(
                self.env._(
                    "Start the session %(session)s before completing it.",
                    session=not_started[0].name,
                )
            )
        unexplained = sessions.filtered(
            lambda s: s.has_deviation and not (s.deviation_reason or "").strip()
        )
        if unexplained:
            if len(unexplained) == 1 and not self.env.context.get("halley_no_wizard"):
                return {
                    "type": "ir.actions.act_window",
                    "name": self.env._("Difference from the protocol"),
                    "res_model": "halley.session.deviation",
                    "view_mode": "form",
                    "target": "new",
                    "context": {"default_session_id": unexplained.id},
                }
            raise UserError(
                self.env._(
                    "The quantities used in %(session)s differ from the protocol:\n"
                    "%(lines)s\nGive the reason for the difference before completing it.",
                    session=unexplained[0].name,
                    lines=unexplained[0].deviation_summary,
                )
            )
        sessions._action_done()
        return True

    def _action_done(self):
        self._check_consumption()
        pickings = self.picking_id.sudo()
        for move in self.move_ids:
            if move.state not in ("done", "cancel"):
                move.picked = True
        res = pickings.with_context(
            skip_backorder=True,
            picking_ids_not_to_backorder=pickings.ids,
            skip_expired=True,
            skip_sms=True,
        ).button_validate()
        if res is not True or any(p.state != "done" for p in pickings):
            raise UserError(self.env._("The consumption transfer could not be validated."))
        self.write({"state": "done", "date_done": fields.Datetime.now()})
        for session in self:
            session._message_log(body=session._used_lots_message())

    def action_cancel(self):
        """Cancel; a completed session returns its stock to the room."""
        for session in self.filtered(lambda s: s.state != "cancel"):
            if session.state == "done":
                session._return_consumption()
            elif session.picking_id:
                session.picking_id.sudo().action_cancel()
            session.state = "cancel"
        return True

    def action_draft(self):
        for session in self.filtered(lambda s: s.state in ("confirmed", "cancel")):
            if session.return_picking_id:
                raise UserError(
                    self.env._(
                        "The session %(session)s was completed and its stock returned: "
                        "book a new session instead.",
                        session=session.name,
                    )
                )
            if session.picking_id.state not in (False, "cancel"):
                session.picking_id.sudo().action_cancel()
            session.write({"state": "draft", "picking_id": False})
        return True

    def action_view_picking(self):
        self.ensure_one()
        pickings = self.picking_id | self.return_picking_id
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", pickings.ids)]
        action["context"] = {}
        if len(pickings) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = pickings.id
        return action

    # ------------------------------------------------------------------ helpers

    def _check_bookable(self):
        self.ensure_one()
        protocol = self.protocol_id
        if not protocol.bom_line_ids:
            raise UserError(
                self.env._(
                    "The protocol %(protocol)s has no components: add what a session "
                    "consumes before booking it.",
                    protocol=protocol.display_name,
                )
            )
        if not self.room_id.is_treatment_room or self.room_id.usage != "internal":
            raise UserError(
                self.env._("%(room)s is not a treatment room.", room=self.room_id.display_name)
            )
        if not self.treatment_product_id:
            raise UserError(
                self.env._("The protocol %(protocol)s has no treatment product.", protocol=protocol.display_name)
            )

    def _prepare_consumption_picking_vals(self):
        self.ensure_one()
        picking_type = self.company_id._get_treatment_consumption_type()
        product = self.treatment_product_id
        return {
            "picking_type_id": picking_type.id,
            "location_id": self.room_id.id,
            "location_dest_id": picking_type.default_location_dest_id.id,
            "partner_id": self.patient_id.id,
            "scheduled_date": self.scheduled_start,
            "origin": self.name,
            "company_id": self.company_id.id,
            "treatment_session_id": self.id,
            "move_ids": [
                fields.Command.create(
                    {
                        "name": self.name,
                        "product_id": product.id,
                        "product_uom": self.protocol_id.product_uom_id.id,
                        "product_uom_qty": self.protocol_id.product_qty,
                        "location_id": self.room_id.id,
                        "location_dest_id": picking_type.default_location_dest_id.id,
                        "company_id": self.company_id.id,
                        "treatment_session_id": self.id,
                        "date": self.scheduled_start,
                    }
                )
            ],
        }

    def _check_consumption(self):
        """Refuse, in the practitioner's words, what would leave stock wrong."""
        Quant = self.env["stock.quant"].sudo()
        lines = self.move_ids.filtered(lambda m: m.state not in ("done", "cancel")).move_line_ids
        for session in self:
            moves = session.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
            if all(
                float_is_zero(m.quantity, precision_rounding=m.product_uom.rounding) for m in moves
            ):
                raise UserError(
                    self.env._(
                        "Nothing is recorded as used in %(session)s: enter the quantities "
                        "used, or cancel the session.",
                        session=session.name,
                    )
                )
        for line in lines:
            if line.product_id.tracking != "none" and not line.lot_id:
                raise UserError(
                    self.env._(
                        "Choose the lot of %(product)s used in %(session)s.",
                        product=line.product_id.display_name,
                        session=line.move_id.treatment_session_id.name,
                    )
                )
            if line.lot_id and line.lot_id.product_id != line.product_id:
                raise UserError(
                    self.env._(
                        "Lot %(lot)s is a lot of %(lot_product)s, not of %(product)s.",
                        lot=line.lot_id.name,
                        lot_product=line.lot_id.product_id.display_name,
                        product=line.product_id.display_name,
                    )
                )
            expiry = line.lot_id.expiration_date
            session = line.move_id.treatment_session_id
            if expiry and expiry < session.scheduled_start:
                raise UserError(
                    self.env._(
                        "Lot %(lot)s of %(product)s expired on %(date)s: it cannot be "
                        "used in %(session)s.",
                        lot=line.lot_id.name,
                        product=line.product_id.display_name,
                        date=format_datetime(self.env, expiry, dt_format="short"),
                        session=session.name,
                    )
                )
        # Stock check: what the sessions take from each room, per product and lot,
        # against what is on hand there minus what other transfers have reserved.
        needed = defaultdict(float)
        for line in lines:
            key = (line.location_id, line.product_id, line.lot_id)
            needed[key] += line.product_uom_id._compute_quantity(
                line.quantity, line.product_id.uom_id, rounding_method="HALF-UP"
            )
        if not needed:
            return
        locations = self.env["stock.location"].union(*(k[0] for k in needed))
        products = self.env["product.product"].union(*(k[1] for k in needed))
        on_hand = defaultdict(float)
        for location, product, lot, qty in Quant._read_group(
            [("location_id", "in", locations.ids), ("product_id", "in", products.ids)],
            ["location_id", "product_id", "lot_id"],
            ["quantity:sum"],
        ):
            on_hand[(location, product, lot)] += qty
        reserved_elsewhere = defaultdict(float)
        for location, product, lot, qty in (
            self.env["stock.move.line"]
            .sudo()
            ._read_group(
                [
                    ("location_id", "in", locations.ids),
                    ("product_id", "in", products.ids),
                    ("state", "not in", ("done", "cancel", "draft")),
                    ("move_id", "not in", self.move_ids.ids),
                ],
                ["location_id", "product_id", "lot_id"],
                ["quantity_product_uom:sum"],
            )
        ):
            reserved_elsewhere[(location, product, lot)] += qty
        for key, qty in needed.items():
            location, product, lot = key
            available = on_hand[key] - reserved_elsewhere[key]
            if float_compare(qty, available, precision_rounding=product.uom_id.rounding) > 0:
                raise UserError(
                    self.env._(
                        "Not enough %(product)s%(lot)s in %(room)s: %(needed)s %(uom)s "
                        "used, %(available)s %(uom)s available.",
                        product=product.display_name,
                        lot=self.env._(" (lot %(lot)s)", lot=lot.name) if lot else "",
                        room=location.display_name,
                        needed=qty,
                        available=max(available, 0.0),
                        uom=product.uom_id.name,
                    )
                )

    def _used_lots_message(self):
        self.ensure_one()
        rows = Markup("").join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(product)s: %(qty)s %(uom)s%(lot)s",
                product=line.product_id.display_name,
                qty=line.quantity,
                uom=line.product_uom_id.name,
                lot=self.env._(", lot %(lot)s", lot=line.lot_id.name) if line.lot_id else "",
            )
            for line in self.used_line_ids
        )
        return Markup("%s<ul>%s</ul>") % (self.env._("Session completed. Used:"), rows)

    def _return_consumption(self):
        self.ensure_one()
        picking = self.picking_id.sudo()
        wizard = (
            self.env["stock.return.picking"]
            .sudo()
            .with_context(active_id=picking.id, active_ids=picking.ids, active_model="stock.picking")
            .create({"picking_id": picking.id})
        )
        for line in wizard.product_return_moves:
            line.quantity = line.move_id.quantity
        return_picking = wizard._create_return()
        for move in return_picking.move_ids:
            move.picked = True
        return_picking.with_context(skip_backorder=True, skip_expired=True).button_validate()
        if return_picking.state != "done":
            raise UserError(self.env._("The return of the consumption could not be validated."))
        self.return_picking_id = return_picking
        self._message_log(
            body=self.env._(
                "Session cancelled after completion: the stock it used was returned to "
                "%(room)s with %(picking)s.",
                room=self.room_id.display_name,
                picking=Markup(return_picking._get_html_link()),
            )
        )
