from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..clinic_time import localize
from ..tools import CLINICIAN_GROUPS, bullets


class HalleyTreatmentSession(models.Model):
    """The patient's chart on her sessions: its alerts shown at the top of the
    session (clinicians only), and the screening questions her chart answers
    (aged 65 or over, anticoagulants, fish or salmon allergy) pre-answered yes,
    for the practitioner to confirm."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    patient_chart_id = fields.Many2one(
        "halley.patient.chart",
        string="Patient chart",
        compute="_compute_patient_chart_id",
        search="_search_patient_chart_id",
        groups=CLINICIAN_GROUPS,
        help="The patient's chart in the session's clinic.",
    )
    chart_medical_alerts = fields.Text(
        related="patient_chart_id.medical_alerts", string="Medical alerts", groups=CLINICIAN_GROUPS
    )
    chart_allergies = fields.Text(related="patient_chart_id.allergies", string="Allergies", groups=CLINICIAN_GROUPS)
    chart_salmon_allergy = fields.Boolean(
        related="patient_chart_id.salmon_allergy", string="Fish or salmon allergy", groups=CLINICIAN_GROUPS
    )
    chart_anticoagulant = fields.Boolean(
        related="patient_chart_id.anticoagulant", string="On anticoagulants", groups=CLINICIAN_GROUPS
    )
    chart_medication = fields.Text(
        related="patient_chart_id.medication", string="Current medication", groups=CLINICIAN_GROUPS
    )
    chart_allergen_ids = fields.Many2many(
        related="patient_chart_id.allergen_ids", string="Coded allergies", groups=CLINICIAN_GROUPS
    )
    chart_medicine_ids = fields.Many2many(
        related="patient_chart_id.medicine_ids", string="Coded medicines", groups=CLINICIAN_GROUPS
    )
    chart_uncoded_summary = fields.Char(
        related="patient_chart_id.uncoded_summary", string="Not coded", groups=CLINICIAN_GROUPS
    )
    chart_age = fields.Integer(related="patient_chart_id.age", string="Age", groups=CLINICIAN_GROUPS)
    # The lots a session used, in words, for the patient's timeline.
    used_lot_names = fields.Char(string="Lot numbers used", compute="_compute_used_lot_names")

    @api.depends("patient_id", "company_id")
    def _compute_patient_chart_id(self):
        charts = self.env["halley.patient.chart"].search(
            [("patient_id", "in", self.patient_id.ids), ("company_id", "in", self.company_id.ids)]
        )
        by_key = {(chart.patient_id.id, chart.company_id.id): chart for chart in charts}
        for session in self:
            session.patient_chart_id = by_key.get((session.patient_id.id, session.company_id.id), False)

    def _search_patient_chart_id(self, operator, value):
        """Sessions whose patient has (or has not) a chart matching ``value`` in
        the session's company; the charts the user may read only."""
        Chart = self.env["halley.patient.chart"]
        if operator in ("any", "not any"):
            charts, positive = Chart._search(value or []), operator == "any"
        elif operator in ("=", "!=") and value is False:
            charts, positive = Chart._search([]), operator == "!="
        elif operator in ("=", "!=", "in", "not in"):
            ids = [value] if isinstance(value, int) else list(value or [])
            charts, positive = Chart._search([("id", "in", ids)]), operator in ("=", "in")
        else:
            raise UserError(self.env._("Search sessions by their patient's chart only with =, !=, in or not in."))
        sessions = SQL(
            "(SELECT s.id FROM halley_treatment_session s JOIN halley_patient_chart c "
            "ON c.patient_id = s.patient_id AND c.company_id = s.company_id WHERE c.id IN %s)",
            charts.subselect(),
        )
        return [("id", "in" if positive else "not in", sessions)]

    def _compute_used_lot_names(self):
        for session in self:
            lots = session.used_line_ids.lot_id
            session.used_lot_names = ", ".join(lots.mapped("name"))

    # ------------------------------------------------------------------ screening

    def _sync_screening(self):
        res = super()._sync_screening()
        self._apply_chart_to_screening()
        return res

    def _apply_chart_to_screening(self):
        """Pre-answer yes, from her chart, the questions it answers (a question's
        ``chart_key``), on sessions not started yet. The answer is set only where
        none is given yet: the practitioner confirms it (a warning is
        acknowledged, a hard stop blocks Start) or answers no with a note.
        A question the chart no longer answers loses its suggestion, never its
        answer."""
        sessions = self.sudo().filtered(lambda s: s.state in ("draft", "confirmed"))
        lines = sessions.screening_ids.filtered(lambda line: line.question_id.chart_key)
        if not lines:
            return
        charts = self.env["halley.patient.chart"].sudo().search(
            [("patient_id", "in", sessions.patient_id.ids), ("company_id", "in", sessions.company_id.ids)]
        )
        by_key = {(chart.patient_id.id, chart.company_id.id): chart for chart in charts}
        answered = {}
        for session in sessions:
            chart = by_key.get((session.patient_id.id, session.company_id.id))
            on_date = localize(session.scheduled_start, session._halley_clinic_tz()).date()
            answered[session] = chart._screening_answers(on_date) if chart else set()
        suggest_and_answer = lines.browse()
        suggest_only = lines.browse()
        withdraw = lines.browse()
        for line in lines:
            if line.question_id.chart_key in answered[line.session_id]:
                if not line.answer:
                    suggest_and_answer |= line
                elif line.chart_answer != "yes":
                    suggest_only |= line
            elif line.chart_answer:
                withdraw |= line
        suggest_and_answer.write({"chart_answer": "yes", "answer": "yes"})
        suggest_only.write({"chart_answer": "yes"})
        withdraw.write({"chart_answer": False})

    def _halley_start_refusals(self):
        refusals = super()._halley_start_refusals()
        for session in self:
            overridden = session.sudo().screening_ids.filtered(
                lambda line: line.chart_answer == "yes" and line.answer == "no" and not (line.note or "").strip()
            )
            if overridden:
                refusals.append(
                    self.env._(
                        "%(patient)s's chart says yes to these questions of %(session)s: note why "
                        "the answer is no today (or correct her chart).\n%(questions)s",
                        patient=session.patient_id.display_name,
                        session=session.name,
                        questions=bullets(overridden.mapped("question")),
                    )
                )
        return refusals
