from odoo import api, fields, models

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

    @api.model
    def _halley_practitioner_domain(self):
        """The users who see patients: the appointment book's practitioner columns
        and the practitioner a new session defaults to. Members of the Practitioner
        group, except the clinic managers (the group implies it) who have no clinic
        working hours: a manager who also treats patients is given her hours."""
        practitioner = self.env.ref("halley_aesthetics.group_practitioner")
        manager = self.env.ref("halley_aesthetics.group_manager")
        return [
            ("share", "=", False),
            ("groups_id", "in", practitioner.id),
            "|", ("groups_id", "not in", manager.id), ("halley_working_calendar_id", "!=", False),
        ]

    def _halley_is_practitioner(self):
        """Whether this user sees patients (see ``_halley_practitioner_domain``)."""
        self.ensure_one()
        return bool(self.sudo().search_count([("id", "=", self.id), *self._halley_practitioner_domain()], limit=1))
