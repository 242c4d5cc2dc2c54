from odoo import models


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    def _prepare_picking_default_values_based_on(self, picking):
        """What a cancelled session had consumed goes back to its room."""
        vals = super()._prepare_picking_default_values_based_on(picking)
        if picking.picking_type_id.is_treatment_consumption:
            vals["location_dest_id"] = picking.location_id.id
        return vals
