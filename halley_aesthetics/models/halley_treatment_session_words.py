from odoo import models


class HalleyTreatmentSession(models.Model):
    """Documents of a session named in words: the treatment and the day, never the
    session's reference (SES/2026/00002), which stays the staff's search key."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

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
