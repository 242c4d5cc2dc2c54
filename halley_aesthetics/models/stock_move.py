from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    treatment_session_id = fields.Many2one(
        "halley.treatment.session",
        string="Treatment session",
        index="btree_not_null",
        check_company=True,
        copy=False,
        help="The session this consumption belongs to (returns are not linked).",
    )
    protocol_quantity = fields.Float(
        string="Planned",
        digits="Product Unit of Measure",
        copy=False,
        help="Quantity the protocol prescribes for this component.",
    )

    def _prepare_phantom_move_values(self, bom_line, product_qty, quantity_done):
        vals = super()._prepare_phantom_move_values(bom_line, product_qty, quantity_done)
        if self.treatment_session_id:
            vals["treatment_session_id"] = self.treatment_session_id.id
            vals["protocol_quantity"] = product_qty
        return vals

    def _prepare_move_line_vals(self, quantity=None, reserved_quant=None):
        """When the practitioner raises the quantity used of a lot-tracked
        component, the extra comes from the lot already in use (the same tube,
        the same box), not from an unnamed lot."""
        vals = super()._prepare_move_line_vals(quantity=quantity, reserved_quant=reserved_quant)
        if self.treatment_session_id and not reserved_quant and not vals.get("lot_id"):
            last = self.move_line_ids.filtered("lot_id")[-1:]
            if last and self.has_tracking == "lot":
                vals["lot_id"] = last.lot_id.id
                vals["location_id"] = last.location_id.id
        return vals
