from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

# Chart fields a screening question can be pre-answered from (see
# halley.screening.question.chart_key), and the chart fields that change them.
CHART_SCREENING_FIELDS = {"date_of_birth", "anticoagulant", "salmon_allergy"}
SEXES = [("female", "Female"), ("male", "Male"), ("other", "Other / not stated")]
# Age from which the "aged 65 or over" question is pre-answered yes.
ELDERLY_AGE = 65


class HalleyPatientChart(models.Model):
    """The patient's clinical chart in one clinic (company): date of birth, sex,
    allergies, current medication and medical alerts. Clinicians only: the
    contact (res.partner) carries none of it, so Odoo's generic tools (merge,
    import, duplicate), which read every stored field of a contact as whoever
    uses them, never meet clinical data. Changes are tracked in its chatter,
    where practitioners also log their notes about the patient."""

    _name = "halley.patient.chart"
    _description = "Patient chart"
    _inherit = ["mail.thread"]
    _order = "patient_id, company_id"
    _rec_name = "patient_id"
    _check_company_auto = True

    patient_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('is_patient', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    date_of_birth = fields.Date(tracking=True)
    age = fields.Integer(compute="_compute_age", help="Age today, in years.")
    sex = fields.Selection(SEXES, tracking=True)
    allergies = fields.Text(tracking=True, help="Known allergies and reactions (drugs, latex, foods).")
    salmon_allergy = fields.Boolean(
        string="Fish or salmon allergy",
        tracking=True,
        help="Rejuran's PDRN is extracted from salmon germ cells: a hard stop for the PDRN protocols.",
    )
    medication = fields.Text(string="Current medication", tracking=True)
    anticoagulant = fields.Boolean(
        string="On anticoagulants",
        tracking=True,
        help="Anticoagulants or antiplatelets (warfarin, aspirin, clopidogrel): higher bruising risk.",
    )
    medical_alerts = fields.Text(
        tracking=True, help="What every practitioner must know before treating her (shown on each session)."
    )

    _sql_constraints = [
        (
            "patient_company_unique",
            "UNIQUE(patient_id, company_id)",
            "A patient has one chart per clinic: open her chart instead of creating another.",
        ),
    ]

    @api.depends("date_of_birth")
    def _compute_age(self):
        today = fields.Date.context_today(self)
        for chart in self:
            chart.age = age_on(chart.date_of_birth, today)

    @api.constrains("date_of_birth")
    def _check_date_of_birth(self):
        today = fields.Date.context_today(self)
        for chart in self:
            if chart.date_of_birth and chart.date_of_birth > today:
                raise ValidationError(
                    self.env._(
                        "%(patient)s's date of birth cannot be in the future.",
                        patient=chart.patient_id.display_name,
                    )
                )

    @api.constrains("patient_id")
    def _check_patient(self):
        for chart in self:
            if not chart.patient_id.is_patient:
                raise ValidationError(
                    self.env._(
                        "%(name)s is not a patient of the clinic: mark her as a patient first.",
                        name=chart.patient_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_chart_company([vals.get("company_id") or self.env.company.id for vals in vals_list])
        charts = super().create(vals_list)
        charts._update_open_screenings()
        return charts

    def write(self, vals):
        if "company_id" in vals:
            self._check_chart_company([vals["company_id"]])
        res = super().write(vals)
        if CHART_SCREENING_FIELDS & set(vals):
            self._update_open_screenings()
        return res

    def _check_chart_company(self, company_ids):
        """A chart is made (or moved) in a clinic the user works in now, checked
        before anything is written: the refusal is the same whether that clinic
        holds her chart or not (its unique constraint would say it does)."""
        if not self.env.su and not set(company_ids) <= set(self.env.companies.ids):
            raise AccessError(self.env._("You can only open a patient's chart in a clinic you are working in."))

    def _update_open_screenings(self):
        """Her sessions not started yet get the chart's pre-answers again."""
        if not self:
            return
        sessions = self.env["halley.treatment.session"].sudo().search(
            [
                ("patient_id", "in", self.patient_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("state", "in", ("draft", "confirmed")),
            ]
        )
        sessions._apply_chart_to_screening()

    def _screening_answers(self, on_date):
        """The questions (by chart_key) this chart answers yes on ``on_date``."""
        self.ensure_one()
        keys = set()
        if self.date_of_birth and age_on(self.date_of_birth, on_date) >= ELDERLY_AGE:
            keys.add("age_65")
        if self.anticoagulant:
            keys.add("anticoagulant")
        if self.salmon_allergy:
            keys.add("salmon_allergy")
        return keys


def age_on(birth, on_date):
    """Full years from ``birth`` to ``on_date`` (0 without a date of birth)."""
    if not birth or not on_date:
        return 0
    return max(relativedelta(on_date, birth).years, 0)
