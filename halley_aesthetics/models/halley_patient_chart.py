from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import chart_entries, codes_named_in
from .halley_medicine import BRUISING_CLASSES

# Chart fields a screening question can be pre-answered from (see
# halley.screening.question.chart_key), and the chart fields that change them.
CHART_SCREENING_FIELDS = {
    "date_of_birth", "anticoagulant", "salmon_allergy", "allergen_ids", "medicine_ids", "allergies", "medication",
}
# Free text -> the coded entries it is matched against.
TYPED_FIELDS = {"allergies": ("allergen_ids", "halley.allergen"), "medication": ("medicine_ids", "halley.medicine")}
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
    allergies = fields.Text(
        tracking=True,
        help="Known allergies and reactions (drugs, latex, foods), as she tells them: each entry "
        "(one per line, or separated by commas) is coded from the clinic's list of allergens.",
    )
    allergen_ids = fields.Many2many(
        "halley.allergen",
        "halley_patient_chart_allergen_rel",
        "chart_id",
        "allergen_id",
        string="Coded allergies",
        tracking=True,
        help="Her allergies as entries of the clinic's list: what her sessions are checked against "
        "(a product of the protocol that contains one is a hard stop).",
    )
    salmon_allergy = fields.Boolean(
        string="Fish or salmon allergy",
        compute="_compute_coded_flags",
        inverse="_inverse_salmon_allergy",
        store=True,
        help="From her coded allergies (salmon / fish DNA): Rejuran's PDRN is extracted from "
        "salmon germ cells. Setting it codes the allergen.",
    )
    medication = fields.Text(
        string="Current medication",
        tracking=True,
        help="Medicines and supplements with their dose: each entry is coded from the clinic's "
        "list of medicines.",
    )
    medicine_ids = fields.Many2many(
        "halley.medicine",
        "halley_patient_chart_medicine_rel",
        "chart_id",
        "medicine_id",
        string="Coded medicines",
        tracking=True,
        help="Her medicines as entries of the clinic's list: anticoagulants, antiplatelets and "
        "blood-thinning supplements raise the bruising warning.",
    )
    anticoagulant = fields.Boolean(
        string="On anticoagulants",
        compute="_compute_coded_flags",
        inverse="_inverse_anticoagulant",
        store=True,
        help="From her coded medicines: anticoagulants, antiplatelets or blood-thinning supplements "
        "(warfarin, aspirin, clopidogrel, fish oil): higher bruising risk. Setting it codes an "
        "unspecified anticoagulant.",
    )
    uncoded_allergies = fields.Char(
        string="Allergies not coded",
        compute="_compute_uncoded",
        help="What is typed in her allergies that none of her coded allergies names.",
    )
    uncoded_medication = fields.Char(
        string="Medication not coded",
        compute="_compute_uncoded",
        help="What is typed in her medication that none of her coded medicines names.",
    )
    uncoded_summary = fields.Char(string="Not coded", compute="_compute_uncoded")
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

    @api.depends("allergen_ids.screening_key", "medicine_ids.medicine_class")
    def _compute_coded_flags(self):
        for chart in self:
            chart.salmon_allergy = any(a.screening_key == "salmon_allergy" for a in chart.allergen_ids)
            chart.anticoagulant = any(m.medicine_class in BRUISING_CLASSES for m in chart.medicine_ids)

    def _inverse_salmon_allergy(self):
        """The flag is a shortcut to her coded allergies: ticked, it codes the
        clinic's fish allergen; unticked, it removes her fish allergens."""
        for chart in self:
            coded = chart.allergen_ids.filtered(lambda a: a.screening_key == "salmon_allergy")
            if chart.salmon_allergy and not coded:
                fish = self.env["halley.allergen"].search([("screening_key", "=", "salmon_allergy")], limit=1)
                if not fish:
                    raise UserError(
                        self.env._(
                            "The clinic's list of allergens has no fish or salmon allergen: a clinic manager "
                            "adds it (Clinic > Configuration > Allergens) before it can be charted."
                        )
                    )
                chart.allergen_ids = [Command.link(fish.id)]
            elif not chart.salmon_allergy and coded:
                chart.allergen_ids = [Command.unlink(a.id) for a in coded]

    def _inverse_anticoagulant(self):
        """The flag is a shortcut to her coded medicines: ticked, it codes an
        unspecified anticoagulant; unticked, it removes her blood-thinning medicines."""
        for chart in self:
            coded = chart.medicine_ids.filtered(lambda m: m.medicine_class in BRUISING_CLASSES)
            if chart.anticoagulant and not coded:
                chart.medicine_ids = [Command.link(self._unspecified_anticoagulant().id)]
            elif not chart.anticoagulant and coded:
                chart.medicine_ids = [Command.unlink(m.id) for m in coded]

    def _unspecified_anticoagulant(self):
        medicine = self.env.ref("halley_aesthetics.medicine_anticoagulant_unspecified", raise_if_not_found=False)
        if not medicine or not medicine.active:
            medicine = self.env["halley.medicine"].search([("medicine_class", "=", "anticoagulant")], limit=1)
        if not medicine:
            raise UserError(
                self.env._(
                    "The clinic's list of medicines has no anticoagulant: a clinic manager adds one "
                    "(Clinic > Configuration > Medicines) before it can be charted."
                )
            )
        return medicine

    @api.depends("allergies", "medication", "allergen_ids.name", "allergen_ids.synonyms",
                 "medicine_ids.name", "medicine_ids.synonyms")
    def _compute_uncoded(self):
        for chart in self:
            allergies = [e for e in chart_entries(chart.allergies) if not codes_named_in(chart.allergen_ids, e)]
            medication = [e for e in chart_entries(chart.medication) if not codes_named_in(chart.medicine_ids, e)]
            chart.uncoded_allergies = "; ".join(allergies)
            chart.uncoded_medication = "; ".join(medication)
            chart.uncoded_summary = (
                self.env._(
                    "Not coded: %(entries)s — code it on her chart (Coded allergies, Coded medicines).",
                    entries="; ".join(allergies + medication),
                )
                if allergies or medication
                else False
            )

    @api.onchange("allergies", "medication")
    def _onchange_typed_entries(self):
        """Code what she typed as soon as it is typed, for the practitioner to see."""
        for chart in self:
            for text_field, (codes_field, model) in TYPED_FIELDS.items():
                found = codes_named_in(self.env[model]._halley_codes(), chart[text_field])
                if found - chart[codes_field]:
                    chart[codes_field] |= found

    def _code_typed_vals(self, vals):
        """Add to ``vals`` the coded entries the free text in ``vals`` names (the
        entries already coded stay; removing one is the practitioner's choice)."""
        for text_field, (codes_field, model) in TYPED_FIELDS.items():
            if not vals.get(text_field) or not isinstance(vals[text_field], str):
                continue
            found = codes_named_in(self.env[model]._halley_codes(), vals[text_field])
            if found:
                vals[codes_field] = list(vals.get(codes_field) or []) + [Command.link(c.id) for c in found]
        return vals

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
        vals_list = [self._code_typed_vals(dict(vals)) for vals in vals_list]
        charts = super().create(vals_list)
        charts._update_open_screenings()
        return charts

    def write(self, vals):
        if "company_id" in vals:
            self._check_chart_company([vals["company_id"]])
        vals = self._code_typed_vals(dict(vals))
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
        if "isotretinoin" in self.medicine_ids.mapped("medicine_class"):
            keys.add("isotretinoin")
        return keys


def age_on(birth, on_date):
    """Full years from ``birth`` to ``on_date`` (0 without a date of birth)."""
    if not birth or not on_date:
        return 0
    return max(relativedelta(on_date, birth).years, 0)
