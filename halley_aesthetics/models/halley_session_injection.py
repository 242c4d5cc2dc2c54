from odoo import fields, models

DEPTHS = [("intradermal", "Intradermal"), ("subdermal", "Subdermal"), ("supraperiosteal", "Supraperiosteal")]
DEVICES = [("needle", "Needle"), ("cannula", "Cannula")]
GAUGES = [("30g", "30G"), ("32g", "32G"), ("33g", "33G"), ("34g", "34G"), ("25g", "25G"), ("27g", "27G")]


class HalleySessionInjection(models.Model):
    """One entry of a session's injection chart: where (the zone, and the point she
    tapped or the whole zone painted), what (a charted product of the session's
    protocol and its lot), how much (in the product's dose unit) and how (depth,
    needle or cannula and gauge). The chart is the session's consumption of its
    charted products: Done consumes its totals per product and lot. Clinicians
    only; kept as charted once the session is done."""

    _name = "halley.session.injection"
    _description = "Injection chart entry"
    _order = "session_id, sequence, id"
    _check_company_auto = True

    session_id = fields.Many2one(
        "halley.treatment.session", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="session_id.company_id", store=True, index=True)
    patient_id = fields.Many2one(related="session_id.patient_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    zone_id = fields.Many2one("halley.chart.zone", required=True, ondelete="restrict")
    diagram = fields.Selection(related="zone_id.diagram", store=True)
    x = fields.Float(help="Where she tapped, in the diagram's coordinates (0 when a whole zone was painted).")
    y = fields.Float(help="Where she tapped, in the diagram's coordinates (0 when a whole zone was painted).")
    painted = fields.Boolean(help="The whole zone was treated, not one point.")
    product_id = fields.Many2one(
        "product.product", required=True, ondelete="restrict", check_company=True
    )
    lot_id = fields.Many2one("stock.lot", ondelete="restrict", check_company=True)
    quantity = fields.Float(digits="Product Unit of Measure", default=0.0)
    dose_uom_id = fields.Many2one(related="product_id.halley_dose_uom_id", string="Dose unit")
    depth = fields.Selection(DEPTHS)
    device = fields.Selection(DEVICES, string="Needle or cannula")
    gauge = fields.Selection(GAUGES)
    note = fields.Char()

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "An injection's quantity must be more than zero."),
    ]
