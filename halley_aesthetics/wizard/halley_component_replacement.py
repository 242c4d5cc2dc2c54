from odoo import api, fields, models

from ..tools import check_session_access


class HalleyComponentReplacement(models.TransientModel):
    """Replaces a component of a booked session's consumption (a lidocaine-free
    numbing cream for a patient allergic to lidocaine), with the reason."""

    _name = "halley.component.replacement"
    _description = "Replace a component of a session"

    session_id = fields.Many2one("halley.treatment.session", required=True, readonly=True)
    session_product_ids = fields.Many2many("product.product", compute="_compute_session_product_ids")
    component_id = fields.Many2one(
        "product.product", required=True, domain="[('id', 'in', session_product_ids)]"
    )
    allergen_conflict_summary = fields.Text(
        related="session_id.allergen_conflict_summary", string="Allergy conflicts", compute_sudo=False
    )
    product_uom_category_id = fields.Many2one(related="component_id.uom_id.category_id")
    product_id = fields.Many2one(
        "product.product",
        string="Replace with",
        required=True,
        domain="[('uom_id.category_id', '=', product_uom_category_id), ('id', '!=', component_id)]",
    )
    reason = fields.Text(required=True)

    @api.model_create_multi
    def create(self, vals_list):
        check_session_access(self, vals_list, "write")  # a session she may change
        return super().create(vals_list)

    def write(self, vals):
        check_session_access(self, [vals], "write")
        return super().write(vals)

    @api.depends("session_id")
    def _compute_session_product_ids(self):
        for wizard in self:
            wizard.session_product_ids = wizard.session_id._open_consumption().product_id

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        session = self.env["halley.treatment.session"].browse(res.get("session_id")).exists()
        if session and "component_id" in fields_list and not res.get("component_id"):
            # The first component she is allergic to, else none chosen.
            conflicts = session._allergen_conflicts()
            if conflicts:
                res["component_id"] = conflicts[0][1].id
        return res

    def action_confirm(self):
        self.ensure_one()
        moves = self.session_id._open_consumption().filtered(lambda m: m.product_id == self.component_id)
        self.session_id._replace_component(moves[:1], self.product_id, self.reason)
        return {"type": "ir.actions.act_window_close"}
