from odoo import models


class ResPartner(models.Model):
    """At the counter (issue 23): her paid deposits are deducted from what she pays,
    one negative "Treatment deposit" line each (``pos.order.line.halley_deposit_session_id``,
    passed to the invoice the counter makes, where it is checked as any invoice's)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def _halley_counter_deposit_lines(self, sessions, company):
        """The counter lines applying the paid deposits of ``sessions`` (those she pays
        now) and her deposits kept as credit, in ``company``. Only reads."""
        self.ensure_one()
        product = self.env.ref("halley_aesthetics.product_treatment_deposit")
        deposits = sessions._halley_deposits_to_apply(self, company)
        return [
            {
                "product_id": product.id,
                "qty": 1,
                "price_unit": -amount,
                "name": session._halley_deposit_line_text(paid=True),
                "halley_session_id": False,
                "halley_deposit_session_id": session.id,
            }
            for session, amount in deposits
        ]

    def halley_counter_due(self, config_id=None):
        """The counter also deducts her paid deposits: those of the sessions she pays
        there, and those kept as credit (one negative "Treatment deposit" line each)."""
        res = super().halley_counter_due(config_id)
        config = self.env["pos.config"].browse(config_id)
        sessions = self.env["halley.treatment.session"].browse(
            [line["halley_session_id"] for line in res["lines"] if line.get("halley_session_id")]
        )
        res["lines"] += self.commercial_partner_id._halley_counter_deposit_lines(sessions, config.company_id)
        return res
