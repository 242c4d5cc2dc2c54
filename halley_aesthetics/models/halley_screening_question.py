from odoo import api, fields, models


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
        translate=True, help="What the practitioner should check or tell the patient."
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
    chart_key = fields.Selection(
        [
            ("age_65", "Aged 65 or over"),
            ("anticoagulant", "On anticoagulants"),
            ("salmon_allergy", "Fish or salmon allergy"),
            ("isotretinoin", "Taking isotretinoin"),
        ],
        string="Answered from the chart",
        help="The patient's chart pre-answers this question yes (her age on the session's day, "
        "her coded allergies and medicines: a fish allergen, a blood thinner, isotretinoin), for "
        "the practitioner to confirm.",
    )

    def _for_protocol(self, protocol):
        return self.search(
            ["|", ("protocol_ids", "=", False), ("protocol_ids", "in", protocol.ids)]
        )

    @api.model_create_multi
    def create(self, vals_list):
        questions = super().create(vals_list)
        questions._sync_open_sessions()
        return questions

    def write(self, vals):
        res = super().write(vals)
        if {"protocol_ids", "active", "chart_key"} & set(vals):
            self._sync_open_sessions()
        return res

    def _sync_open_sessions(self):
        """Sessions not started yet get the new questions at once, so the
        practitioner can answer them before Start."""
        domain = [("state", "in", ("draft", "confirmed"))]
        # (A question without protocols is asked for every protocol: all its sessions.)
        if all(question.protocol_ids for question in self):
            domain.append(("protocol_id", "in", self.protocol_ids.ids))
        self.env["halley.treatment.session"].sudo().search(domain)._sync_screening()
