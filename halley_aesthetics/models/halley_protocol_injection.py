from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .halley_session_injection import DEPTHS, DEVICES, GAUGES, check_chart_numbers


class HalleyProtocolInjection(models.Model):
    """One entry of a protocol's default chart: a new session of the protocol
    starts from these entries (zone, product, quantity, technique; the lot is
    the room's, first expiry first, when the session is charted)."""

    _name = "halley.protocol.injection"
    _description = "Protocol chart entry"
    _order = "bom_id, sequence, id"
    _check_company_auto = True

    bom_id = fields.Many2one("mrp.bom", string="Protocol", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="bom_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    zone_id = fields.Many2one("halley.chart.zone", required=True, ondelete="restrict", check_company=True)
    diagram = fields.Selection(related="zone_id.diagram", store=True)
    x = fields.Float()
    y = fields.Float()
    painted = fields.Boolean(help="The whole zone, not one point.")
    product_id = fields.Many2one("product.product", required=True, ondelete="restrict", check_company=True)
    quantity = fields.Float(digits="Product Unit of Measure", default=0.0)
    dose_uom_id = fields.Many2one(related="product_id.halley_dose_uom_id", string="Dose unit")
    depth = fields.Selection(DEPTHS)
    device = fields.Selection(DEVICES, string="Needle or cannula")
    gauge = fields.Selection(GAUGES)

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "A chart entry's quantity must be more than zero."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = list(vals_list)
        for vals in vals_list:
            check_chart_numbers(self, vals, create=True)
        return super().create(vals_list)

    def write(self, vals):
        check_chart_numbers(self, vals)
        return super().write(vals)

    @api.constrains("product_id", "bom_id")
    def _check_charted_component(self):
        for entry in self:
            bom = entry.bom_id
            if entry.product_id not in bom.bom_line_ids.product_id or not entry.product_id.halley_charted:
                raise ValidationError(
                    self.env._(
                        "%(product)s is not a charted component of %(protocol)s: its default chart "
                        "holds only its components charted on the injection chart.",
                        product=entry.product_id.with_context(display_default_code=False).display_name,
                        protocol=bom.clinic_name or bom.display_name,
                    )
                )
