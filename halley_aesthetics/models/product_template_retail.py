from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    """Retail skincare (issue 23): creams and sunscreens the patient buys at the
    counter for home care. Goods kept in stock (by lot and expiry where tracked),
    sold at the counter from the clinic's retail shelf."""

    _inherit = "product.template"  # pylint: disable=consider-merging-classes-inherited

    clinic_role = fields.Selection(
        selection_add=[("retail", "Retail skincare")],
        ondelete={"retail": "set null"},
    )

    @api.model
    def _halley_retail_defaults(self, vals_list):
        """A retail product is storable goods, sold, and sold at the counter, unless
        the caller says otherwise."""
        for vals in vals_list:
            if vals.get("clinic_role") == "retail":
                vals.setdefault("type", "consu")
                vals.setdefault("is_storable", True)
                vals.setdefault("sale_ok", True)
                vals.setdefault("available_in_pos", True)
        return vals_list

    @api.model_create_multi
    def create(self, vals_list):
        return super().create(self._halley_retail_defaults(vals_list))

    @api.onchange("clinic_role")
    def _onchange_clinic_role_retail(self):
        if self.clinic_role == "retail":
            self.type = "consu"
            self.is_storable = True
            self.sale_ok = True
            self.available_in_pos = True

    @api.constrains("clinic_role", "type", "is_storable")
    def _check_retail_storable(self):
        for template in self.filtered(lambda t: t.clinic_role == "retail"):
            if template.type != "consu" or not template.is_storable:
                raise ValidationError(
                    self.env._(
                        "The retail product %(product)s is goods the clinic keeps in stock: "
                        "make it a storable product (Track Inventory).",
                        product=template.display_name,
                    )
                )
