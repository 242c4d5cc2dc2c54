from odoo import fields, models

from ..tools import CLINIC_GROUPS


class ResUsers(models.Model):
    _inherit = "res.users"

    # A practitioner's working hours: the clinic's users read them (the appointment
    # book, the booking checks); nobody else sees the field.
    halley_working_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Clinic working hours",
        groups=CLINIC_GROUPS,
        help="When this practitioner sees patients (days, hours and time off, in the "
        "calendar's time zone). Empty: sessions may be booked with her at any time.",
    )
