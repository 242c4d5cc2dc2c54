from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..models.halley_session_photo import ANGLES, PHASES
from ..models.halley_treatment_session_injection_records import dose_text


class HalleyPhotoComparison(models.TransientModel):
    """Two sessions of one patient side by side: per angle, the photo of session A
    next to the photo of session B (after-photos unless asked otherwise)."""

    _name = "halley.photo.comparison"
    _description = "Compare clinical photos"

    patient_id = fields.Many2one("res.partner", required=True, readonly=True)
    session_a_id = fields.Many2one(
        "halley.treatment.session",
        required=True,
        domain="[('patient_id', '=', patient_id), ('photo_ids', '!=', False)]",
    )
    session_b_id = fields.Many2one(
        "halley.treatment.session",
        required=True,
        domain="[('patient_id', '=', patient_id), ('photo_ids', '!=', False)]",
    )
    phase = fields.Selection(PHASES, string="Photos", required=True, default="after")
    comparison = fields.Html(compute="_compute_comparison", sanitize=False)

    @api.constrains("patient_id", "session_a_id", "session_b_id")
    def _check_same_patient(self):
        for wizard in self:
            for session in wizard.session_a_id | wizard.session_b_id:
                if session.patient_id != wizard.patient_id:
                    raise ValidationError(
                        self.env._(
                            "%(session)s is a session of another patient: compare two sessions of %(patient)s.",
                            session=session.display_name,
                            patient=wizard.patient_id.name,
                        )
                    )

    @api.onchange("session_a_id", "session_b_id")
    def _onchange_sessions_patient(self):
        # Refused at once in the dialog, not only when saved.
        self._check_same_patient()

    @api.model
    def _action_open(self, patient, session=None):
        """The comparison of two of ``patient``'s sessions with photos: ``session``
        (if any) as B and her previous session with photos as A, else her first
        and her last; with one session only, its before and after photos."""
        sessions = self.env["halley.treatment.session"].search(
            [("patient_id", "=", patient.id), ("photo_ids", "!=", False)], order="scheduled_start, id"
        )
        if session:
            earlier = sessions.filtered(lambda s: s.scheduled_start <= session.scheduled_start and s != session)
            session_a = earlier[-1:] or (sessions - session)[:1] or session
            session_b = session
        else:
            session_a, session_b = sessions[:1], sessions[-1:]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Compare photos: %(patient)s", patient=patient.name),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_patient_id": patient.id,
                "default_session_a_id": session_a.id,
                "default_session_b_id": session_b.id,
                "halley_clinic_names": True,
            },
        }

    def _photos_by_angle(self, session, phase=None):
        """The session's photos of ``phase`` (the chosen one), one per angle (the latest)."""
        photos = self.env["halley.session.photo"].search(
            [("session_id", "=", session.id), ("phase", "=", phase or self.phase)], order="id desc"
        )
        by_angle = {}
        for photo in photos:
            by_angle.setdefault(photo.angle, photo)
        return by_angle

    @api.depends("session_a_id", "session_b_id", "phase")
    def _compute_comparison(self):
        phases = dict(self._fields["phase"]._description_selection(self.env))
        angle_labels = dict(
            self.env["halley.session.photo"]._fields["angle"]._description_selection(self.env)
        )
        for wizard in self:
            if not (wizard.session_a_id and wizard.session_b_id) or (
                wizard.session_a_id.patient_id != wizard.patient_id
                or wizard.session_b_id.patient_id != wizard.patient_id
            ):
                wizard.comparison = False
                continue
            if wizard.session_a_id == wizard.session_b_id:
                # One session: its before-photos next to its after-photos.
                session = wizard.session_a_id
                columns = [
                    (phases[phase], session, wizard._photos_by_angle(session, phase)) for phase in ("before", "after")
                ]
            else:
                columns = [
                    (session.protocol_id.clinic_name or session.name, session, wizard._photos_by_angle(session))
                    for session in (wizard.session_a_id, wizard.session_b_id)
                ]
            head = Markup("").join(
                Markup('<th class="w-50 text-center">%s<br/><small class="text-muted">%s</small></th>')
                % (title, session._halley_when(tz=session._halley_clinic_tz(), date_only=True))
                for title, session, _photos in columns
            )
            rows = []
            for angle, _label in ANGLES:
                if not any(angle in photos for _title, _session, photos in columns):
                    continue
                cells = Markup("").join(wizard._photo_cell(photos.get(angle)) for _title, _session, photos in columns)
                rows.append(
                    Markup('<tr><th colspan="2" class="pt-3">%s</th></tr><tr>%s</tr>')
                    % (angle_labels[angle], cells)
                )
            charts = wizard._chart_rows(columns)
            if not rows:
                wizard.comparison = Markup('<p class="text-muted">%s</p>') % self.env._(
                    "Neither session has %(phase)s photos.", phase=phases[wizard.phase].lower()
                )
                if charts:
                    wizard.comparison += Markup(
                        '<table class="table table-borderless o_halley_photo_comparison"><thead><tr>%s</tr></thead>'
                        "<tbody>%s</tbody></table>"
                    ) % (head, charts)
                continue
            wizard.comparison = Markup(
                '<table class="table table-borderless o_halley_photo_comparison"><thead><tr>%s</tr></thead>'
                "<tbody>%s</tbody></table>"
            ) % (head, Markup("").join(rows) + charts)

    def _chart_rows(self, columns):
        """The injection charts of the compared sessions beside their photos: each
        session's chart picture, then its total dose per zone (clinicians only, as
        every reader of the chart). One session: its chart once, across."""
        sessions = self.env["halley.treatment.session"].browse(
            list(dict.fromkeys(session.id for _title, session, _photos in columns))
        )
        doses = sessions._halley_dose_per_zone()
        if not doses:
            return Markup("")

        def dose_list(session):
            items = doses.get(session.id)
            if not items:
                return Markup('<span class="text-muted">%s</span>') % self.env._("No injection chart")
            return Markup('<ul class="list-unstyled small mb-0">%s</ul>') % Markup("").join(
                Markup("<li>%s: %s</li>") % (zone, dose_text(self.env, quantity, unit)) for zone, quantity, unit in items
            )

        if len(sessions) == 1:
            cells = Markup('<td colspan="2" class="text-center align-top">%s%s</td>') % (
                sessions._halley_chart_svg(), dose_list(sessions)
            )
        else:
            cells = Markup("").join(
                Markup('<td class="text-center align-top">%s%s</td>') % (session._halley_chart_svg(), dose_list(session))
                for session in sessions
            )
        return Markup('<tr><th colspan="2" class="pt-3">%s</th></tr><tr class="o_halley_chart_comparison">%s</tr>') % (
            self.env._("Injection chart (total dose per zone)"), cells
        )

    def _photo_cell(self, photo):
        if not photo:
            return Markup('<td class="text-center text-muted align-middle">%s</td>') % self.env._("No photo")
        caption = escape(photo.note or "")
        return Markup(
            '<td class="text-center align-top"><img class="img-fluid rounded" loading="lazy" alt="%s" '
            'src="/web/image/halley.session.photo/%s/image/1024x1024"/><br/><small>%s</small></td>'
        ) % (photo.display_name, photo.id, caption)
