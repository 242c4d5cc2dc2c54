from odoo import api, models


class StockPicking(models.Model):
    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _create_picking_from_pos_order_lines(self, location_dest_id, lines, picking_type, partner=False):
        # A treatment charged at the counter is a kit whose consumables the session
        # itself consumed in the treatment room (by lot): the counter delivers no
        # stock for it. Retail skincare leaves the shelf as any POS product.
        lines = lines.filtered(lambda line: line.product_id.product_tmpl_id.clinic_role != "treatment")
        return super()._create_picking_from_pos_order_lines(location_dest_id, lines, picking_type, partner=partner)
