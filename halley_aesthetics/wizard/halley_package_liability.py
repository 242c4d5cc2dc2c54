from odoo import fields, models


class HalleyPackageLiability(models.TransientModel):
    """Ask for a date, show the package liability at the end of that day."""

    _name = "halley.package.liability"
    _description = "Package liability at a date"

    date = fields.Date(required=True, default=fields.Date.context_today, string="At")

    def action_open(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "halley_aesthetics.halley_package_ledger_action"
        )
        action["domain"] = [("date", "<=", self.date)]
        # Packages closed by that day (nothing owed) are left out by default.
        action["context"] = {"search_default_open": 1, "halley_liability_date": fields.Date.to_string(self.date)}
        action["display_name"] = self.env._("Package liability at %(date)s", date=self.date)
        action["name"] = action["display_name"]
        return action
