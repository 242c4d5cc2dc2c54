from odoo import api, models

from ..tools import CLINIC_NAMES


class IrActionsActWindow(models.Model):
    _inherit = "ir.actions.act_window"

    @api.model
    def _halley_for_records(self, xmlid, records):
        """The window action ``xmlid`` showing just ``records``: their form when
        there is one, a list otherwise (smart buttons of sessions and packages).
        They open Odoo's own screens (transfers, invoices, scraps): the clinic's
        names, which the web client would carry over from the clinic's screen,
        are switched off there."""
        action = self._for_xml_id(xmlid)
        action["domain"] = [("id", "in", records.ids)]
        action["context"] = {CLINIC_NAMES: False}
        if len(records) == 1:
            action.update(views=[(False, "form")], res_id=records.id)
        return action
