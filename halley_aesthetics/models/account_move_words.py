from lxml import etree

from odoo import api, models

from ..tools import CLINIC_GROUPS


class AccountMove(models.Model):
    """Clinic users pick an invoice line's product by its name: the internal
    reference is still searched, not shown. Everyone else (the accountant outside
    the clinic groups) reads Odoo's "[CODE] Name" on Odoo's invoice form, as
    without the addon."""

    _inherit = "account.move"

    @api.model
    def get_view(self, view_id=None, view_type="form", **options):
        # Odoo 18 refuses groups on an inherited view, and its view cache is shared
        # by every user: the clinic users' arch is adjusted after the groups are
        # applied, as Odoo's own get_view applies access rights.
        result = super().get_view(view_id, view_type, **options)
        if view_type != "form" or not self.env.user.has_groups(CLINIC_GROUPS):
            return result
        arch = etree.fromstring(result["arch"])
        nodes = arch.xpath("//field[@name='invoice_line_ids']//field[@name='product_id']")
        for node in nodes:
            context = (node.get("context") or "").strip()
            inner = context[1:-1].strip() if context.startswith("{") and context.endswith("}") else ""
            rest = f", {inner}" if inner else ""
            node.set("context", f"{{'display_default_code': False{rest}}}")
        if nodes:
            result["arch"] = etree.tostring(arch, encoding="unicode")
        return result
