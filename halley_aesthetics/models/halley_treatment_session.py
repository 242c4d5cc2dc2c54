from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from ..tools import (
    CLINIC_GROUPS,
    CLINICIAN_GROUPS,
    DONE_LOCK_KEY,
    check_domain_field_access,
    check_references,
    check_workflow_fields,
    lock_rows,
    wait_for_turn,
)


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
    # Staff read a session as "Grace Lim · Rejuran Skin Healer" (its display name);
    # its reference (SES/2026/00002) stays on its form and is still searched.
    _rec_names_search = ["name", "patient_id"]

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
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_patient', '=', True)]",
    )
    practitioner_id = fields.Many2one(
        "res.users",
        tracking=True,
        check_company=True,  # one of the session's company's users
        default=lambda self: self._default_practitioner_id(),
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("halley_aesthetics.group_practitioner").id)
        ],
    )
    room_id = fields.Many2one(
        "stock.location",
        required=True,
        tracking=True,
        check_company=True,
        domain="[('is_treatment_room', '=', True)]",
    )
    protocol_id = fields.Many2one(
        "mrp.bom",
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
    # Clinical data: practitioners and clinic managers only, on every path (read,
    # search, read_group, reports); not tracked, so it never reaches the chatter.
    deviation_reason = fields.Text(
        string="Reason for the difference",
        copy=False,
        groups=CLINICIAN_GROUPS,
        help="Why the quantities used differ from the protocol.",
    )
    notes = fields.Html(string="Clinical notes", groups=CLINICIAN_GROUPS)
    addendum_ids = fields.One2many(
        "halley.session.addendum",
        "session_id",
        string="Addenda",
        groups=CLINICIAN_GROUPS,
        help="Corrections to a completed session: added, never changed; the record keeps "
        "what was written at the time.",
    )
    date_done = fields.Datetime(string="Completed on", copy=False, readonly=True)
    color = fields.Integer(related="practitioner_id.color", string="Colour")

    # ------------------------------------------------------------------ computes

    @api.depends("name", "patient_id.name", "protocol_id.clinic_name")
    @api.depends_context("lang", "uid")
    def _compute_display_name(self):
        """Patient · treatment, in words ("Grace Lim · Rejuran Skin Healer"): the
        calendar, the cards, and every record that refers to a session, for the
        clinic's users and its workflow. Everyone else (a warehouse clerk reading a
        stock move, an accountant) reads the reference, as before the addon named
        sessions in words: Odoo renders a many2one's name as superuser, but keeps
        the reader's uid, which decides here."""
        if self.env.uid != SUPERUSER_ID and not self.env.user.has_groups(CLINIC_GROUPS):
            for session in self:
                session.display_name = session.name
            return
        for session in self:
            words = [session.patient_id.name, session.protocol_id.clinic_name]
            session.display_name = " · ".join(word for word in words if word) or session.name

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
            try:
                session.scheduled_end = session.scheduled_start + timedelta(minutes=minutes)
            except OverflowError:  # refused by _check_session_times
                session.scheduled_end = session.scheduled_start

    @api.depends("picking_id.move_line_ids", "state")
    def _compute_used_line_ids(self):
        for session in self:
            session.used_line_ids = session.picking_id.move_line_ids.filtered(
                lambda ml: ml.move_id.treatment_session_id == session
            )

    @api.depends("move_ids.quantity", "move_ids.protocol_quantity", "move_ids.state", "state")
    def _compute_has_deviation(self):
        """What was used differs from the protocol: a session not started has used
        nothing yet (its quantities are what is reserved), so it has no deviation."""
        for session in self:
            lines = []
            if session.state not in ("in_progress", "done"):
                session.has_deviation, session.deviation_summary = False, ""
                continue
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

    def _where_calc(self, domain, active_test=True):
        check_domain_field_access(self, domain)  # clinical fields: no search either
        return super()._where_calc(domain, active_test=active_test)

    def _halley_workflow_fields(self):
        """Fields only the workflow writes (as superuser): refused on create and
        write for every user, clinic managers included. Each concern adds its own."""
        return {"state", "date_done", "picking_id", "return_picking_id"}

    def _halley_frozen_fields(self):
        """Fields still written on a completed or cancelled session: its chatter and
        activities, and what the workflow records (as superuser)."""
        return {
            name for name in self._fields
            if name.startswith(("message_", "activity_", "website_message"))
        } | {"addendum_ids"}

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # The form sends the defaults of the fields it shows (a new session is
            # a draft with nothing recorded): only a value the workflow would not
            # start from is refused.
            if vals.get("state") == "draft":
                del vals["state"]
            forged = {name: value for name, value in vals.items() if value}
            check_workflow_fields(
                self, forged, self._halley_workflow_fields(), self.env._("The state of a session and what it completed")
            )
            check_references(self, vals)
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "halley.treatment.session"
                ) or "/"
        return super().create(vals_list)

    def write(self, vals):
        check_workflow_fields(
            self, vals, self._halley_workflow_fields(), self.env._("The state of a session and what it completed")
        )
        if not self.env.su:  # the workflow's own writes link records it just made
            check_references(self, vals)
        if not self.env.su:
            # Who may not write the session or these fields hears that first.
            self.check_access("write")
            self.check_field_access_rights("write", [name for name in vals if name in self._fields])
            closed = self.filtered(lambda s: s.state in ("done", "cancel"))
            changed = set(vals) - self._halley_frozen_fields()
            if closed and changed:
                raise UserError(
                    self.env._(
                        "The session %(session)s is %(state)s: its record is kept as it was "
                        "(%(fields)s). Add an addendum to correct it.",
                        session=closed[0].display_name,
                        state=closed[0]._state_label(),
                        fields=", ".join(sorted(self._fields[name].string for name in changed)),
                    )
                )
            addenda = vals.get("addendum_ids") or []
            if any(command[0] != fields.Command.CREATE for command in addenda):
                raise UserError(self.env._("An addendum is kept as written: add a new one to correct it."))
        locked = {"patient_id", "room_id", "protocol_id", "company_id"} & set(vals)
        if locked and any(session.state != "draft" for session in self):
            raise UserError(
                self.env._(
                    "The patient, room and protocol can only be changed on a draft "
                    "session. Reset the session to draft first."
                )
            )
        res = super().write(vals)
        if "scheduled_start" in vals:
            self._sync_picking_date()
        return res

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for session in self:
            if session.state != "draft" or session.date_done:
                raise UserError(
                    self.env._(
                        "The session %(session)s is %(state)s: only draft sessions can "
                        "be deleted. Cancel it instead.",
                        session=session.display_name,
                        state=session._state_label(),
                    )
                )

    @api.constrains("protocol_id")
    def _check_protocol(self):
        for session in self:
            if not session.protocol_id.is_treatment_protocol:
                raise ValidationError(
                    self.env._(
                        "%(bom)s is not a treatment protocol: only bills of materials flagged "
                        "as protocols can be booked.",
                        bom=session.protocol_id.display_name,
                    )
                )

    def _sync_picking_date(self):
        """The consumption transfer (and, through Odoo's inverse, its moves) follows
        a moved session: one write per distinct start (a batch moved together is one)."""
        by_start = defaultdict(lambda: self.env["stock.picking"])
        for session in self:
            if session.picking_id.state not in (False, "done", "cancel"):
                by_start[session.scheduled_start] |= session.picking_id
        for start, pickings in by_start.items():
            pickings.sudo().write({"scheduled_date": start})

    def _workflow_write(self, vals):
        """Write what the workflow records, once the user has shown she may change
        the sessions; untracked when it writes no tracked field (there is nothing to say)."""
        self.check_access("write")
        notrack = self.env.context.get("mail_notrack") or not self.sudo()._track_get_fields() & set(vals)
        return self.sudo().with_context(mail_notrack=notrack).write(vals)

    # ------------------------------------------------------------------ actions

    def _halley_refuse_states(self, step):
        """Hook: refuse ``step`` ("confirm", "start", "complete") in words on a
        session whose state makes it meaningless (halley_treatment_session_bounds.py)."""

    def action_confirm(self):
        """Book the consumption transfer: demand on the session's date."""
        self.check_access("write")
        self._halley_refuse_states("confirm")
        sessions = self.filtered(lambda s: s.state == "draft")
        for session in sessions:
            session._check_bookable()
        pickings = self.env["stock.picking"].sudo().create(
            [session._prepare_consumption_picking_vals() for session in sessions]
        )
        pickings.action_confirm()  # explodes the kit into its components
        for session, picking in zip(sessions, pickings, strict=True):
            session._workflow_write({"picking_id": picking.id, "state": "confirmed"})
        return True

    def action_start(self):
        """Reserve the room's lots, first expiry first, and start the session."""
        self.check_access("write")
        self._halley_refuse_states("start")
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
                            room=session.room_id.name,
                            needed=move.product_uom_qty,
                            available=move.quantity,
                            uom=move.product_uom.name,
                        )
                    )
        if shortages:
            raise UserError(
                self.env._("Not enough stock to start the session:\n%(lines)s", lines="\n".join(shortages))
            )
        sessions._workflow_write({"state": "in_progress"})
        return True

    def action_done(self):
        """Complete the sessions. Asks for a reason when the quantities used differ
        from the protocol; does nothing for sessions already done."""
        # Concurrent Done calls take the same stock rows (the consumption
        # location's quants, the components' valuation): one at a time per
        # company, the one the request works in (read from its context: nothing
        # may be read before waiting). Another company's clinics do not wait.
        company_ids = self.env.context.get("allowed_company_ids") or [0]
        wait_for_turn(self.env, DONE_LOCK_KEY, company_ids[0])
        self.check_access("write")
        # Two Done calls on one session: the second waits here, is replayed, and
        # finds it done.
        self._lock_for_done()
        self._lock_stock_rows()
        self._halley_refuse_states("complete")
        sessions = self.filtered(lambda s: s.state != "done")
        if not sessions:
            return True
        not_started = sessions.filtered(lambda s: s.state != "in_progress")
        if not_started:
            raise UserError(
                self.env._(
                    "Start the session %(session)s before completing it.",
                    session=not_started[0].display_name,
                )
            )
        sessions._halley_prepare_done()
        unexplained = sessions.filtered(
            lambda s: s.has_deviation and not (s.sudo().deviation_reason or "").strip()
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
                    session=unexplained[0].display_name,
                    lines=unexplained[0].deviation_summary,
                )
            )
        sessions._action_done()
        return True

    def _halley_prepare_done(self):
        """Hook, under Done's locks, before the deviation check: concerns set what
        the sessions used (the injection chart's totals become its lots)."""

    def _action_done(self):
        """Consume what was recorded: Odoo's own checks of the transfer (lots,
        quantities, stock, expiry), then its moves done. Concerns (packages,
        the aftercare sheet) extend this."""
        pickings = self.picking_id.sudo()
        self.move_ids.sudo().filtered(lambda m: m.state not in ("done", "cancel")).picked = True
        pickings._sanity_check()
        self._check_consumption()
        # product_expiry's check; a treatment transfer raises instead of asking.
        pickings.with_context(skip_backorder=True)._pre_action_done_hook()
        pickings.with_context(cancel_backorder=True, skip_sms=True)._action_done()
        if any(p.state != "done" for p in pickings):
            raise UserError(self.env._("The consumption transfer could not be validated."))
        # Not tracked: the note of the lots used says "Session completed" once.
        self.with_context(mail_notrack=True)._workflow_write({"state": "done", "date_done": fields.Datetime.now()})
        self._message_log_batch(bodies={session.id: session._used_lots_message() for session in self})

    def _lock_for_done(self, *many2one_names):
        """Lock the sessions, and in the same statement their ``many2one_names``' records."""
        return lock_rows(self, *many2one_names)

    def _lock_stock_rows(self):
        """Lock, before anything is written, the stock rows Done will update and
        other sessions' Done update too: the quants of the components in the rooms
        and where consumption goes, and the components' valuation layers Odoo's
        FIFO draws from. A concurrent Done that changed them makes this fail, quietly,
        and the request is replayed on fresh data; without it, the same conflict
        would surface inside Odoo's stock code, logged as an error."""
        moves = self.move_ids.sudo().filtered(lambda m: m.state not in ("done", "cancel"))
        if not moves:
            return
        products = tuple(moves.product_id.ids)
        locations = tuple((moves.location_id | moves.location_dest_id | moves.move_line_ids.location_id).ids)
        cr = self.env.cr
        cr.execute(
            "SELECT id FROM stock_quant WHERE product_id IN %s AND location_id IN %s ORDER BY id FOR UPDATE",
            [products, locations],
            log_exceptions=False,
        )
        if "stock.valuation.layer" in self.env:
            cr.execute(
                "SELECT id FROM stock_valuation_layer WHERE product_id IN %s AND company_id IN %s "
                "AND remaining_qty > 0 ORDER BY id FOR UPDATE",
                [products, tuple(self.company_id.ids)],
                log_exceptions=False,
            )

    def action_cancel(self):
        """Cancel; a completed session returns its stock to the room (its package
        session and billing are handled by their concerns)."""
        self.check_access("write")
        for session in self.filtered(lambda s: s.state != "cancel"):
            if session.state == "done":
                session._return_consumption()
            elif session.picking_id:
                session.picking_id.sudo().action_cancel()
            session._workflow_write({"state": "cancel"})
        return True

    def action_draft(self):
        self.check_access("write")
        started = self.filtered(lambda s: s.state == "in_progress")[:1]
        if started:
            raise UserError(
                self.env._(
                    "%(session)s has started: complete it, or cancel it, instead of resetting it to draft.",
                    session=started.display_name,
                )
            )
        for session in self.filtered(lambda s: s.state in ("confirmed", "cancel")):
            if session.date_done:
                raise UserError(
                    self.env._(
                        "The session %(session)s was completed and its stock returned: "
                        "book a new session instead.",
                        session=session.display_name,
                    )
                )
            if session.picking_id.state not in (False, "cancel"):
                session.picking_id.sudo().action_cancel()
            session._workflow_write({"state": "draft", "picking_id": False})
        return True

    def action_view_picking(self):
        self.ensure_one()
        return self.env["ir.actions.act_window"]._halley_for_records(
            "stock.action_picking_tree_all", self.picking_id | self.return_picking_id
        )

    def action_print_treatment_record(self):
        return self.env.ref("halley_aesthetics.action_report_halley_treatment_record").report_action(self)

    # ------------------------------------------------------------------ helpers

    def _check_bookable(self):
        self.ensure_one()
        protocol = self.protocol_id
        self._check_protocol()
        if not protocol.bom_line_ids:
            raise UserError(
                self.env._(
                    "The protocol %(protocol)s has no components: add what a session "
                    "consumes before booking it.",
                    protocol=protocol.clinic_name,
                )
            )
        if not self.room_id.is_treatment_room or self.room_id.usage != "internal":
            raise UserError(
                self.env._("%(room)s is not a treatment room.", room=self.room_id.display_name)
            )
        if not self.treatment_product_id:
            raise UserError(
                self.env._("The protocol %(protocol)s has no treatment product.", protocol=protocol.clinic_name)
            )

    def _prepare_consumption_picking_vals(self):
        self.ensure_one()
        picking_type = self.room_id._halley_consumption_type()
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
        """Refuse, in the practitioner's words, taking more than the room holds:
        per product and lot, what the sessions record against Odoo's available
        quantity of that exact lot (``strict``), which already counts what these
        sessions reserved."""
        Quant = self.env["stock.quant"].sudo()
        lines = self.move_ids.filtered(lambda m: m.state not in ("done", "cancel")).move_line_ids.sudo()
        needed = defaultdict(float)
        for line in lines:
            needed[(line.location_id, line.product_id, line.lot_id)] += line.quantity_product_uom
        if not needed:
            return
        # The quants of every line read at once, as Odoo's move lines do when done
        # (``quants_cache``): its strict availability then filters them in memory.
        quants_cache = Quant._get_quants_by_products_locations(lines.product_id, lines.location_id)
        Quant.browse([qid for quants in quants_cache.values() for qid in quants.ids]).fetch(
            ["quantity", "reserved_quantity", "lot_id"]
        )
        Quant = Quant.with_context(quants_cache=quants_cache)
        no_package, no_owner = self.env["stock.quant.package"], self.env["res.partner"]
        for (location, product, lot), qty in needed.items():
            reserved_here = qty if not location.should_bypass_reservation() else 0.0
            available = reserved_here + Quant._get_available_quantity(
                product, location, lot_id=lot, package_id=no_package, owner_id=no_owner,
                strict=True, allow_negative=True,
            )
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

    def _return_consumption(self):
        """Return everything the session consumed to its room, with Odoo's return
        of the whole transfer."""
        self.ensure_one()
        picking = self.picking_id.sudo()
        wizard = (
            self.env["stock.return.picking"]
            .sudo()
            .with_context(active_id=picking.id, active_ids=picking.ids, active_model="stock.picking")
            .create({"picking_id": picking.id})
        )
        action = wizard.action_create_returns_all()
        return_picking = self.env["stock.picking"].sudo().browse(action["res_id"])
        return_picking.move_ids.picked = True
        return_picking._sanity_check()
        return_picking.with_context(cancel_backorder=True)._action_done()
        if return_picking.state != "done":
            raise UserError(self.env._("The return of the consumption could not be validated."))
        self._workflow_write({"return_picking_id": return_picking.id})
        self._message_log(
            body=self.env._(
                "Session cancelled after completion: the stock it used was returned to "
                "%(room)s with %(picking)s.",
                room=self.room_id.name,
                picking=Markup(return_picking._get_html_link()),
            )
        )
