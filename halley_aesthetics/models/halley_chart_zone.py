from odoo import fields, models

# The injection chart's diagrams; every diagram is drawn in a 200 x 240 viewBox.
DIAGRAMS = [
    ("front", "Face, front"),
    ("left", "Face, left profile"),
    ("right", "Face, right profile"),
    ("neck", "Neck"),
]


class HalleyChartZone(models.Model):
    """A zone of the injection chart (forehead, left cheek, neck...): where on one
    of the chart's diagrams it lies, as an SVG polygon. The clinic's list is
    configuration: zones without a clinic serve every clinic."""

    _name = "halley.chart.zone"
    _description = "Injection chart zone"
    _order = "diagram, sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="A short key for the zone, unique (e.g. cheek_left).")
    diagram = fields.Selection(DIAGRAMS, required=True, default="front")
    shape = fields.Char(
        help="The zone's outline on its diagram: SVG polygon points \"x1,y1 x2,y2 ...\" "
        "in the diagram's coordinates (0 0 200 240)."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", string="Clinic", help="Empty: every clinic.")

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "Another chart zone already has this code."),
    ]
