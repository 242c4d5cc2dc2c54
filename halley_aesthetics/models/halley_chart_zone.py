import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# The injection chart's diagrams; every diagram is drawn in a 200 x 240 viewBox.
DIAGRAMS = [
    ("front", "Face, front"),
    ("left", "Face, left profile"),
    ("right", "Face, right profile"),
    ("neck", "Neck"),
]


# A polygon's points: "x1,y1 x2,y2 ..." (numbers only: the shape is drawn in an SVG).
SHAPE = re.compile(r"^\s*(\d+(\.\d+)?,\d+(\.\d+)?\s+){2,}\d+(\.\d+)?,\d+(\.\d+)?\s*$")
CODE = re.compile(r"^[a-z][a-z0-9_]*$")


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

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = list(vals_list)
        for vals in vals_list:
            self._halley_check_zone_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._halley_check_zone_values(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_charted(self):
        """A zone a chart names (a session's, or a protocol's default chart, in any
        clinic) stays, refused in words: archived, it is no longer offered and the
        charts keep naming it (the database would refuse the deletion with an error)."""
        for model in ("halley.session.injection", "halley.protocol.injection"):
            used = self.env[model].sudo().search([("zone_id", "in", self.ids)], limit=1).zone_id
            if used:
                raise UserError(
                    self.env._(
                        "The zone %(zone)s is in injection charts: archive it instead (untick Active). "
                        "It is then no longer offered, and the charts that name it keep it.",
                        zone=used.with_env(self.env).name,
                    )
                )

    @api.model
    def _halley_check_zone_values(self, vals):
        """A code the clinic can type again and a shape the diagram can draw,
        refused in words (models/base.py refuses the wrong types)."""
        code, shape = vals.get("code"), vals.get("shape")
        if isinstance(code, str) and code and not CODE.match(code):
            raise ValidationError(
                self.env._(
                    "A zone's code is lower-case letters, digits and underscores, starting with a letter "
                    "(like cheek_left), not %(code)s.",
                    code=code[:40],
                )
            )
        if isinstance(shape, str) and shape and not SHAPE.match(shape):
            raise ValidationError(
                self.env._(
                    "A zone's shape is at least three points of the diagram, written \"x1,y1 x2,y2 x3,y3\" "
                    "with numbers only.",
                )
            )
