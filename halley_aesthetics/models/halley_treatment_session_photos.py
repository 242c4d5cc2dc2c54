from odoo import api, fields, models

from ..tools import CLINICIAN_GROUPS


class HalleyTreatmentSession(models.Model):
    """Clinical photos of a session (before and after, per angle), taken with the
    patient's consent to photos for the clinical record; compared side by side
    with another session of hers."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    photo_ids = fields.One2many(
        "halley.session.photo", "session_id", string="Photos", groups=CLINICIAN_GROUPS
    )
    photo_count = fields.Integer(compute="_compute_photo_count", string="Photo count", groups=CLINICIAN_GROUPS)

    @api.depends("photo_ids")
    def _compute_photo_count(self):
        for session in self:
            session.photo_count = len(session.photo_ids)

    @api.depends_context("halley_session_dates")
    def _compute_display_name(self):
        """Choosing one of her sessions to compare: each reads with its day
        ("Grace Lim · Rejuran Skin Healer, 26 Nov 2026")."""
        res = super()._compute_display_name()
        if self.env.context.get("halley_session_dates"):
            for session in self.filtered("scheduled_start"):
                session.display_name = self.env._(
                    "%(session)s, %(date)s",
                    session=session.display_name,
                    date=session._halley_when(tz=session._halley_clinic_tz(), date_only=True),
                )
        return res

    def _halley_frozen_fields(self):
        # A done session may still get its after-photos; the photo itself refuses
        # any change or deletion once the session is done.
        return super()._halley_frozen_fields() | {"photo_ids"}

    def _halley_has_record_photo_consent(self):
        """Whether the patient consented to photos for her clinical record for this
        session, and has not withdrawn it (where withdrawal is recorded)."""
        self.ensure_one()
        for consent in self.sudo().consent_ids:
            if not consent.photo_record:
                continue
            if "photo_record_withdrawn_on" in consent._fields and consent.photo_record_withdrawn_on:
                continue
            return True
        return False

    @api.ondelete(at_uninstall=False)
    def _unlink_photos_with_draft_session(self):
        # Through the ORM (not the database's cascade), so that their files go too.
        self.sudo().photo_ids.unlink()

    def action_compare_photos(self):
        """Compare this session's photos with another session of the same patient."""
        self.ensure_one()
        return self.env["halley.photo.comparison"]._action_open(self.patient_id, session=self)
