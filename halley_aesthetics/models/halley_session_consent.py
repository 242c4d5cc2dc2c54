from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..tools import check_session_open, check_workflow_fields

# Who recorded a consent and when, its signature and its withdrawals: set by the
# workflow only (as superuser, which no RPC call can be; a context key could be
# sent by anyone).
AUDIT_FIELDS = {
    "date", "recorded_by_id",
    "photo_record_given_on", "photo_marketing_given_on",
    "photo_record_withdrawn_on", "photo_record_withdrawn_by_id",
    "photo_marketing_withdrawn_on", "photo_marketing_withdrawn_by_id",
    "consent_text", "signature", "signed_by_name", "signed_on", "witness_id", "signed_channel",
    "signed_pdf_id", "recorded_before_signing",
}
# What a signed consent says: never changed once signed, by anyone (the workflow
# included), nor deleted. Only the photo withdrawals are recorded later.
SIGNED_FIELDS = {
    "session_id", "procedure", "photo_record", "photo_marketing", "note", "date", "recorded_by_id",
    "photo_record_given_on", "photo_marketing_given_on",
    "consent_text", "signature", "signed_by_name", "signed_on", "witness_id", "signed_channel",
    "signed_pdf_id", "recorded_before_signing",
}


class HalleySessionConsent(models.Model):
    """The patient's consent for one session: the procedure, and separately photos
    for the clinical record and photos for marketing. Marketing-photo consent can
    be withdrawn at any time (PDPA); the withdrawal date is kept."""

    _name = "halley.session.consent"
    _description = "Session consent"
    _order = "date desc, id desc"

    session_id = fields.Many2one(
        "halley.treatment.session", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="session_id.company_id", store=True)
    patient_id = fields.Many2one(related="session_id.patient_id", store=True)
    procedure = fields.Boolean(string="Procedure consent")
    photo_record = fields.Boolean(string="Photos for the clinical record")
    photo_marketing = fields.Boolean(string="Photos for marketing")
    photo_record_given_on = fields.Datetime(
        string="Record photos consented on", readonly=True, copy=False,
        help="When the patient consented to photos for her clinical record.",
    )
    photo_marketing_given_on = fields.Datetime(
        string="Marketing photos consented on", readonly=True, copy=False,
        help="When the patient consented to photos for marketing.",
    )
    photo_record_withdrawn_on = fields.Datetime(
        string="Record photos withdrawn on",
        readonly=True,
        copy=False,
        help="When the patient withdrew her consent to photos for her clinical record.",
    )
    photo_record_withdrawn_by_id = fields.Many2one(
        "res.users", string="Record-photo withdrawal recorded by", readonly=True, copy=False
    )
    photo_marketing_withdrawn_on = fields.Datetime(
        string="Marketing photos withdrawn on",
        readonly=True,
        copy=False,
        help="When the patient withdrew her consent to marketing photos.",
    )
    photo_marketing_withdrawn_by_id = fields.Many2one(
        "res.users", string="Withdrawal recorded by", readonly=True, copy=False
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True, copy=False)
    recorded_by_id = fields.Many2one(
        "res.users", string="Recorded by", required=True, default=lambda self: self.env.user, readonly=True,
        copy=False,
    )
    note = fields.Char(help="How consent was given (signed form reference, witness).")
    # The signed consent (see halley_treatment_session_consent.py): what she read,
    # her signature, who signed, when, the witness, and the PDF kept of it.
    consent_text = fields.Html(
        string="Consent text", readonly=True, copy=False, sanitize=True,
        help="The protocol's consent text as the patient read it when she signed.",
    )
    signature = fields.Image(
        readonly=True, copy=False, attachment=False, max_width=1024, max_height=1024,
    )
    signed_by_name = fields.Char(string="Signed by", readonly=True, copy=False)
    signed_on = fields.Datetime(string="Signed on", readonly=True, copy=False)
    witness_id = fields.Many2one("res.users", readonly=True, copy=False)
    signed_channel = fields.Selection(
        [("clinic", "At the clinic"), ("portal", "In the patient portal")],
        string="Signed", readonly=True, copy=False,
    )
    signed_pdf_id = fields.Many2one(
        "ir.attachment", string="Signed consent (PDF)", readonly=True, copy=False, ondelete="restrict",
    )
    recorded_before_signing = fields.Boolean(
        string="Recorded before signed consents", readonly=True, copy=False,
        help="A procedure consent the practitioner recorded before consents were signed "
        "(kept by the upgrade): it still allows its session to start.",
    )
    is_signed = fields.Boolean(compute="_compute_is_signed", string="Signed consent")

    @api.depends("signed_on")
    def _compute_is_signed(self):
        for consent in self:
            consent.is_signed = bool(consent.signed_on)

    def _counts_as_procedure_consent(self):
        """Whether this consent allows its session to start: a signed procedure
        consent (or one recorded before consents were signed)."""
        self.ensure_one()
        return self.procedure and bool(self.signed_on or self.recorded_before_signing)

    @api.model_create_multi
    def create(self, vals_list):
        self._halley_check_values(vals_list)  # a session that exists, before it is read
        for vals in vals_list:
            self._check_audit_fields(vals)
        check_session_open(
            self, self.env["halley.treatment.session"].browse([v["session_id"] for v in vals_list if v.get("session_id")])
        )
        for vals in vals_list:
            if not self.env.su:
                # Now, by the current user, not withdrawn, not signed: whatever the
                # context's defaults say.
                vals.update(
                    date=fields.Datetime.now(), recorded_by_id=self.env.uid,
                    photo_marketing_withdrawn_on=False, photo_marketing_withdrawn_by_id=False,
                    photo_record_withdrawn_on=False, photo_record_withdrawn_by_id=False,
                    photo_record_given_on=False, photo_marketing_given_on=False,
                    consent_text=False, signature=False, signed_by_name=False, signed_on=False,
                    witness_id=False, signed_channel=False, signed_pdf_id=False,
                    recorded_before_signing=False,
                )
            for kind in ("record", "marketing"):
                if vals.get(f"photo_{kind}") and not vals.get(f"photo_{kind}_given_on"):
                    vals[f"photo_{kind}_given_on"] = vals.get("date") or fields.Datetime.now()
        return super().create(vals_list)

    def write(self, vals):
        self._check_audit_fields(vals)
        check_session_open(self, self.session_id)
        self._check_signed_kept(vals)
        if "session_id" in vals:
            check_session_open(self, self.env["halley.treatment.session"].browse(vals["session_id"]))
        if vals.get("photo_marketing") is False and any(c.photo_marketing_withdrawn_on for c in self):
            raise UserError(
                self.env._("This marketing-photo consent was withdrawn: its record is kept as it was.")
            )
        if vals.get("photo_record") is False and any(c.photo_record_withdrawn_on for c in self):
            raise UserError(
                self.env._("This clinical-photo consent was withdrawn: its record is kept as it was.")
            )
        for kind in ("record", "marketing"):
            if vals.get(f"photo_{kind}") and f"photo_{kind}_given_on" not in vals:
                given = self.filtered(lambda c, k=kind: not c[f"photo_{k}"])
                if given:
                    super(HalleySessionConsent, given.sudo()).write({f"photo_{kind}_given_on": fields.Datetime.now()})
        return super().write(vals)

    def _check_signed_kept(self, vals):
        """A signed consent is the patient's signed document: what it says, who
        signed, when and its PDF are never changed, by anyone. The PDF is linked
        once, by the signing itself."""
        signed = self.filtered("signed_on")
        if not signed:
            return
        changed = SIGNED_FIELDS & set(vals)
        if self.env.su and changed == {"signed_pdf_id"} and not any(signed.mapped("signed_pdf_id")):
            return
        if changed:
            raise UserError(
                self.env._(
                    "The consent %(patient)s signed on %(date)s is kept as she signed it: it cannot "
                    "be changed (%(fields)s). Record a new consent or an addendum instead.",
                    patient=signed[0].signed_by_name,
                    date=signed[0]._signed_on_label(),
                    fields=", ".join(self._fields[name].string for name in sorted(changed)),
                )
            )

    def _signed_on_label(self):
        self.ensure_one()
        return fields.Datetime.context_timestamp(self, self.signed_on).strftime("%d %b %Y %H:%M")

    def _check_audit_fields(self, vals):
        check_workflow_fields(
            self, vals, AUDIT_FIELDS, self.env._("When a consent was recorded, by whom, and its withdrawal")
        )

    def _halley_signed_pdf_name(self):
        """The signed consent's file name, the patient's: "Consent - Grace Lim -
        26 Nov 2026" (her name and the session's day in her language and time
        zone, no session code)."""
        self.ensure_one()
        session = self.sudo().session_id
        patient = session.patient_id
        env = self.with_context(lang=patient._halley_lang(session.company_id)).env
        tz = patient.tz or session.company_id.partner_id.tz or self.env.user.tz or "UTC"
        day = fields.Datetime.context_timestamp(session.with_context(tz=tz), session.scheduled_start).date()
        return env._(
            "Consent - %(patient)s - %(date)s",
            patient=(patient.name or "").replace("/", "-"),
            date=format_date(env, day, date_format="d MMM y"),
        )

    def _halley_attach_signed_pdf(self):
        """Render the signed consent (report "Consent", in the patient's language)
        and keep it as a PDF attached to the consent, linked from it."""
        for consent in self.sudo():
            content, extension = self.env["ir.actions.report"].sudo()._render_qweb_pdf(
                "halley_aesthetics.action_report_halley_consent", consent.ids
            )
            attachment = self.env["ir.attachment"].sudo().create(
                {
                    "name": f"{consent._halley_signed_pdf_name()}.{extension}",
                    "raw": content,
                    "res_model": self._name,
                    "res_id": consent.id,
                    "company_id": consent.company_id.id,
                }
            )
            consent.write({"signed_pdf_id": attachment.id})

    def action_open_signed_pdf(self):
        """Open the signed consent's PDF, as it was kept when she signed."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.signed_pdf_id.id}?download=false",
            "target": "new",
        }

    def _withdraw_record_photos(self):
        """Withdraw the clinical-record photo consent of these consents (those given
        and not withdrawn yet); the withdrawal date and who recorded it are kept."""
        given = self.filtered(lambda c: c.photo_record and not c.photo_record_withdrawn_on)
        given.sudo().write(
            {
                "photo_record_withdrawn_on": fields.Datetime.now(),
                "photo_record_withdrawn_by_id": self.env.uid,
            }
        )
        return given

    def _withdraw_marketing_photos(self):
        """Withdraw the marketing-photo consent of these consents (those given and
        not withdrawn yet); the withdrawal date and who recorded it are kept."""
        given = self.filtered(lambda c: c.photo_marketing and not c.photo_marketing_withdrawn_on)
        given.sudo().write(
            {
                "photo_marketing_withdrawn_on": fields.Datetime.now(),
                "photo_marketing_withdrawn_by_id": self.env.uid,
            }
        )
        return given

    @api.ondelete(at_uninstall=False)
    def _unlink_if_session_open(self):
        check_session_open(self, self.session_id)
        signed = self.filtered("signed_on")
        if signed:
            raise UserError(
                self.env._(
                    "The consent %(patient)s signed on %(date)s is kept as she signed it: it cannot be deleted.",
                    patient=signed[0].signed_by_name,
                    date=signed[0]._signed_on_label(),
                )
            )
