from odoo import fields, models


class HalleySessionConsent(models.Model):
    """The patient's consent for one session: the procedure, and separately photos
    for the clinical record and photos for marketing."""

    _name = "halley.session.consent"
    _description = "Session consent"
    _order = "date desc, id desc"

    session_id = fields.Many2one(
        "halley.treatment.session", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="session_id.company_id", store=True)
    patient_id = fields.Many2one(related="session_id.patient_id", store=True)
    procedure = fields.Boolean(string="Procedure consent")
    photo_record = fields.Boolean(string="Photos for the clinical record")
    photo_marketing = fields.Boolean(string="Photos for marketing")
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    recorded_by_id = fields.Many2one(
        "res.users", string="Recorded by", required=True, default=lambda self: self.env.user, readonly=True
    )
    note = fields.Char(help="How consent was given (signed form reference, witness).")
