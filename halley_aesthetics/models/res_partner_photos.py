from odoo import models


class ResPartner(models.Model):
    """A patient's clinical photos: compared from her clinic form; withdrawing
    her marketing-photo consent takes her photos out of marketing."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def action_halley_withdraw_marketing_photos(self):
        res = super().action_halley_withdraw_marketing_photos()
        # Her photos of the clinics whose consents were withdrawn (the user's
        # companies), whoever may otherwise read them.
        photos = (
            self.env["halley.session.photo"]
            .sudo()
            .search(
                [
                    ("patient_id", "in", self.ids),
                    ("use_for_marketing", "=", True),
                    ("company_id", "in", self.env.companies.ids),
                ]
            )
        )
        photos._withdraw_marketing_use()
        return res

    def action_halley_compare_photos(self):
        self.ensure_one()
        return self.env["halley.photo.comparison"]._action_open(self)
