from odoo import fields, models

from .halley_session_injection import DEPTHS, DEVICES, GAUGES


class HalleyProtocolInjection(models.Model):
    """One entry of a protocol's default chart: a new session of the protocol
    starts from these entries (zone, product, quantity, technique; the lot is
    chosen when the session is charted)."""

    _name = "halley.protocol.injection"
    _description = "Protocol chart entry"
    _order = "bom_id, sequence, id"

    bom_id = fields.Many2one("mrp.bom", string="Protocol", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="bom_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    zone_id = fields.Many2one("halley.chart.zone", required=True, ondelete="restrict")
    diagram = fields.Selection(related="zone_id.diagram", store=True)
    x = fields.Float()
    y = fields.Float()
    painted = fields.Boolean(help="The whole zone, not one point.")
    product_id = fields.Many2one("product.product", required=True, ondelete="restrict")
    quantity = fields.Float(digits="Product Unit of Measure", default=0.0)
    dose_uom_id = fields.Many2one(related="product_id.halley_dose_uom_id", string="Dose unit")
    depth = fields.Selection(DEPTHS)
    device = fields.Selection(DEVICES, string="Needle or cannula")
    gauge = fields.Selection(GAUGES)

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "A chart entry's quantity must be more than zero."),
    ]
