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

    def _set_quantity_done_prepare_vals(self, qty):
        """When the practitioner raises the quantity used of a component, the
        extra comes from the line already in use (the same lot, the same tube),
        not from a new line without a lot."""
        commands = super()._set_quantity_done_prepare_vals(qty)
        if not self.treatment_session_id or self.product_id.tracking == "serial":
            return commands
        creates = [c for c in commands if c[0] == 0]
        updates = [c for c in commands if c[0] == 1]
        if len(creates) != 1 or not updates:
            return commands
        last = self.env["stock.move.line"].browse(updates[-1][1])
        if last.product_uom_id != self.product_uom:
            return commands
        updates[-1][2]["quantity"] += creates[0][2]["quantity"]
        return [c for c in commands if c[0] != 0]
