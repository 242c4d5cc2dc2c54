from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    @api.constrains("quantity")
    def _check_treatment_quantity_positive(self):
        for line in self:
            if line.move_id.treatment_session_id and float_compare(
                line.quantity, 0.0, precision_rounding=line.product_uom_id.rounding
            ) < 0:
                raise ValidationError(
                    self.env._(
                        "The quantity of %(product)s used in %(session)s cannot be "
                        "negative.",
                        product=line.product_id.display_name,
                        session=line.move_id.treatment_session_id.name,
                    )
                )
