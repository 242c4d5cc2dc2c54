from odoo import Command, api, fields, models

from ..tools import CLINIC_NAMES, CLINICIAN_GROUPS, check_domain_field_access
from .halley_patient_chart import SEXES

# The contact's window on her chart in the current company: field on the contact
# -> field of halley.patient.chart. Read only, not stored on the contact: the chart
# keeps them and is edited on its own form (practitioners may not write contacts).
# The clinic's patient quick form (a patient created from a session) writes the
# fields of CHART_QUICK_FIELDS through to her chart in the current company.
CHART_FIELDS = {
    "halley_date_of_birth": "date_of_birth",
    "halley_sex": "sex",
    "halley_allergies": "allergies",
    "halley_salmon_allergy": "salmon_allergy",
    "halley_medication": "medication",
    "halley_anticoagulant": "anticoagulant",
    "halley_medical_alerts": "medical_alerts",
    "halley_allergen_ids": "allergen_ids",
    "halley_medicine_ids": "medicine_ids",
    "halley_uncoded_summary": "uncoded_summary",
}
CHART_QUICK_FIELDS = (
    "halley_date_of_birth", "halley_sex", "halley_allergies", "halley_allergen_ids",
    "halley_medication", "halley_medicine_ids",
)


class ResPartner(models.Model):
    """The patient's chart, shown on the clinic's patient form. Every field is
    computed from her ``halley.patient.chart`` in the current company, for
    clinicians only: nothing clinical is stored on the contact,
    so merging, importing or duplicating contacts never reads it."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    halley_chart_id = fields.Many2one(
        "halley.patient.chart", string="Chart", compute="_compute_halley_chart", groups=CLINICIAN_GROUPS
    )
    halley_date_of_birth = fields.Date(
        string="Date of birth", compute="_compute_halley_chart", inverse="_inverse_halley_chart",
        groups=CLINICIAN_GROUPS,
    )
    halley_age = fields.Integer(string="Age", compute="_compute_halley_chart", groups=CLINICIAN_GROUPS)
    halley_sex = fields.Selection(
        SEXES, string="Sex", compute="_compute_halley_chart", inverse="_inverse_halley_chart", groups=CLINICIAN_GROUPS,
    )
    halley_allergies = fields.Text(
        string="Allergies", compute="_compute_halley_chart", inverse="_inverse_halley_chart",
        groups=CLINICIAN_GROUPS,
    )
    halley_salmon_allergy = fields.Boolean(
        string="Fish or salmon allergy", compute="_compute_halley_chart",
        groups=CLINICIAN_GROUPS, help="Rejuran's PDRN is extracted from salmon germ cells.",
    )
    halley_medication = fields.Text(
        string="Current medication", compute="_compute_halley_chart", inverse="_inverse_halley_chart",
        groups=CLINICIAN_GROUPS,
    )
    halley_anticoagulant = fields.Boolean(
        string="On anticoagulants", compute="_compute_halley_chart",
        groups=CLINICIAN_GROUPS, help="Anticoagulants or antiplatelets: higher bruising risk.",
    )
    halley_medical_alerts = fields.Text(
        string="Medical alerts", compute="_compute_halley_chart",
        groups=CLINICIAN_GROUPS, help="Shown at the top of each of her sessions.",
    )

    halley_allergen_ids = fields.Many2many(
        "halley.allergen", string="Coded allergies", compute="_compute_halley_chart", inverse="_inverse_halley_chart", groups=CLINICIAN_GROUPS,
    )
    halley_medicine_ids = fields.Many2many(
        "halley.medicine", string="Coded medicines", compute="_compute_halley_chart", inverse="_inverse_halley_chart", groups=CLINICIAN_GROUPS,
    )
    halley_uncoded_summary = fields.Char(string="Not coded", compute="_compute_halley_chart", groups=CLINICIAN_GROUPS)

    def _where_calc(self, domain, active_test=True):
        # Her chart's fields: no search on what the user may not read.
        check_domain_field_access(self, domain, set(CHART_FIELDS) | {"halley_chart_id", "halley_age"})
        return super()._where_calc(domain, active_test=active_test)

    def _halley_charts(self):
        """Her chart in the current company, per contact id (one query)."""
        ids = [pid for pid in self.ids if pid]
        if not ids:
            return {}
        charts = self.env["halley.patient.chart"].search(
            [("patient_id", "in", ids), ("company_id", "=", self.env.company.id)]
        )
        return {chart.patient_id.id: chart for chart in charts}

    @api.depends_context("company")
    def _compute_halley_chart(self):
        charts = self._halley_charts()
        for partner in self:
            chart = charts.get(partner.id, self.env["halley.patient.chart"])
            partner.halley_chart_id = chart
            partner.halley_age = chart.age
            for name, chart_name in CHART_FIELDS.items():
                partner[name] = chart[chart_name]

    def _inverse_halley_chart(self):
        """The quick form's chart fields, written to her chart in the current
        company (made when there is something to write): one search, then the
        chart's own create or write, its checks and tracking included."""
        charts = self._halley_charts()
        to_create = []
        for partner in self:
            vals = {}
            for name in CHART_QUICK_FIELDS:
                value = partner[name]
                vals[CHART_FIELDS[name]] = [Command.set(value.ids)] if self._fields[name].type == "many2many" else value
            chart = charts.get(partner.id)
            if chart:
                chart.write(vals)
            elif any(partner[name] for name in CHART_QUICK_FIELDS):
                to_create.append({"patient_id": partner.id, "company_id": self.env.company.id, **vals})
        if to_create:
            self.env["halley.patient.chart"].create(to_create)

    def action_open_halley_chart(self):
        """Her chart in this clinic, with its notes (made when first opened)."""
        self.ensure_one()
        chart = self._halley_charts().get(self.id) or self.env["halley.patient.chart"].create(
            {"patient_id": self.id, "company_id": self.env.company.id}
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Chart"),
            "res_model": "halley.patient.chart",
            "res_id": chart.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_view_halley_packages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("halley_aesthetics.halley_patient_package_action")
        action["domain"] = [("patient_id", "=", self.id)]
        action["context"] = {CLINIC_NAMES: True}
        return action
