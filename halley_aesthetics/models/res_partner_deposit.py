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
