from odoo import fields, models


class HalleyScreeningQuestion(models.Model):
    """A yes/no screening question asked before a protocol. A "yes" to a hard stop
    blocks the session; a "yes" to a warning needs the practitioner's
    acknowledgement."""

    _name = "halley.screening.question"
    _description = "Screening question"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(string="Question", required=True, translate=True)
    guidance = fields.Text(
        string="Guidance", translate=True, help="What the practitioner should check or tell the patient."
    )
    severity = fields.Selection(
        [("hard_stop", "Hard stop"), ("warning", "Warning")],
        required=True,
        default="warning",
        help="Hard stop: a yes blocks the session. Warning: a yes needs the "
        "practitioner's acknowledgement before starting.",
    )
    protocol_ids = fields.Many2many(
        "mrp.bom",
        "halley_screening_question_protocol_rel",
        "question_id",
        "protocol_id",
        string="Protocols",
        domain="[('is_treatment_protocol', '=', True)]",
        help="Protocols the question is asked for; empty: every protocol.",
    )
    active = fields.Boolean(default=True)

    def _for_protocol(self, protocol):
        return self.search(
            ["|", ("protocol_ids", "=", False), ("protocol_ids", "in", protocol.ids)]
        )
