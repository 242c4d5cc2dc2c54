from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MrpBom(models.Model):
    """A protocol may ask for a deposit when a session of it is booked (issue 23,
    design decision 2: deposits are invoices, see halley_treatment_session_deposit.py):
    none, a fixed amount, or a percentage of the treatment's price."""

    _inherit = "mrp.bom"  # pylint: disable=consider-merging-classes-inherited

    halley_deposit_type = fields.Selection(
        [("none", "No deposit"), ("fixed", "Fixed amount"), ("percent", "Percentage of the price")],
        string="Deposit at booking",
        default="none",
        required=True,
        help="What the patient pays when a session of this protocol is booked; applied "
        "to her bill at checkout, forfeited on a no-show or a late cancellation.",
    )
    halley_deposit_amount = fields.Monetary(
        string="Deposit amount",
        currency_field="currency_id",
        help="The deposit asked at booking, in the company's currency.",
    )
    halley_deposit_percent = fields.Float(
        string="Deposit (% of the price)",
        digits=(5, 2),
        help="The deposit asked at booking, as a share of the treatment's sales price.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._halley_check_deposit_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._halley_check_deposit_values(vals)
        return super().write(vals)

    @api.model
    def _halley_check_deposit_values(self, vals):
        """A deposit is an amount from 0 to a million, a percentage from 0 to 100:
        refused in words before Odoo's rounding (which overflows on 1e308)."""
        amount = vals.get("halley_deposit_amount")
        if isinstance(amount, int | float) and not isinstance(amount, bool) and not 0 <= amount <= 1_000_000:
            raise ValidationError(
                self.env._("A deposit is an amount from 0 to 1,000,000 (not %(amount)s).", amount=amount)
            )
        percent = vals.get("halley_deposit_percent")
        if isinstance(percent, int | float) and not isinstance(percent, bool) and not 0 <= percent <= 100:
            raise ValidationError(
                self.env._("A deposit is a percentage from 0 to 100 (not %(percent)s).", percent=percent)
            )

    @api.constrains("halley_deposit_type", "halley_deposit_amount", "halley_deposit_percent")
    def _check_halley_deposit(self):
        for bom in self:
            if bom.halley_deposit_amount < 0 or not 0 <= bom.halley_deposit_percent <= 100:
                raise ValidationError(
                    self.env._(
                        "%(protocol)s: a deposit is an amount of zero or more, a percentage from 0 to 100.",
                        protocol=bom.clinic_name or bom.display_name,
                    )
                )
            if bom.halley_deposit_type == "fixed" and bom.halley_deposit_amount <= 0:
                raise ValidationError(
                    self.env._(
                        "%(protocol)s asks for a fixed deposit: give an amount above zero.",
                        protocol=bom.clinic_name or bom.display_name,
                    )
                )
            if bom.halley_deposit_type == "percent" and not 0 < bom.halley_deposit_percent <= 100:
                raise ValidationError(
                    self.env._(
                        "%(protocol)s asks for a deposit as a share of its price: give a "
                        "percentage above 0 and at most 100.",
                        protocol=bom.clinic_name or bom.display_name,
                    )
                )

    def _halley_deposit_for(self, product, company):
        """The deposit one session of this protocol asks for, in ``company``'s
        currency: 0.0 for none."""
        self.ensure_one()
        currency = company.currency_id
        if self.halley_deposit_type == "fixed":
            return currency.round(self.halley_deposit_amount)
        if self.halley_deposit_type == "percent":
            return currency.round(product.lst_price * self.halley_deposit_percent / 100.0)
        return 0.0
