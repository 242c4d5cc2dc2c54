from odoo import api, models


class IrActionsActWindow(models.Model):
    _inherit = "ir.actions.act_window"

    @api.model
    def _halley_for_records(self, xmlid, records):
        """The window action ``xmlid`` showing just ``records``: their form when
        there is one, a list otherwise (smart buttons of sessions and packages)."""
        action = self._for_xml_id(xmlid)
        action["domain"] = [("id", "in", records.ids)]
        action["context"] = {}
        if len(records) == 1:
            action.update(views=[(False, "form")], res_id=records.id)
        return action
