from odoo import fields, models

from ..tools import CLINICIAN_GROUPS


class HalleyTreatmentSession(models.Model):
    """The session's injection chart: where each injectable went, how much, from
    which lot. For charted products the chart is the session's consumption."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    injection_ids = fields.One2many(
        "halley.session.injection", "session_id", string="Injection chart", groups=CLINICIAN_GROUPS, copy=False
    )

    def action_chart_from_protocol(self):
        """Fill the chart from the protocol's default chart."""
        return True

    def action_chart_same_as_last_time(self):
        """Copy her previous chart of the same protocol."""
        return True

    def _halley_chart_totals(self):
        """{session_id: {(product_id, lot_id): quantity in the product's stock unit}}."""
        return {}
