from odoo import models

from ..clinic_time import company_tz, format_local, text_tz


class HalleyTreatmentSession(models.Model):
    """The session's time as its patient reads it: in her time zone, else her
    clinic's (see ``clinic_time``), as her language writes dates, no seconds.
    Used by the reminder, the aftercare sheet, the consent, the portal."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    def _halley_tz(self):
        """The time zone of the texts about this session its patient reads."""
        self.ensure_one()
        return text_tz(self.company_id, self.patient_id)

    def _halley_clinic_tz(self):
        """The time zone of the texts about this session the clinic's staff read
        (the treatment record, refusals): the clinic's."""
        self.ensure_one()
        return company_tz(self.company_id)

    def _halley_when(self, value=None, tz=None, **options):
        """``value`` (default: the session's start) in the patient's time zone and
        in the language of the rendering (a mail template's, a report's): "08/12/2026
        11:00", "2026年12月08日 11时00分". ``tz``: another zone (the clinic's, for
        its staff). ``options``: ``format_local``'s (``date_only``, ``time_only``,
        ``pattern``)."""
        self.ensure_one()
        value = self.scheduled_start if value is None else value
        return format_local(self.env, value, tz or self._halley_tz(), **options)

    def _halley_document_day(self):
        """The session's day on the documents about it (aftercare sheet, treatment
        record, consent, invoice line) and in their file names, the same: in her
        time zone (else the clinic's), as the language of ``self``'s environment
        writes it in words (a date pattern its translators set: "d MMM y" reads 26
        Nov 2026, "y年M月d日" 2026年11月26日; a file name cannot hold the slashes of
        26/11/2026)."""
        return self._halley_when(pattern=self.env._("d MMM y"))
