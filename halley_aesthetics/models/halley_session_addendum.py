from odoo import api, fields, models
from odoo.exceptions import UserError


class HalleySessionAddendum(models.Model):
    """A correction to a completed session's record. The record keeps what was
    written at the time; an addendum says what was wrong, by whom and when. It is
    never changed nor deleted."""

    _name = "halley.session.addendum"
    _description = "Session addendum"
    _order = "session_id, id"

    session_id = fields.Many2one(
        "halley.treatment.session", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="session_id.company_id", store=True)
    body = fields.Text(string="Correction", required=True)
    author_id = fields.Many2one(
        "res.users", string="Written by", required=True, readonly=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(string="Written on", required=True, readonly=True, default=fields.Datetime.now)

    @api.model_create_multi
    def create(self, vals_list):
        self._halley_check_values(vals_list)  # a body that is text, a session that exists
        for vals in vals_list:
            if not (vals.get("body") or "").strip():
                raise UserError(self.env._("Write the correction the addendum makes."))
            if not self.env.su:
                vals.update(author_id=self.env.uid, date=fields.Datetime.now())
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise UserError(self.env._("An addendum is kept as written: add a new one to correct it."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("An addendum is kept as written: add a new one to correct it."))
