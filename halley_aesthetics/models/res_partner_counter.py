from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import CLINIC_GROUPS


class ResPartner(models.Model):
    """What the front counter shows for a patient: the sessions she has to pay, and
    the home-care products her treatments recommend (issue 23)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    halley_counter_line_ids = fields.One2many(
        "pos.order.line",
        compute="_compute_halley_counter_lines",
        string="Bought at the counter",
        groups="halley_aesthetics.group_billing",
        help="What she (or her company) bought at the clinic's counter.",
    )
    halley_counter_line_count = fields.Integer(
        compute="_compute_halley_counter_lines",
        string="Counter purchases",
        groups="halley_aesthetics.group_billing",
    )
    halley_counter_product_ids = fields.Many2many(
        "product.product",
        compute="_compute_halley_counter_lines",
        string="Products bought at the counter",
        groups=CLINIC_GROUPS,
        help="The products she (or her company) bought at the clinic's counter: clinicians, "
        "who never read the counter's orders, see what she uses at home.",
    )

    def _halley_counter_lines_by_partner(self):
        """Her paid counter lines in the user's allowed companies, one query for all
        the records."""
        Line = self.env["pos.order.line"].sudo()
        partners = self.filtered("id")
        lines_by_partner = {partner.id: Line for partner in self}
        if not partners:
            return lines_by_partner
        lines = Line.search([
            ("order_id.partner_id", "child_of", partners.commercial_partner_id.ids),
            ("order_id.state", "in", ("paid", "done", "invoiced")),
            ("order_id.company_id", "in", self.env.companies.ids),
        ])
        for partner in partners:
            commercial = partner.commercial_partner_id
            lines_by_partner[partner.id] = lines.filtered(
                lambda line, commercial=commercial: line.order_id.partner_id.commercial_partner_id == commercial
            )
        return lines_by_partner

    def _compute_halley_counter_lines(self):
        lines_by_partner = self._halley_counter_lines_by_partner()
        for partner in self:
            partner_lines = lines_by_partner[partner.id]
            partner.halley_counter_line_ids = partner_lines.with_env(self.env)
            partner.halley_counter_line_count = len(partner_lines)
            partner.halley_counter_product_ids = partner_lines.filtered(lambda line: line.qty > 0).product_id

    def action_halley_counter_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Bought at the counter"),
            "res_model": "pos.order.line",
            "view_mode": "list",
            "views": [(self.env.ref("halley_aesthetics.pos_order_line_view_list_halley_counter").id, "list")],
            "domain": [("id", "in", self.halley_counter_line_ids.ids)],
            "context": {"create": False, "edit": False, "delete": False},
        }

    def halley_counter_due(self, config_id=None):
        """What the counter ``config_id`` shows for this patient: the sessions she
        has to pay there (done, pay-per-session, "To invoice", in the counter's
        company, hers or her company's), one line each in her words, and the retail
        products her protocols recommend for home care. Other concerns (deposits to
        apply) extend the dict with super(). Never creates anything.

        Returns ``{"patient": name, "lines": [{"product_id", "qty", "price_unit",
        "name", "halley_session_id", "halley_deposit_session_id"}],
        "recommended_product_ids": [...]}``."""
        if len(self) != 1 or not self.exists():
            raise UserError(self.env._("Choose one patient to see what she has to pay at the counter."))
        if isinstance(config_id, bool) or not isinstance(config_id, int) or config_id <= 0:
            raise UserError(self.env._("Choose the counter the patient pays at."))
        config = self.env["pos.config"].browse(config_id).exists()
        if not config:
            raise UserError(self.env._("This counter no longer exists: choose the counter the patient pays at."))
        config.check_access("read")
        self.check_access("read")
        patient = self.commercial_partner_id
        company = config.company_id
        sessions = self.env["halley.treatment.session"].search(
            [
                ("patient_id", "child_of", patient.id),
                ("company_id", "=", company.id),
                ("invoice_status", "=", "to_invoice"),
            ],
            order="scheduled_start, id",
        )
        # Sessions already on an unpaid order of an open counter are not offered again.
        waiting = self.env["pos.order.line"].sudo().search([
            ("halley_session_id", "in", sessions.ids),
            ("order_id.state", "=", "draft"),
        ]).halley_session_id
        lines = []
        for session in sessions - waiting:
            lines.append({
                "product_id": session.treatment_product_id.id,
                "qty": 1.0,
                "price_unit": session.treatment_price,
                "name": session._invoice_line_text(),
                "halley_session_id": session.id,
                "halley_deposit_session_id": False,
            })
        return {
            "patient": self.name,
            "lines": lines,
            "recommended_product_ids": self._halley_counter_recommended(company).ids,
        }

    def _halley_counter_recommended(self, company):
        """The home-care products of the protocols of her sessions in ``company``
        (the most recent first), retail products first, only those the counter
        sells."""
        sessions = self.env["halley.treatment.session"].search(
            [("patient_id", "child_of", self.commercial_partner_id.id), ("company_id", "=", company.id),
             ("state", "!=", "cancel")],
            order="scheduled_start desc, id desc",
        )
        products = sessions.protocol_id.halley_retail_product_ids.filtered(
            lambda product: product.available_in_pos and product.sale_ok
            and (not product.company_id or product.company_id == company)
        )
        return products.sorted(lambda product: (product.product_tmpl_id.clinic_role != "retail",))
