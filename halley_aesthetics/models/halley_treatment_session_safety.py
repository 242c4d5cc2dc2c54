from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import CLINICIAN_GROUPS, bullets


class HalleyTreatmentSession(models.Model):
    """Clinical safety of a session: the protocol's screening questions and the
    patient's consent, checked before the session may start."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

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

    def _search_has_procedure_consent(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search only for sessions with or without procedure consent."))
        positive = (operator == "=") == value
        # A signed procedure consent (or one recorded before consents were signed).
        counted = ["&", ("procedure", "=", True), "|", ("signed_on", "!=", False), ("recorded_before_signing", "=", True)]
        return [("consent_ids", "any" if positive else "not any", counted)]

    @api.depends("consent_ids.procedure", "consent_ids.signed_on", "consent_ids.recorded_before_signing")
    def _compute_has_procedure_consent(self):
        for session in self:
            session.has_procedure_consent = any(
                c._counts_as_procedure_consent() for c in session.sudo().consent_ids
            )

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
        for session in self:
            unanswered = session.screening_ids.filtered(lambda ln: not ln.answer)
            if unanswered and not unanswered.filtered("previous_answer"):
                raise UserError(
                    self.env._(
                        "%(patient)s has no earlier answers to these questions in this clinic: "
                        "ask her each question.",
                        patient=session.patient_id.display_name,
                    )
                )
            for line in unanswered.filtered("previous_answer"):
                line.answer = line.previous_answer
        return True

    def action_screening_all_no(self):
        """The patient answered no to every question not answered yet: one click."""
        self.screening_ids.filtered(lambda ln: not ln.answer).write({"answer": "no"})
        return True

    def action_record_consent(self):
        """The patient's consent to the procedure is signed (see
        halley_treatment_session_consent.py): this opens the signing form."""
        return self.action_sign_consent()

    def _halley_start_refusals(self):
        """Everything that keeps these booked sessions from starting, one message
        per thing, each in its own words: the screening (unanswered questions, hard
        stops, warnings not acknowledged) and the procedure consent here; each
        concern adds its own (her allergies, her chart, her answers from the
        portal). Start refuses them all in one message, so that the practitioner
        sees at once everything left to do."""
        self._sync_screening()  # questions added to the protocol since booking
        refusals = []
        for session in self:
            lines = session.sudo().screening_ids
            unanswered = lines.filtered(lambda ln: not ln.answer)
            if unanswered:
                refusals.append(
                    self.env._(
                        "Screen the patient before starting %(session)s:\n%(questions)s",
                        session=session.name,
                        questions=bullets(unanswered.mapped("question")),
                    )
                )
            stops = lines.filtered(lambda ln: ln.flagged and ln.severity == "hard_stop")
            if stops:
                refusals.append(
                    self.env._(
                        "%(session)s cannot start: the screening has a hard stop. Do not treat; "
                        "discuss an alternative with the patient.\n%(questions)s",
                        session=session.name,
                        questions=bullets(stops.mapped("question")),
                    )
                )
            warnings = lines.filtered(
                lambda ln: ln.flagged and ln.severity == "warning" and not ln.acknowledged
            )
            if warnings:
                refusals.append(
                    self.env._(
                        "Acknowledge the screening warnings of %(session)s before starting:\n"
                        "%(questions)s",
                        session=session.name,
                        questions=bullets(warnings.mapped("question")),
                    )
                )
            if not session.has_procedure_consent:
                refusals.append(
                    self.env._(
                        "The patient has not signed the consent to %(session)s: ask her to "
                        "sign it (Sign consent) before starting.",
                        session=session.name,
                    )
                )
        return refusals

    def _check_safe_to_start(self):
        """Refuse the Start of these booked sessions with everything missing, in one
        message (one paragraph per refusal, its items one per line)."""
        refusals = self._halley_start_refusals()
        if refusals:
            raise UserError("\n".join(refusals))

    # ------------------------------------------------------------------ workflow

    @api.model_create_multi
    def create(self, vals_list):
        sessions = super().create(vals_list)
        sessions._sync_screening()
        return sessions

    def write(self, vals):
        res = super().write(vals)
        if {"protocol_id", "patient_id"} & set(vals):
            self._sync_screening()
        return res

    def action_start(self):
        self.check_access("write")  # before the screening is synced or described
        self.filtered(lambda s: s.state == "confirmed")._check_safe_to_start()
        return super().action_start()
