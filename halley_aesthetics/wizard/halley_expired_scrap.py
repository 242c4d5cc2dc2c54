from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero

from ..clinic_time import company_tz, format_local


class HalleyExpiredScrap(models.TransientModel):
    """Scrap expired stock, with the manager's reason, through Odoo's scrap orders."""

    _name = "halley.expired.scrap"
    _description = "Scrap expired stock"

    quant_ids = fields.Many2many("stock.quant", string="Stock to scrap", required=True)
    reason = fields.Text(required=True, default=lambda self: self.env._("Expired"))

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if self.env.context.get("active_model") == "stock.quant" and "quant_ids" in fields_list:
            res["quant_ids"] = [fields.Command.set(self.env.context.get("active_ids", []))]
        return res

    def action_scrap(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason for scrapping this stock."))
        now = fields.Datetime.now()
        quants = self.quant_ids.filtered(
            lambda q: not float_is_zero(q.quantity, precision_rounding=q.product_uom_id.rounding)
        )
        if not quants:
            raise UserError(self.env._("There is nothing on hand to scrap in the selected lines."))
        for quant in quants:
            expiry = quant.lot_id.expiration_date
            if not expiry or expiry > now:
                raise UserError(
                    self.env._(
                        "%(product)s%(lot)s in %(location)s has not expired%(date)s: only "
                        "expired stock is scrapped here.",
                        product=quant.product_id.display_name,
                        lot=self.env._(" lot %(lot)s", lot=quant.lot_id.name) if quant.lot_id else "",
                        location=quant.location_id.display_name,
                        date=self.env._(
                            " (it expires on %(date)s)",
                            date=format_local(self.env, expiry, company_tz(quant.company_id or self.env.company),
                                              date_only=True),
                        )
                        if expiry
                        else "",
                    )
                )
        tag = self.env.ref("halley_aesthetics.scrap_reason_expired", raise_if_not_found=False)
        scraps = self.env["stock.scrap"].create(
            [
                {
                    "product_id": quant.product_id.id,
                    "lot_id": quant.lot_id.id,
                    "location_id": quant.location_id.id,
                    "scrap_qty": quant.quantity,
                    "product_uom_id": quant.product_id.uom_id.id,
                    "company_id": quant.company_id.id,
                    "origin": self.env._("Expired stock"),
                    "halley_reason": self.reason,
                    "scrap_reason_tag_ids": [fields.Command.set(tag.ids)] if tag else [],
                }
                for quant in quants
            ]
        )
        scraps.do_scrap()
        for scrap in scraps:
            scrap._message_log(body=self.env._("Scrapped: %(reason)s", reason=self.reason))
        action = self.env["ir.actions.act_window"]._halley_for_records("stock.action_stock_scrap", scraps)
        return action
