from odoo import api, fields, models
from odoo.exceptions import UserError

from ..images import check_photo
from ..tools import check_references, check_workflow_fields

# Who took a photo and when, and when its marketing use was withdrawn: set by the
# workflow only (as superuser, which no RPC call can be).
AUDIT_FIELDS = {"taken_on", "taken_by_id", "marketing_withdrawn_on"}
# What a photo shows: kept as taken once its session is done.
PHOTO_FIELDS = {"session_id", "phase", "angle", "image"}

PHASES = [("before", "Before"), ("after", "After")]
ANGLES = [("front", "Front"), ("left", "Left"), ("right", "Right")]


class HalleySessionPhoto(models.Model):
    """A clinical photo of a session: before or after the treatment, from one
    angle. Part of the patient's clinical record: practitioners and clinic
    managers only, taken with her consent to photos for the clinical record;
    usable for marketing only while she consents to that too."""

    _name = "halley.session.photo"
    _description = "Clinical photo"
    _order = "session_id desc, phase desc, angle, id"

    session_id = fields.Many2one(
        "halley.treatment.session", required=True, ondelete="cascade", index=True
    )
    patient_id = fields.Many2one(related="session_id.patient_id", store=True, index=True)
    company_id = fields.Many2one(related="session_id.company_id", store=True, index=True)
    session_date = fields.Datetime(related="session_id.scheduled_start", string="Session date")
    phase = fields.Selection(PHASES, required=True, default="before")
    angle = fields.Selection(ANGLES, required=True, default="front")
    image = fields.Image(string="Photo", required=True, max_width=1920, max_height=1920, attachment=True)
    image_256 = fields.Image(related="image", max_width=256, max_height=256, store=True, string="Thumbnail")
    taken_on = fields.Datetime(readonly=True, copy=False)
    taken_by_id = fields.Many2one("res.users", string="Taken by", readonly=True, copy=False)
    note = fields.Char(help="What the photo shows (area, lighting, anything to compare next time).")
    use_for_marketing = fields.Boolean(
        copy=False,
        help="The clinic may use this photo for marketing: only while the patient consents to "
        "marketing photos. Cleared when she withdraws that consent.",
    )
    # The photo form offers "Use for marketing" only while she consents to it.
    patient_marketing_consent = fields.Boolean(
        related="patient_id.halley_marketing_photo_consent",
        string="Marketing-photo consent",
    )
    marketing_withdrawn_on = fields.Datetime(
        string="Marketing use withdrawn on",
        readonly=True,
        copy=False,
        help="When the patient's withdrawal of marketing-photo consent cleared this photo's marketing use.",
    )

    @api.depends("session_id", "phase", "angle")
    def _compute_display_name(self):
        phases, angles = dict(self._fields["phase"]._description_selection(self.env)), dict(
            self._fields["angle"]._description_selection(self.env)
        )
        for photo in self:
            photo.display_name = self.env._(
                "%(session)s, %(phase)s, %(angle)s",
                session=photo.session_id.display_name,
                phase=phases.get(photo.phase, ""),
                angle=angles.get(photo.angle, ""),
            )

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        Session = self.env["halley.treatment.session"]
        for vals in vals_list:
            self._check_audit_fields({name: value for name, value in vals.items() if value})
            check_references(self, vals, ["session_id"])
            self._check_images(vals)
        sessions = Session.browse([vals["session_id"] for vals in vals_list if vals.get("session_id")])
        if not self.env.su:
            sessions.check_access("read")
        # Checked before anything is written.
        self._check_session_takes_photos(sessions)
        self._check_photo_consent(sessions)
        marketing = Session.browse([vals["session_id"] for vals in vals_list if vals.get("use_for_marketing")])
        self._check_marketing_consent(marketing.sudo().patient_id)
        for vals in vals_list:
            if not self.env.su:
                vals.update(taken_on=fields.Datetime.now(), taken_by_id=self.env.uid, marketing_withdrawn_on=False)
            else:  # the workflow (demo data, an import) may say who took it
                vals.setdefault("taken_on", fields.Datetime.now())
                vals.setdefault("taken_by_id", self.env.uid)
        return super().create(vals_list)

    def write(self, vals):
        self._check_audit_fields(vals)
        self._check_images(vals)
        if "session_id" in vals and any(photo.session_id.id != vals["session_id"] for photo in self):
            raise UserError(self.env._("A photo stays with the session it was taken at: take a new one instead."))
        changed = PHOTO_FIELDS & set(vals)
        if changed and not self.env.su:
            self._check_not_done(self.env._("it is kept as it was taken"))
        if "image" in vals:
            self._check_photo_consent(self.session_id)
            if not self.env.su:
                # A new picture: taken now, by her.
                vals = dict(vals, taken_on=fields.Datetime.now(), taken_by_id=self.env.uid)
        if vals.get("use_for_marketing"):
            self._check_marketing_consent(self.sudo().patient_id)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_open_session(self):
        self._check_not_done(self.env._("its photos are part of the record and are not deleted"))

    # ------------------------------------------------------------------ checks

    def _check_audit_fields(self, vals):
        check_workflow_fields(
            self, vals, AUDIT_FIELDS, self.env._("When a photo was taken, by whom, and its marketing withdrawal")
        )

    def _check_images(self, vals):
        """A photo is a PNG or JPEG that decodes whole, within Odoo's image size
        (images.check_photo): anything else is refused in words, not a traceback."""
        for name in ("image", "image_256"):
            if vals.get(name):
                check_photo(self.env, vals[name], self.env._("The photo"))

    def _check_not_done(self, why):
        """A done session's photos are kept as they were taken."""
        if self.env.su:
            return
        done = self.sudo().filtered(lambda p: p.session_id.state == "done" or p.session_id.date_done)
        if done:
            raise UserError(
                self.env._(
                    "The session %(session)s is done: %(why)s.",
                    session=done[0].session_id.display_name,
                    why=why,
                )
            )

    def _check_session_takes_photos(self, sessions):
        cancelled = sessions.sudo().filtered(lambda s: s.state == "cancel")
        if cancelled:
            raise UserError(
                self.env._(
                    "The session %(session)s is cancelled: no photos are taken for it.",
                    session=cancelled[0].display_name,
                )
            )

    def _check_photo_consent(self, sessions):
        """Photos for the clinical record need the patient's consent to them, given
        for that session and not withdrawn."""
        for session in sessions.sudo():
            if not session._halley_has_record_photo_consent():
                raise UserError(
                    self.env._(
                        "%(patient)s has not consented to photos for her clinical record at %(session)s: "
                        "record her consent (Consent tab, Photos for the clinical record) before taking photos.",
                        patient=session.patient_id.name,
                        session=session.display_name,
                    )
                )

    def _check_marketing_consent(self, patients):
        """A photo is usable for marketing only while its patient consents to
        marketing photos (as far as the user's clinics know)."""
        patients = patients.with_env(self.env)
        # Computed from her consents, which another call may have just withdrawn.
        patients.invalidate_recordset(["halley_marketing_photo_consent"])
        for patient in patients:
            if not patient.halley_marketing_photo_consent:
                raise UserError(
                    self.env._(
                        "%(patient)s has not consented to photos for marketing (or has withdrawn it): "
                        "this photo cannot be used for marketing.",
                        patient=patient.name,
                    )
                )

    def _withdraw_marketing_use(self):
        """The patient withdrew her marketing-photo consent: these photos are no
        longer used for marketing; when it happened is kept on each."""
        used = self.filtered("use_for_marketing")
        used.sudo().write({"use_for_marketing": False, "marketing_withdrawn_on": fields.Datetime.now()})
        return used
