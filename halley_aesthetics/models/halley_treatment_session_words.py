from odoo import fields, models
from odoo.tools import format_date


class HalleyTreatmentSession(models.Model):
    """Documents of a session named in words: the treatment and the day, never the
    session's reference (SES/2026/00002), which stays the staff's search key."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    def _halley_document_day(self):
        """The session's day as the reader's language writes it ("26 Nov 2026",
        "2026年11月26日"), in the patient's time zone, else the clinic's."""
        self.ensure_one()
        tz = self.patient_id.tz or self.company_id.partner_id.tz or self.env.user.tz or "UTC"
        day = fields.Datetime.context_timestamp(self.with_context(tz=tz), self.scheduled_start).date()
        return format_date(self.env, day, date_format=self.env._("d MMM y"))

    def _treatment_record_title(self):
        """The treatment record's heading: "Rejuran Skin Healer, 26 Nov 2026"."""
        self.ensure_one()
        return self.env._(
            "%(treatment)s, %(date)s",
            treatment=self.protocol_id.clinic_name or "",
            date=self._halley_document_day(),
        )

    def _treatment_record_name(self):
        """The treatment record's file name: "Treatment record - Grace Lim -
        Rejuran Skin Healer - 26 Nov 2026" (no session code, no slash)."""
        self.ensure_one()
        return self.env._(
            "Treatment record - %(patient)s - %(treatment)s - %(date)s",
            patient=self.patient_id.name or "",
            treatment=self.protocol_id.clinic_name or "",
            date=self._halley_document_day(),
        ).replace("/", "-")
