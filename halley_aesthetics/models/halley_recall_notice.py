from odoo import fields, models


class HalleyRecallNotice(models.Model):
    """A patient notified of a recalled lot she received: who, which lot, which
    sessions, when and by whom; the message sent to her is in its chatter."""

    _name = "halley.recall.notice"
    _inherit = ["mail.thread"]
    _description = "Lot recall notice"
    _order = "date desc, id desc"

    lot_id = fields.Many2one("stock.lot", required=True, index=True, readonly=True)
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    patient_id = fields.Many2one("res.partner", required=True, index=True, readonly=True)
    session_ids = fields.Many2many("halley.treatment.session", string="Sessions", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    date = fields.Datetime(string="Notified on", required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Notified by", required=True, readonly=True,
                              default=lambda self: self.env.user)
    email = fields.Char(readonly=True)
    message_id = fields.Many2one("mail.message", readonly=True)
