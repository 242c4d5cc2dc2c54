from odoo import fields, models

from ..tools import check_workflow_fields

# Set by the patient portal only (as superuser, after it checked the session is
# hers): which answers the patient gave herself, and when.
PATIENT_AUDIT_FIELDS = {"answered_by_patient", "answered_by_patient_on"}


class HalleySessionScreening(models.Model):
    """A screening answer the patient gave herself, before her visit, from the
    patient portal: marked as hers for the practitioner to review."""

    _inherit = "halley.session.screening"  # pylint: disable=consider-merging-classes-inherited

    answered_by_patient = fields.Boolean(
        string="Answered by the patient",
        readonly=True,
        copy=False,
        help="The patient gave this answer herself from the patient portal: review and confirm it with her.",
    )
    answered_by_patient_on = fields.Datetime(string="Patient answered on", readonly=True, copy=False)

    def _check_audit_fields(self, vals):
        res = super()._check_audit_fields(vals)
        check_workflow_fields(
            self, vals, PATIENT_AUDIT_FIELDS,
            self.env._("Which answers the patient gave herself from the patient portal"),
        )
        return res
