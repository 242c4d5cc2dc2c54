from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import CLINICIAN_GROUPS, bullets

# A note the patient types on the portal: a line of text, not an essay.
PATIENT_NOTE_MAX = 500


class HalleyTreatmentSession(models.Model):
    """The patient portal: her sessions at /my/treatments (``portal.mixin``: the
    access URL and the token of the link in her reminder email), and the screening
    she answers before her visit, which the practitioner reviews before Start."""

    _name = "halley.treatment.session"
    _inherit = ["halley.treatment.session", "portal.mixin"]  # pylint: disable=consider-merging-classes-inherited

    # The token of her reminder's link opens her page and her aftercare sheet: it is
    # read by the workflow (the reminder, as superuser) and the clinicians only, not
    # by billing, who reads the session but never its clinical documents.
    access_token = fields.Char(groups=CLINICIAN_GROUPS)
    patient_answered_on = fields.Datetime(
        string="Answered by the patient on",
        copy=False,
        readonly=True,
        groups=CLINICIAN_GROUPS,
        help="When the patient last sent her screening answers from the patient portal.",
    )
    patient_answers_reviewed_by_id = fields.Many2one(
        "res.users",
        string="Patient's answers reviewed by",
        copy=False,
        readonly=True,
        groups=CLINICIAN_GROUPS,
    )
    patient_answers_reviewed_on = fields.Datetime(
        string="Patient's answers reviewed on",
        copy=False,
        readonly=True,
        groups=CLINICIAN_GROUPS,
    )
    patient_answers_to_review = fields.Boolean(
        compute="_compute_patient_answers_to_review",
        string="Patient's answers to review",
        groups=CLINICIAN_GROUPS,
    )

    def _halley_workflow_fields(self):
        return super()._halley_workflow_fields() | {
            "patient_answered_on", "patient_answers_reviewed_by_id", "patient_answers_reviewed_on",
        }

    @api.depends("patient_answered_on", "patient_answers_reviewed_on")
    def _compute_patient_answers_to_review(self):
        for session in self:
            session.patient_answers_to_review = bool(session.patient_answered_on) and (
                not session.patient_answers_reviewed_on
                or session.patient_answers_reviewed_on < session.patient_answered_on
            )

    def _compute_access_url(self):
        for session in self:
            session.access_url = f"/my/treatments/{session.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return self._aftercare_sheet_name()

    # ------------------------------------------------------------------ portal

    def _halley_portal_can_answer(self):
        """Whether the patient may still answer the screening of this session from
        the portal: booked, not started."""
        self.ensure_one()
        return self.state in ("draft", "confirmed")

    def _halley_portal_answer_screening(self, answers):
        """Write the patient's own answers (``{line id: (answer, note)}``) on this
        session's screening lines, marked as hers. Called by the portal as
        superuser, only after it checked the session is hers."""
        self.ensure_one()
        if not self.env.su:
            raise UserError(self.env._("Only the patient portal records the patient's answers."))
        if not self._halley_portal_can_answer():
            raise UserError(
                self.env._(
                    "Your treatment has already started or is over: your answers can no longer be "
                    "changed here. Please tell your practitioner."
                )
            )
        self._sync_screening()
        lines = self.screening_ids
        missing = lines.filtered(lambda ln: ln.id not in answers or answers[ln.id][0] not in ("yes", "no"))
        if missing or set(answers) - set(lines.ids):
            raise UserError(
                self.env._(
                    "Please answer every question with yes or no:\n%(questions)s",
                    questions=bullets(missing.mapped("question")),
                )
            )
        now = fields.Datetime.now()
        for line in lines:
            answer, note = answers[line.id]
            line.write(
                {
                    "answer": answer,
                    "note": (note or "").strip()[:PATIENT_NOTE_MAX] or False,
                    "answered_by_patient": True,
                    "answered_by_patient_on": now,
                }
            )
        self._workflow_write({"patient_answered_on": now})
        # A note of the workflow's, not a message of hers: she never posts in the
        # session's chatter (halley.staff.chatter).
        self._message_log(body=self.env._("The patient answered the screening questions from the patient portal."))
        return True

    # ------------------------------------------------------------------ review

    def action_review_patient_answers(self):
        """The practitioner has gone through the answers the patient sent from the
        portal (changing any that needed it): they count for Start."""
        self.check_access("write")
        self.check_field_access_rights("read", ["patient_answered_on"])
        self.filtered("patient_answers_to_review")._workflow_write(
            {"patient_answers_reviewed_by_id": self.env.uid, "patient_answers_reviewed_on": fields.Datetime.now()}
        )
        return True

    def _halley_start_refusals(self):
        refusals = [
            self.env._(
                "%(patient)s answered the screening of %(session)s from the patient portal: review "
                "her answers with her and confirm them (Confirm the patient's answers) before starting.",
                patient=session.patient_id.name,
                session=session.name,
            )
            for session in self
            if session.sudo().patient_answers_to_review
        ]
        return refusals + super()._halley_start_refusals()
