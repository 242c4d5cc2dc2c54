from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    clinic_role = fields.Selection(
        [("consumable", "Clinic consumable"), ("treatment", "Treatment")],
        help="Consumables are stocked and used by treatment protocols; treatments are "
        "the kits a protocol explodes into consumables when a session is done.",
    )
