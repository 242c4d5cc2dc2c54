from odoo import models

from ..tools import titled_refusals


class HalleyTreatmentSession(models.Model):
    """The workflow's refusals say what was refused: the dialog of a refused
    Confirm, Start, Done, Cancel or No-show is titled in the clinic's words
    ("Session cannot start") instead of Odoo's "Invalid Operation", whichever
    concern or Odoo check refused it; the message, one item per line, is
    unchanged. Loaded after the other concerns, so that it wraps them all."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    def action_confirm(self):
        with titled_refusals(self.env._("Booking refused")):
            return super().action_confirm()

    def action_start(self):
        with titled_refusals(self.env._("Session cannot start")):
            return super().action_start()

    def action_done(self):
        with titled_refusals(self.env._("Session cannot be completed")):
            return super().action_done()

    def action_cancel(self):
        with titled_refusals(self.env._("Session cannot be cancelled")):
            return super().action_cancel()

    def action_no_show(self):
        with titled_refusals(self.env._("No-show not recorded")):
            return super().action_no_show()
