from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_round
from odoo.tools.sql import column_exists, create_column

# The most of its dose unit one stock unit may hold (a box of 10,000 units of toxin).
DOSE_PER_UNIT_MAX = 100000


class ProductTemplate(models.Model):
    _inherit = "product.template"

    clinic_role = fields.Selection(
        [
            ("consumable", "Clinic consumable"),
            ("treatment", "Treatment"),
            ("package", "Treatment package"),
        ],
        help="Consumables are stocked and used by treatment protocols; treatments are "
        "the kits a protocol explodes into consumables when a session is done; "
        "packages are prepaid courses of sessions sold to patients.",
    )
    halley_allergen_ids = fields.Many2many(
        "halley.allergen",
        "halley_allergen_product_template_rel",
        "product_tmpl_id",
        "allergen_id",
        string="Allergens",
        help="What the product contains that a patient may be allergic to: a session that would "
        "use it on a patient charted with one of them cannot start.",
    )
    package_line_ids = fields.One2many(
        "halley.package.template.line",
        "product_tmpl_id",
        string="Sessions included",
        copy=True,
        groups="base.group_user",
    )
    package_validity_months = fields.Integer(
        string="Valid for (months)",
        default=12,
        help="Months from the invoice date during which the sessions can be used.",
    )
    package_min_interval_days = fields.Integer(
        string="Minimum interval (days)",
        help="Fewest days between two sessions of the same package. A clinic manager "
        "may override it for one session, with a reason.",
    )
    package_session_count = fields.Integer(
        string="Sessions", compute="_compute_package_session_count"
    )
    halley_charted = fields.Boolean(
        string="Charted on the injection chart",
        help="Practitioners chart where this injectable goes: a session's chart of it is "
        "what the session consumes of it, per lot.",
    )
    halley_dose_uom_id = fields.Many2one(
        "uom.uom",
        string="Dose unit",
        compute="_compute_halley_dose_uom_id",
        store=True,
        readonly=False,
        help="The unit she charts this product in (mL, units). The product's own unit by default.",
    )
    halley_dose_per_unit = fields.Float(
        string="Dose per stock unit",
        default=1.0,
        digits="Product Unit of Measure",
        help="How much of the dose unit one stock unit holds (2.0 mL for a 2 mL vial). Used when "
        "the dose unit is not a unit of the product's own kind; an opened vial is used up.",
    )

    _sql_constraints = [
        (
            "package_terms_positive",
            "CHECK(package_validity_months >= 0 AND package_min_interval_days >= 0)",
            "A package's validity and minimum interval cannot be negative.",
        ),
        (
            "halley_dose_per_unit_positive",
            "CHECK(halley_dose_per_unit > 0)",
            "A product's dose per stock unit must be more than zero.",
        ),
    ]

    def _auto_init(self):
        """The dose unit filled in one UPDATE (the product's own unit) when the
        addon is installed on, or upgraded from a release without it on, a database
        with products, instead of the ORM computing it product by product."""
        cr = self.env.cr
        if not column_exists(cr, self._table, "halley_dose_uom_id"):
            create_column(cr, self._table, "halley_dose_uom_id", "int4")
            cr.execute("UPDATE product_template SET halley_dose_uom_id = uom_id")
        return super()._auto_init()

    @api.depends("uom_id")
    def _compute_halley_dose_uom_id(self):
        for template in self:
            if not template.halley_dose_uom_id:
                template.halley_dose_uom_id = template.uom_id

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = list(vals_list)
        for vals in vals_list:
            self._halley_check_dose_per_unit(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._halley_check_dose_per_unit(vals)
        return super().write(vals)

    @api.model
    def _halley_check_dose_per_unit(self, vals):
        """Refused in words before the database's check: a stock unit holds more
        than nothing of the dose, and not a typing mistake's worth (models/base.py
        refuses the wrong types)."""
        if "halley_dose_per_unit" not in vals:
            return
        value = vals["halley_dose_per_unit"]
        if not value or (isinstance(value, int | float) and not 0 < value <= DOSE_PER_UNIT_MAX):
            raise ValidationError(
                self.env._(
                    "A stock unit holds more than zero and at most %(most)s of the dose unit (not %(value)s).",
                    most=DOSE_PER_UNIT_MAX,
                    value=value or 0,
                )
            )

    def _halley_dose_to_stock(self, dose):
        """``dose`` (in the dose unit) in the product's stock unit: Odoo's conversion
        when the dose unit is of the product's kind (mL of a product stocked in L),
        else dose / dose per stock unit, rounded UP to whole stock units (an opened
        vial is one patient's: it is used up)."""
        self.ensure_one()
        uom, stock_uom = self.halley_dose_uom_id or self.uom_id, self.uom_id
        dose = float_round(dose, precision_rounding=uom.rounding)
        if uom.category_id == stock_uom.category_id:
            return uom._compute_quantity(dose, stock_uom, rounding_method="UP")
        per_unit = self.halley_dose_per_unit if self.halley_dose_per_unit > 0 else 1.0
        units = float_round(dose / per_unit, precision_digits=6)
        return float_round(units, precision_rounding=max(stock_uom.rounding, 1.0), rounding_method="UP")

    @api.depends("package_line_ids.session_count")
    def _compute_package_session_count(self):
        for template in self:
            template.package_session_count = sum(template.package_line_ids.mapped("session_count"))

    @api.constrains("clinic_role", "type", "package_line_ids", "package_validity_months")
    def _check_treatment_package(self):
        for template in self.filtered(lambda t: t.clinic_role == "package"):
            if template.type != "service":
                raise ValidationError(
                    self.env._(
                        "The package %(package)s must be a service: it sells sessions, "
                        "not goods.",
                        package=template.display_name,
                    )
                )
            if not template.package_line_ids:
                raise ValidationError(
                    self.env._(
                        "The package %(package)s includes no session: add the protocols "
                        "and how many sessions of each it entitles the patient to.",
                        package=template.display_name,
                    )
                )
            if template.package_validity_months <= 0:
                raise ValidationError(
                    self.env._(
                        "The package %(package)s needs a validity of at least one month.",
                        package=template.display_name,
                    )
                )

    def _get_product_accounts(self):
        """A package's price is earned when its sessions are delivered: invoiced, it
        goes to the company's deferred-revenue (liability) account."""
        accounts = super()._get_product_accounts()
        if self.clinic_role == "package":
            accounts["income"] = self.env.company._halley_get_deferred_account()
        return accounts

    @api.depends_context("display_default_code")
    def _compute_display_name(self):
        """Odoo's variants leave out their internal reference when the context says
        ``display_default_code=False``, as the clinic's screens ask (the protocol's
        treatment, a package's product); templates, which Odoo always shows with
        it, follow the same key. Without the key: Odoo's "[CODE] Name"."""
        if self.env.context.get("display_default_code", True):
            return super()._compute_display_name()
        for template in self:
            template.display_name = template.name or False
        return None
