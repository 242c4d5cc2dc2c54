from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, format_date, format_datetime

from ..report.aftercare_pdf import render_aftercare_pdf
from ..tools import CLINICIAN_GROUPS, check_domain_field_access, lock_rows


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
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_patient', '=', True)]",
    )
    practitioner_id = fields.Many2one(
        "res.users",
        tracking=True,
        default=lambda self: self.env.user,
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
    # Packages: the course this session is paid from.
    package_id = fields.Many2one(
        "halley.patient.package",
        compute="_compute_package_id",
        store=True,
        readonly=False,
        precompute=True,
        copy=False,
        tracking=True,
        index="btree_not_null",
        check_company=True,
        domain="[('patient_id', '=', patient_id), ('state', '=', 'active'), "
        "('line_ids.protocol_id', '=', protocol_id)]",
        help="The patient's prepaid package this session is redeemed from when "
        "completed. Proposed: her oldest valid package covering the protocol.",
    )
    package_redeemed = fields.Boolean(
        string="Redeemed from package", copy=False, readonly=True
    )
    package_sequence = fields.Integer(string="Package session", copy=False, readonly=True)
    package_progress = fields.Char(string="Package session no.", compute="_compute_package_progress")
    package_move_id = fields.Many2one(
        "account.move",
        string="Revenue entry",
        copy=False,
        readonly=True,
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    interval_override_reason = fields.Text(
        string="Interval override",
        copy=False,
        tracking=True,
        groups="halley_aesthetics.group_manager",
        help="Why this session may come sooner than the package's minimum interval "
        "(clinic managers only).",
    )
    # Clinical safety: screening, consent, aftercare, follow-up.
    screening_ids = fields.One2many(
        "halley.session.screening",
        "session_id",
        groups=CLINICIAN_GROUPS,
    )
    consent_ids = fields.One2many(
        "halley.session.consent",
        "session_id",
        groups=CLINICIAN_GROUPS,
    )
    has_procedure_consent = fields.Boolean(
        compute="_compute_has_procedure_consent",
        search="_search_has_procedure_consent",
        string="Procedure consent",
        groups=CLINICIAN_GROUPS,
    )
    aftercare_attachment_id = fields.Many2one(
        "ir.attachment", string="Aftercare sheet", copy=False, readonly=True
    )
    previous_session_id = fields.Many2one(
        "halley.treatment.session", string="Previous session of the course", copy=False, readonly=True
    )
    followup_session_id = fields.Many2one(
        "halley.treatment.session", string="Next session", copy=False, readonly=True
    )
    # Pay-per-session invoicing.
    invoice_line_ids = fields.One2many(
        "account.move.line",
        "treatment_session_id",
        string="Invoice lines",
        domain=[("move_id.move_type", "in", ("out_invoice", "out_refund"))],
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    invoice_status = fields.Selection(
        [
            ("no", "Nothing to invoice"),
            ("package", "Paid by package"),
            ("to_invoice", "To invoice"),
            ("invoiced", "Invoiced"),
        ],
        compute="_compute_invoice_status",
        store=True,
        index=True,
        string="Invoicing",
    )
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

    def _search_has_procedure_consent(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search only for sessions with or without procedure consent."))
        positive = (operator == "=") == value
        return [("consent_ids", "any" if positive else "not any", [("procedure", "=", True)])]

    @api.depends("consent_ids.procedure")
    def _compute_has_procedure_consent(self):
        for session in self:
            latest = session.sudo().consent_ids[:1]
            session.has_procedure_consent = bool(latest.procedure)

    @api.depends("patient_id", "protocol_id", "scheduled_start")
    def _compute_package_id(self):
        for session in self:
            if session.package_redeemed or session.state in ("done", "cancel"):
                continue
            package = session.package_id
            if (
                package
                and package.patient_id == session.patient_id
                and package._line_for(session.protocol_id)
            ):
                continue
            session.package_id = session._find_package()

    def _find_package(self):
        """The patient's oldest valid package with a session of this protocol left."""
        self.ensure_one()
        if not (self.patient_id and self.protocol_id):
            return self.env["halley.patient.package"]
        date = (self.scheduled_start or fields.Datetime.now()).date()
        return self.env["halley.patient.package"].sudo().search(
            [
                ("company_id", "=", (self.company_id or self.env.company).id),
                ("patient_id", "=", self.patient_id.id),
                ("state", "=", "active"),
                ("date_valid_until", ">=", date),
                ("line_ids", "any", [
                    ("protocol_id", "=", self.protocol_id.id),
                    ("sessions_remaining", ">", 0),
                ]),
            ],
            order="date_purchase, id",
            limit=1,
        ).with_env(self.env)

    @api.depends("package_id", "package_sequence", "package_redeemed")
    def _compute_package_progress(self):
        for session in self:
            package = session.package_id
            if not package:
                session.package_progress = False
            elif session.package_redeemed:
                session.package_progress = self.env._(
                    "Session %(n)s of %(total)s", n=session.package_sequence, total=package.sessions_total
                )
            else:
                session.package_progress = self.env._(
                    "Session %(n)s of %(total)s (when done)",
                    n=package.sessions_used + 1,
                    total=package.sessions_total,
                )

    @api.depends(
        "state", "package_redeemed",
        "invoice_line_ids.quantity", "invoice_line_ids.parent_state", "invoice_line_ids.move_id.move_type",
    )
    def _compute_invoice_status(self):
        for session in self:
            if session.state != "done":
                session.invoice_status = "no"
            elif session.package_redeemed:
                session.invoice_status = "package"
            elif float_compare(
                session._invoiced_quantity(include_draft=True), 1.0, precision_digits=2
            ) >= 0:
                session.invoice_status = "invoiced"
            else:
                session.invoice_status = "to_invoice"

    def _invoiced_quantity(self, include_draft=False):
        """Sessions invoiced minus sessions credited, on posted (and draft) invoices."""
        self.ensure_one()
        states = ("posted", "draft") if include_draft else ("posted",)
        quantity = 0.0
        for line in self.sudo().invoice_line_ids:
            if line.parent_state not in states:
                continue
            sign = -1 if line.move_id.move_type == "out_refund" else 1
            quantity += sign * line.quantity
        return quantity

    # ------------------------------------------------------------------ CRUD

    def _where_calc(self, domain, active_test=True):
        check_domain_field_access(self, domain)  # clinical fields: no search either
        return super()._where_calc(domain, active_test=active_test)

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
        sessions = super().create(vals_list)
        sessions._sync_screening()
        return sessions

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
        if "package_id" in vals and any(s.package_redeemed for s in self):
            raise UserError(
                self.env._(
                    "This session was already redeemed from its package: cancel it to "
                    "give the session back first."
                )
            )
        res = super().write(vals)
        if "scheduled_start" in vals:
            self._sync_picking_date()
        if {"protocol_id", "patient_id"} & set(vals):
            self._sync_screening()
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
        sessions._check_safe_to_start()
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
        # Lock the packages first: a concurrent redemption fails here, before any
        # stock is touched, and is replayed against the new balance.
        self.package_id.sudo()._lock()
        self.filtered("package_id")._check_package_redemption()
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
        self.filtered("package_id")._redeem_packages()
        for session in self:
            session._propose_followup()
            session._attach_and_send_aftercare()

    def action_cancel(self):
        """Cancel; a completed session returns its stock to the room, and its
        package session to the package."""
        for session in self.filtered(lambda s: s.state != "cancel"):
            if session.state == "done":
                session._check_cancellable_billing()
                if session.package_redeemed:
                    session._unredeem_package()
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
        return self.env["ir.actions.act_window"]._halley_for_records(
            "stock.action_picking_tree_all", self.picking_id | self.return_picking_id
        )

    def action_create_invoices(self):
        """Invoice the selected sessions waiting to be invoiced: one draft invoice per
        patient, one line per session. Sessions paid by a package, not done or
        already invoiced are skipped; a session is never invoiced twice."""
        if not self.env.user.has_group("account.group_account_invoice"):
            raise UserError(self.env._("Only billing staff can invoice treatment sessions."))
        # Two billing users invoicing the same sessions at once: the second waits
        # here, then is replayed and sees them invoiced.
        lock_rows(self)
        sessions = self.filtered(lambda s: s.invoice_status == "to_invoice")
        if not sessions:
            raise UserError(
                self.env._(
                    "None of the selected sessions is waiting to be invoiced: they are not "
                    "done yet, paid by a package, or already invoiced."
                )
            )
        groups = defaultdict(lambda: self.browse())
        for session in sessions.sorted(lambda s: (s.scheduled_start, s.id)):
            groups[(session.company_id, session.patient_id)] |= session
        Move = self.env["account.move"]
        invoices = Move.browse()
        for (company, patient), group in groups.items():
            invoices |= Move.with_company(company).create(
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": patient.id,
                    "invoice_origin": ", ".join(group.mapped("name")),
                    "invoice_line_ids": [
                        fields.Command.create(session._prepare_invoice_line_vals())
                        for session in group
                    ],
                }
            )
        action = self.env["ir.actions.act_window"]._halley_for_records(
            "account.action_move_out_invoice_type", invoices
        )
        action["context"] = {"default_move_type": "out_invoice"}
        return action

    def _prepare_invoice_line_vals(self):
        self.ensure_one()
        return {
            "product_id": self.treatment_product_id.id,
            "quantity": 1.0,
            "name": self.env._(
                "%(session)s: %(treatment)s on %(date)s%(by)s",
                session=self.name,
                treatment=self.protocol_id.display_name,
                date=format_date(self.env, fields.Datetime.context_timestamp(self, self.scheduled_start)),
                by=self.env._(" by %(who)s", who=self.practitioner_id.name)
                if self.practitioner_id
                else "",
            ),
            "treatment_session_id": self.id,
        }

    def action_view_invoices(self):
        self.ensure_one()
        return self.env["ir.actions.act_window"]._halley_for_records(
            "account.action_move_out_invoice_type", self.invoice_line_ids.move_id
        )

    # ------------------------------------------------------------------ safety

    def _sync_screening(self):
        """Give the session the questions of its protocol, each with the patient's
        answer at her previous session for review."""
        Question = self.env["halley.screening.question"].sudo()
        Answer = self.env["halley.session.screening"].sudo()
        for session in self.sudo():
            if session.state not in ("draft", "confirmed"):
                continue
            questions = Question._for_protocol(session.protocol_id)
            obsolete = session.screening_ids.filtered(
                lambda line: line.question_id not in questions and not line.answer
            )
            obsolete.unlink()
            missing = questions - session.screening_ids.question_id
            if not missing:
                continue
            # Her answers in this company only: another company's clinic keeps its
            # own record of her.
            previous = {}
            for line in Answer.search(
                [
                    ("company_id", "=", session.company_id.id),
                    ("session_id.patient_id", "=", session.patient_id.id),
                    ("session_id", "!=", session.id),
                    ("session_id.state", "in", ("in_progress", "done")),
                    ("question_id", "in", missing.ids),
                    ("answer", "!=", False),
                ],
                order="id desc",
            ):
                previous.setdefault(line.question_id, line.answer)
            Answer.create(
                [
                    {"session_id": session.id, "question_id": q.id, "previous_answer": previous.get(q)}
                    for q in missing
                ]
            )

    def action_use_previous_answers(self):
        """The patient confirms nothing changed: last time's answers are taken over
        for the questions not answered yet."""
        for line in self.screening_ids.filtered(lambda ln: not ln.answer and ln.previous_answer):
            line.answer = line.previous_answer
        return True

    def action_record_consent(self):
        """Record the patient's consent to the procedure (the form's photo consents
        can then be edited on the record)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Consent"),
            "res_model": "halley.session.consent",
            "view_mode": "form",
            "target": "new",
            "context": {"default_session_id": self.id, "default_procedure": True},
        }

    def _check_safe_to_start(self):
        self._sync_screening()  # questions added to the protocol since booking
        for session in self:
            lines = session.sudo().screening_ids
            unanswered = lines.filtered(lambda ln: not ln.answer)
            if unanswered:
                raise UserError(
                    self.env._(
                        "Screen the patient before starting %(session)s: %(questions)s",
                        session=session.name,
                        questions="; ".join(unanswered.mapped("question")),
                    )
                )
            stops = lines.filtered(lambda ln: ln.flagged and ln.severity == "hard_stop")
            if stops:
                raise UserError(
                    self.env._(
                        "%(session)s cannot start: the screening has a hard stop (%(questions)s). "
                        "Do not treat; discuss an alternative with the patient.",
                        session=session.name,
                        questions="; ".join(stops.mapped("question")),
                    )
                )
            warnings = lines.filtered(
                lambda ln: ln.flagged and ln.severity == "warning" and not ln.acknowledged
            )
            if warnings:
                raise UserError(
                    self.env._(
                        "Acknowledge the screening warnings of %(session)s before starting: "
                        "%(questions)s",
                        session=session.name,
                        questions="; ".join(warnings.mapped("question")),
                    )
                )
            if not session.has_procedure_consent:
                raise UserError(
                    self.env._(
                        "No procedure consent is recorded for %(session)s: record the "
                        "patient's consent before starting.",
                        session=session.name,
                    )
                )

    def _propose_followup(self):
        """A session of a course proposes the next one: a draft session for the same
        patient, protocol and package, at the protocol's interval."""
        self.ensure_one()
        if self.followup_session_id:
            return
        package = self.package_id.sudo()
        line = package._line_for(self.protocol_id) if package else False
        if not (line and line.sessions_remaining > 0 and package.state == "active"):
            return
        days = self.protocol_id.session_interval_days or package.min_interval_days
        if not days:
            return
        followup = self.create(
            {
                "patient_id": self.patient_id.id,
                "protocol_id": self.protocol_id.id,
                "room_id": self.room_id.id,
                "practitioner_id": self.practitioner_id.id,
                "company_id": self.company_id.id,
                "scheduled_start": self.scheduled_start + timedelta(days=days),
                "package_id": package.id,
                "previous_session_id": self.id,
            }
        )
        self.followup_session_id = followup
        self._message_log(
            body=self.env._(
                "Next session of the course proposed: %(session)s on %(date)s.",
                session=Markup(followup._get_html_link()),
                date=format_date(self.env, followup.scheduled_start),
            )
        )

    def _attach_and_send_aftercare(self):
        """Attach the aftercare sheet (PDF) to the session and email it to the
        patient; Odoo sends the email once the transaction is committed."""
        self.ensure_one()
        content = render_aftercare_pdf(self)
        attachment = self.env["ir.attachment"].sudo().create(
            {
                "name": self.env._("Aftercare %(session)s.pdf", session=self.name.replace("/", "-")),
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.sudo().aftercare_attachment_id = attachment
        patient = self.patient_id
        template = self.env.ref("halley_aesthetics.mail_template_halley_aftercare").sudo()
        if not patient.email:
            self._message_log(
                body=self.env._(
                    "%(patient)s has no email address: give her the printed aftercare sheet.",
                    patient=patient.display_name,
                ),
                attachment_ids=attachment.ids,
            )
            return
        self.sudo().message_post(
            body=template._render_field("body_html", self.ids, compute_lang=True)[self.id],
            subject=template._render_field("subject", self.ids, compute_lang=True)[self.id],
            partner_ids=patient.ids,
            attachment_ids=attachment.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
        )

    def action_print_treatment_record(self):
        return self.env.ref("halley_aesthetics.action_report_halley_treatment_record").report_action(self)

    # ------------------------------------------------------------------ packages

    def _check_package_redemption(self):
        """Refuse, in billing's and the practitioner's words, a redemption the
        package does not allow."""
        for session in self:
            package = session.package_id.sudo()
            name = package.name
            if package.patient_id != session.patient_id:
                raise UserError(
                    self.env._(
                        "The package %(package)s belongs to %(owner)s, not to %(patient)s.",
                        package=name,
                        owner=package.patient_id.display_name,
                        patient=session.patient_id.display_name,
                    )
                )
            line = package._line_for(session.protocol_id)
            if not line:
                raise UserError(
                    self.env._(
                        "The package %(package)s does not include %(protocol)s sessions.",
                        package=name,
                        protocol=session.protocol_id.display_name,
                    )
                )
            if package.refund_line_id:
                raise UserError(
                    self.env._(
                        "The package %(package)s was refunded by %(refund)s: its remaining "
                        "sessions were cancelled.",
                        package=name,
                        refund=package.refund_line_id.move_id.name,
                    )
                )
            date = fields.Datetime.context_timestamp(self, session.scheduled_start).date()
            if date > package.date_valid_until:
                raise UserError(
                    self.env._(
                        "The package %(package)s expired on %(date)s: it cannot pay for "
                        "a session on %(session_date)s.",
                        package=name,
                        date=format_date(self.env, package.date_valid_until),
                        session_date=format_date(self.env, date),
                    )
                )
            if line.sessions_remaining <= 0:
                raise UserError(
                    self.env._(
                        "The package %(package)s has no %(protocol)s session left: "
                        "%(used)s of %(bought)s used%(refunded)s.",
                        package=name,
                        protocol=session.protocol_id.display_name,
                        used=line.sessions_used,
                        bought=line.sessions_bought,
                        refunded=self.env._(", %(n)s refunded", n=line.sessions_refunded)
                        if line.sessions_refunded
                        else "",
                    )
                )
            previous = package.session_ids.filtered(
                lambda s: s.package_redeemed and s != session
            ).sorted("scheduled_start")
            if package.min_interval_days and previous:
                last = previous[-1]
                days = abs((session.scheduled_start - last.scheduled_start).days)
                if days < package.min_interval_days and not (
                    session.sudo().interval_override_reason or ""
                ).strip():
                    raise UserError(
                        self.env._(
                            "Only %(days)s days since the last session of the package "
                            "%(package)s (%(last)s on %(date)s): it requires at least "
                            "%(min)s days between sessions. A clinic manager may override "
                            "this with a reason on the session.",
                            days=days,
                            package=name,
                            last=last.name,
                            date=format_date(self.env, last.scheduled_start),
                            min=package.min_interval_days,
                        )
                    )

    def _redeem_packages(self):
        """Take one session from each session's package and earn its share of the
        price. Runs under the row lock ``_action_done`` took on the packages; each
        session is checked against the balance its predecessors in the batch left."""
        today = fields.Date.context_today(self)
        for session in self:
            session._check_package_redemption()
            package = session.package_id.sudo()
            line = package._line_for(session.protocol_id)
            share = package._next_share()
            line.sessions_used += 1
            session.write({"package_redeemed": True, "package_sequence": package.sessions_used})
            if not float_is_zero(share, precision_rounding=package.currency_id.rounding):
                move = package._post_revenue_entry(
                    share,
                    date=today,
                    ref=self.env._(
                        "%(session)s: session %(n)s of %(total)s of %(package)s",
                        session=session.name,
                        n=session.package_sequence,
                        total=package.sessions_total,
                        package=package.name,
                    ),
                    session=session,
                )
                session.sudo().package_move_id = move
            package._update_state()
            package.message_post(
                body=self.env._(
                    "Session %(n)s of %(total)s redeemed by %(session)s.",
                    n=session.package_sequence,
                    total=package.sessions_total,
                    session=session._get_html_link(),
                )
            )

    def _unredeem_package(self):
        """Give the session back to its package and reverse the revenue it earned."""
        self.ensure_one()
        package = self.package_id.sudo()
        package._lock()
        if package.refund_line_id:
            raise UserError(
                self.env._(
                    "The package %(package)s of %(session)s was refunded since: the "
                    "session cannot be given back to it.",
                    package=package.name,
                    session=self.name,
                )
            )
        line = package._line_for(self.protocol_id)
        line.sessions_used -= 1
        entry = self.sudo().package_move_id
        if entry:
            reversal = entry._reverse_moves(
                [{"date": fields.Date.context_today(self), "ref": self.env._(
                    "Reversal of %(entry)s: %(session)s cancelled", entry=entry.name, session=self.name
                )}],
                cancel=True,
            )
            if reversal.state == "draft":
                reversal._post(soft=False)
        self.write({"package_redeemed": False, "package_sequence": 0})
        self.sudo().package_move_id = False
        package._update_state()
        package.message_post(
            body=self.env._(
                "%(session)s cancelled: its session is back in the package.",
                session=self._get_html_link(),
            )
        )

    def _check_cancellable_billing(self):
        self.ensure_one()
        lines = self.sudo().invoice_line_ids.filtered(lambda line: line.parent_state != "cancel")
        if float_compare(self._invoiced_quantity(include_draft=True), 0.0, precision_digits=2) > 0:
            raise UserError(
                self.env._(
                    "The session %(session)s is invoiced on %(invoices)s: issue a credit "
                    "note (or remove the line from the draft invoice) before cancelling it.",
                    session=self.name,
                    invoices=", ".join(lines.move_id.mapped("name")),
                )
            )

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
            # Expired at the session's time, or by now when it is recorded later.
            if expiry and expiry <= max(session.scheduled_start, fields.Datetime.now()):
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
