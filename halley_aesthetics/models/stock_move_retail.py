from odoo import models
from odoo.tools import float_compare


class StockMove(models.Model):
    _inherit = "stock.move"  # pylint: disable=consider-merging-classes-inherited

    def _add_mls_related_to_order(self, related_order_lines, are_qties_done=True):
        """A lot-tracked retail product sold off the retail shelf without a lot
        chosen at the counter: the shelf's removal strategy (first expiring, first
        out) picks the lots, when the shelf holds enough; otherwise Odoo's own way
        (the transfer waits for its lots)."""
        fefo = self.filtered(
            lambda move: move.product_id.tracking == "lot"
            and move.location_id.is_retail_shelf
            and not related_order_lines.filtered(
                lambda line, product=move.product_id: line.product_id == product
            ).pack_lot_ids.filtered("lot_name")
        )
        if are_qties_done and fefo:
            fefo._action_assign()
            covered = fefo.filtered(
                lambda move: float_compare(
                    move.quantity, move.product_uom_qty, precision_rounding=move.product_uom.rounding
                ) >= 0
            )
            (fefo - covered)._do_unreserve()
            fefo = covered
        else:
            fefo = self.browse()
        return super(StockMove, self - fefo)._add_mls_related_to_order(related_order_lines, are_qties_done)
