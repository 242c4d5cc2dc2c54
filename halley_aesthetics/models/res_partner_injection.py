from odoo import models
from odoo.exceptions import AccessError

from ..tools import CLINICIAN_GROUPS


class ResPartner(models.Model):
    """A patient's injection charts over time, from her clinic form: the total dose
    per zone per session (a pivot over her chart entries, which Odoo reads with
    read_group), clinicians only."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def action_halley_dose_per_zone(self):
        self.ensure_one()
        if not self.env.user.has_group(CLINICIAN_GROUPS):
            raise AccessError(self.env._("Only practitioners and clinic managers can read injection charts."))
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dose per zone: %(patient)s", patient=self.name),
            "res_model": "halley.session.injection",
            "view_mode": "pivot,list",
            "views": [
                (self.env.ref("halley_aesthetics.halley_session_injection_view_pivot").id, "pivot"),
                (self.env.ref("halley_aesthetics.halley_session_injection_view_list_history").id, "list"),
            ],
            "search_view_id": self.env.ref("halley_aesthetics.halley_session_injection_view_search_history").id,
            "domain": [("patient_id", "=", self.id)],
            "context": {"search_default_done": 1, "create": False, "edit": False, "delete": False,
                        "halley_clinic_names": True, "halley_session_dates": True},
        }
