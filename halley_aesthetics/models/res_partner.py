import csv
import datetime
import io
import json
import zipfile

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext

from ..clinic_time import export_local, text_tz
from ..tools import CLINIC_GROUPS, CLINIC_NAMES, CLINICIAN_GROUPS, check_domain_field_access

# The clinic's one2many fields on a contact: which patients have sessions,
# packages, access-log entries or recall notices.
HALLEY_ONE2MANY = {"treatment_session_ids", "patient_package_ids", "halley_access_log_ids", "halley_recall_notice_ids"}
HALLEY_GROUPED_FIELDS = HALLEY_ONE2MANY | {
    "treatment_session_count", "patient_package_sessions_left", "halley_no_show_count",
    "halley_marketing_photo_consent", "halley_marketing_photo_withdrawn_on",
    "halley_record_photo_consent", "halley_record_photo_withdrawn_on",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # No groups: Odoo's generic tools (duplicate, merge, import) read every stored
    # field of a contact as whoever uses them. It is shown to clinic users only.
    is_patient = fields.Boolean(
        string="Patient",
        help="This contact is a patient of the clinic.",
    )
    # The patient's sessions and packages: clinic users only (everybody else reads
    # contacts exactly as without the addon).
    treatment_session_ids = fields.One2many(
        "halley.treatment.session", "patient_id", string="Treatment sessions", groups=CLINIC_GROUPS
    )
    treatment_session_count = fields.Integer(
        compute="_compute_treatment_session_count", string="Sessions", groups=CLINIC_GROUPS
    )
    halley_no_show_count = fields.Integer(
        compute="_compute_halley_no_show_count", string="No-shows", groups=CLINIC_GROUPS,
        help="Booked sessions the patient did not come to.",
    )
    patient_package_ids = fields.One2many(
        "halley.patient.package", "patient_id", string="Treatment packages", groups=CLINIC_GROUPS
    )
    patient_package_sessions_left = fields.Integer(
        compute="_compute_patient_package_sessions_left",
        string="Package sessions left",
        help="Sessions left on the patient's active packages.",
        groups=CLINIC_GROUPS,
    )
    # PDPA: marketing-photo consent (withdrawable), who accessed her record.
    halley_marketing_photo_consent = fields.Boolean(
        string="Marketing photos",
        compute="_compute_halley_marketing_photo_consent",
        search="_search_halley_marketing_photo_consent",
        groups=CLINICIAN_GROUPS,
        help="The patient consented to photos for marketing at a session and has not "
        "withdrawn it.",
    )
    halley_marketing_photo_withdrawn_on = fields.Datetime(
        string="Marketing photos withdrawn on",
        compute="_compute_halley_marketing_photo_consent",
        groups=CLINICIAN_GROUPS,
    )
    # Her consent to photos for her clinical record: given and withdrawn apart from
    # the marketing one.
    halley_record_photo_consent = fields.Boolean(
        string="Clinical-record photos",
        compute="_compute_halley_record_photo_consent",
        search="_search_halley_record_photo_consent",
        groups=CLINICIAN_GROUPS,
        help="The patient consented to photos for her clinical record at a session and has "
        "not withdrawn it.",
    )
    halley_record_photo_withdrawn_on = fields.Datetime(
        string="Clinical-record photos withdrawn on",
        compute="_compute_halley_record_photo_consent",
        groups=CLINICIAN_GROUPS,
    )
    halley_access_log_ids = fields.One2many(
        "halley.patient.access.log", "patient_id", string="Record access", groups="halley_aesthetics.group_manager"
    )
    halley_recall_notice_ids = fields.One2many(
        "halley.recall.notice", "patient_id", string="Recall notices", groups="halley_aesthetics.group_manager"
    )

    @api.depends("patient_package_ids.sessions_remaining", "patient_package_ids.state")
    def _compute_patient_package_sessions_left(self):
        for partner in self:
            partner.patient_package_sessions_left = sum(
                partner.patient_package_ids.filtered(lambda p: p.state == "active").mapped(
                    "sessions_remaining"
                )
            )

    @api.depends("treatment_session_ids")
    def _compute_treatment_session_count(self):
        counts = dict(
            self.env["halley.treatment.session"]._read_group(
                [("patient_id", "in", self.ids)], ["patient_id"], ["__count"]
            )
        )
        for partner in self:
            partner.treatment_session_count = counts.get(partner, 0)

    def _compute_halley_no_show_count(self):
        counts = dict(
            self.env["halley.treatment.session"]._read_group(
                [("patient_id", "in", self.ids), ("no_show", "=", True)], ["patient_id"], ["__count"]
            )
        )
        for partner in self:
            partner.halley_no_show_count = counts.get(partner, 0)

    def get_formview_id(self, access_uid=None):
        """A patient opened by a clinic user from any screen (a session's patient,
        an invoice's customer) opens in the clinic's patient form, as from Clinic >
        Patients: her sessions, packages, chart and invoices, without the other
        apps' badges (Sales, Purchases) on Odoo's contact form. Everyone else, and
        every contact that is not a patient, opens Odoo's contact form."""
        if len(self) == 1 and self.is_patient:
            user = self.env["res.users"].browse(access_uid or self.env.uid)
            if user.has_groups(CLINIC_GROUPS):
                return self.env.ref("halley_aesthetics.res_partner_view_form_halley_patient").id
        return super().get_formview_id(access_uid=access_uid)

    def action_view_treatment_sessions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "halley_aesthetics.halley_treatment_session_action"
        )
        action["domain"] = [("patient_id", "=", self.id)]
        if self.env.context.get("halley_no_show"):
            action["domain"].append(("no_show", "=", True))
        action["context"] = {"default_patient_id": self.id, CLINIC_NAMES: True}
        return action

    # ------------------------------------------------------------------ PDPA

    def action_halley_portal_invite(self):
        """Invite to the patient portal: Odoo's portal wizard with her in it, her
        line saved so that its Grant Access button works at once (the wizard's
        buttons act on saved lines, as the contact's gear menu action prepares
        them). Whoever may manage contacts' portal access may invite (the wizard's
        own access rights)."""
        self.ensure_one()
        if not self.is_patient:
            raise UserError(self.env._("%(name)s is not a patient of the clinic.", name=self.display_name))
        wizard = self.env["portal.wizard"].create({"partner_ids": [Command.set(self.ids)]})
        action = wizard._action_open_modal()
        action["name"] = self.env._("Invite to the patient portal")
        return action

    def _halley_consents(self):
        return self.env["halley.session.consent"].search([("patient_id", "in", self.ids)])

    def _where_calc(self, domain, active_test=True):
        # The clinic's fields: no search on what the user may not read. Every
        # other field of a contact is searched exactly as without the addon.
        check_domain_field_access(self, domain, HALLEY_GROUPED_FIELDS)
        return super()._where_calc(_halley_rules_on_one2many(domain), active_test=active_test)

    def _search_halley_marketing_photo_consent(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search only for patients with or without marketing-photo consent."))
        consenting = self.env["halley.session.consent"].search(
            [("photo_marketing", "=", True), ("photo_marketing_withdrawn_on", "=", False)]
        ).patient_id
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", consenting.ids)]

    def _compute_halley_marketing_photo_consent(self):
        consents = self._halley_consents()
        for partner in self:
            own = consents.filtered(lambda c, p=partner: c.patient_id == p and c.photo_marketing)
            withdrawn = own.filtered("photo_marketing_withdrawn_on")
            partner.halley_marketing_photo_consent = bool(own - withdrawn)
            partner.halley_marketing_photo_withdrawn_on = max(
                withdrawn.mapped("photo_marketing_withdrawn_on"), default=False
            )

    def _search_halley_record_photo_consent(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search only for patients with or without clinical-photo consent."))
        consenting = self.env["halley.session.consent"].search(
            [("photo_record", "=", True), ("photo_record_withdrawn_on", "=", False)]
        ).patient_id
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", consenting.ids)]

    def _compute_halley_record_photo_consent(self):
        consents = self._halley_consents()
        for partner in self:
            own = consents.filtered(lambda c, p=partner: c.patient_id == p and c.photo_record)
            withdrawn = own.filtered("photo_record_withdrawn_on")
            partner.halley_record_photo_consent = bool(own - withdrawn)
            partner.halley_record_photo_withdrawn_on = max(
                withdrawn.mapped("photo_record_withdrawn_on"), default=False
            )

    def action_halley_withdraw_record_photos(self):
        """The patient withdraws her consent to photos for her clinical record:
        every such consent she gave is marked withdrawn, with today's date."""
        withdrawn = self._halley_consents()._withdraw_record_photos()
        if not withdrawn:
            raise UserError(self.env._("There is no clinical-photo consent to withdraw."))
        return True

    def action_halley_withdraw_marketing_photos(self):
        """The patient withdraws her consent to photos for marketing: every such
        consent she gave is marked withdrawn, with today's date."""
        # Kept on her consents (date, who recorded it), not in the contact's chatter:
        # every employee reads that.
        withdrawn = self._halley_consents()._withdraw_marketing_photos()
        if not withdrawn:
            raise UserError(self.env._("There is no marketing-photo consent to withdraw."))
        return True

    def action_halley_export_patient_data(self):
        self.ensure_one()
        self._halley_check_can_export()
        return {
            "type": "ir.actions.act_url",
            "url": f"/halley/patient/{self.id}/export",
            "target": "download",
        }

    def _halley_check_can_export(self):
        if not self.env.user.has_group("halley_aesthetics.group_manager"):
            raise AccessError(
                self.env._("Only clinic managers can export everything the clinic holds on a patient.")
            )
        self.check_access("read")
        for partner in self:
            if not partner.is_patient:
                raise UserError(self.env._("%(name)s is not a patient of the clinic.", name=partner.display_name))

    def _halley_export_patient_data(self):
        """Everything the clinic holds on this patient (profile, chart, sessions,
        screening, consent, lots used, injection charts, packages, invoices, recall notices, who
        accessed her record), as one ZIP of CSV files plus her aftercare sheets;
        read as the clinic manager (her allowed companies only) and logged.
        Returns (zip bytes, file name)."""
        self.ensure_one()
        self._halley_check_can_export()
        env = self.env
        sessions = env["halley.treatment.session"].search([("patient_id", "=", self.id)], order="scheduled_start, id")
        tables = {}
        # Times in her time zone, else her clinic's, to the minute ("2026-12-08 11:00").
        tz = text_tz(env.company, self)

        def table(name, header, rows):
            tables[name] = (header, [[_csv_value(v, tz) for v in row] for row in rows])

        table(
            "profile",
            ["Name", "Email", "Phone", "Mobile", "Street", "City", "Zip", "Country", "Language", "Patient since"],
            [[self.name, self.email, self.phone, self.mobile, self.street, self.city, self.zip,
              self.country_id.name, self.lang, self.create_date]],
        )
        charts = env["halley.patient.chart"].search([("patient_id", "=", self.id)])
        table(
            "chart",
            ["Clinic", "Date of birth", "Sex", "Allergies", "Fish or salmon allergy", "Current medication",
             "On anticoagulants", "Medical alerts", "Coded allergies", "Coded medicines"],
            [[c.company_id.name, c.date_of_birth, _label(c, "sex"), c.allergies, c.salmon_allergy, c.medication,
              c.anticoagulant, c.medical_alerts, ", ".join(c.allergen_ids.mapped("name")),
              ", ".join(c.medicine_ids.mapped("name"))] for c in charts],
        )
        table(
            "sessions",
            ["Session", "Start", "End", "Treatment", "Room", "Practitioner", "Status", "Package",
             "Invoicing", "Completed on", "Difference from the protocol", "Clinical notes"],
            [[s.name, s.scheduled_start, s.scheduled_end, s.protocol_id.clinic_name, s.room_id.name,
              s.practitioner_id.name, _label(s, "state"), s.package_id.name, _label(s, "invoice_status"),
              s.date_done, s.deviation_reason, html2plaintext(s.notes or "")] for s in sessions],
        )
        table(
            "screening",
            ["Session", "Question", "Answer", "Note", "Acknowledged", "Acknowledged by"],
            [[a.session_id.name, a.question, _label(a, "answer"), a.note, a.acknowledged, a.acknowledged_by_id.name]
             for a in sessions.screening_ids],
        )
        table(
            "consents",
            ["Session", "Date", "Procedure", "Photos for the clinical record", "Photos for marketing",
             "Record photos withdrawn on", "Marketing photos withdrawn on", "Recorded by", "Note",
             "Signed by", "Signed on", "Witness", "Signed PDF"],
            [[c.session_id.name, c.date, c.procedure, c.photo_record, c.photo_marketing,
              c.photo_record_withdrawn_on, c.photo_marketing_withdrawn_on, c.recorded_by_id.name, c.note,
              c.signed_by_name or "", c.signed_on or "",
              c.witness_id.name or ("" if not c.signed_on else "Patient portal"),
              c.sudo().signed_pdf_id.name or ""] for c in sessions.consent_ids],
        )
        used = sessions.used_line_ids
        table(
            "lots_used",
            ["Session", "Product", "Lot", "Expiry", "Quantity", "Unit"],
            [[ml.move_id.treatment_session_id.name, ml.product_id.display_name, ml.lot_id.name,
              ml.lot_id.expiration_date, ml.quantity, ml.product_uom_id.name] for ml in used],
        )
        # Her injection charts: where each dose went, from which lot, how.
        table(
            "chart_entries",
            ["Session", "Session start", "Diagram", "Zone", "Whole zone", "X", "Y", "Product", "Lot", "Dose",
             "Dose unit", "Depth", "Needle or cannula", "Gauge", "Note", "Charted on", "Charted by"],
            [[e.session_id.name, e.session_id.scheduled_start, _label(e, "diagram"), e.zone_id.name,
              "Yes" if e.painted else "No",
              "" if e.painted else e.x, "" if e.painted else e.y, e.product_id.name, e.lot_id.name or "",
              e.quantity, (e.dose_uom_id or e.product_id.uom_id).name, _label(e, "depth"), _label(e, "device"),
              _label(e, "gauge"), e.note, e.create_date, e.create_uid.name]
             for e in sessions._halley_chart_entries()],
        )
        packages = env["halley.patient.package"].search([("patient_id", "=", self.id)])
        table(
            "packages",
            ["Package", "Product", "Bought on", "Valid until", "Sessions bought", "Used", "Refunded",
             "Remaining", "Status", "Price", "Still owed"],
            [[p.name, p.product_id.display_name, p.date_purchase, p.date_valid_until, p.sessions_total,
              p.sessions_used, p.sessions_refunded, p.sessions_remaining, _label(p, "state"), p.amount_total,
              p.amount_deferred] for p in packages],
        )
        invoices = env["account.move"].search(
            [("partner_id", "child_of", self.commercial_partner_id.id),
             ("move_type", "in", ("out_invoice", "out_refund"))],
            order="invoice_date, id",
        )
        table(
            "invoices",
            ["Invoice", "Type", "Date", "Status", "Line", "Quantity", "Unit price", "Subtotal", "Currency"],
            [[m.name, _label(m, "move_type"), m.invoice_date, _label(m, "state"), line.name, line.quantity,
              line.price_unit, line.price_subtotal, m.currency_id.name]
             for m in invoices for line in m.invoice_line_ids],
        )
        notices = env["halley.recall.notice"].search([("patient_id", "=", self.id)])
        table(
            "recall_notices",
            ["Product", "Lot", "Notified on", "Notified by", "Email"],
            [[n.product_id.display_name, n.lot_id.name, n.date, n.user_id.name, n.email] for n in notices],
        )
        log = env["halley.patient.access.log"].search([("patient_id", "=", self.id)])
        table(
            "record_access",
            ["When", "By", "What", "Session"],
            [[entry.date, entry.user_id.name, _label(entry, "action"), entry.session_id.name] for entry in log],
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            summary = {name: len(rows) for name, (_header, rows) in tables.items()}
            archive.writestr(
                "README.txt",
                env._(
                    "Everything %(clinic)s holds on %(patient)s, exported on %(date)s by %(user)s.\n"
                    "One CSV file per kind of record (UTF-8, comma separated); aftercare sheets in aftercare/.\n",
                    clinic=env.company.name,
                    patient=self.name,
                    date=export_local(fields.Datetime.now(), tz),
                    user=env.user.name,
                ) + json.dumps(summary, indent=2),
            )
            for name, (header, rows) in tables.items():
                text = io.StringIO()
                writer = csv.writer(text)
                writer.writerow(header)
                writer.writerows(rows)
                archive.writestr(f"{name}.csv", text.getvalue().encode("utf-8-sig"))
            for session in sessions:
                attachment = session.sudo().aftercare_attachment_id
                if attachment:
                    archive.writestr(f"aftercare/{attachment.name}", attachment.raw)
            for consent in sessions.consent_ids:
                pdf = consent.sudo().signed_pdf_id
                if pdf:
                    archive.writestr(f"consents/{pdf.name}", pdf.raw)
        env["halley.patient.access.log"]._log("export", patients=self)
        filename = "{} - clinic record.zip".format((self.name or "patient").replace("/", "-"))
        return buffer.getvalue(), filename


def _halley_rules_on_one2many(domain):
    """Odoo answers ``(one2many, '!=', False)`` and ``(one2many, 'in', ids)``
    without the comodel's record rules: another company's manager would learn
    which patients have sessions there. On the clinic's one2many fields these
    conditions go through ``any``, which applies them."""
    if not domain:
        return domain
    result = []
    for leaf in domain:
        if isinstance(leaf, list | tuple) and len(leaf) == 3 and leaf[0] in HALLEY_ONE2MANY:
            name, operator, value = leaf
            if value in (False, None, []) and operator in ("=", "!="):
                leaf = (name, "not any" if operator == "=" else "any", [])
            elif operator in ("=", "!=", "in", "not in") and not isinstance(value, str):
                ids = [value] if isinstance(value, int) else list(value)
                negative = operator in ("!=", "not in")
                leaf = (name, "not any" if negative else "any", [("id", "in", ids)])
        result.append(leaf)
    return result


def _label(record, field_name):
    """The label of a selection value, in the user's language."""
    value = record[field_name]
    return dict(record._fields[field_name]._description_selection(record.env)).get(value, value or "")


# A text cell a spreadsheet would read as a formula (OWASP, CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value, tz="UTC"):
    """A cell of the export. Text that starts like a formula gets a leading
    single quote (OWASP): the spreadsheet shows it as text and runs nothing.
    Numbers, dates and yes/no are written by the export itself and left as they
    are (a quantity of -5 stays a number); times (UTC in the database) in ``tz``,
    to the minute."""
    if value is False or value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return export_local(value, tz)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
