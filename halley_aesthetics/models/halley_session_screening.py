from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import check_session_open, check_workflow_fields

# Set by the workflow only (as superuser): who acknowledged a warning, and the
# answers offered from her previous session and from her chart.
AUDIT_FIELDS = {"acknowledged_by_id", "previous_answer", "chart_answer"}


class HalleySessionScreening(models.Model):
    """One screening answer of one session."""

    _name = "halley.session.screening"
    _description = "Screening answer"
    _order = "session_id, sequence, id"

    session_id = fields.Many2one(
        "halley.treatment.session", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="session_id.company_id", store=True)
    question_id = fields.Many2one(
        "halley.screening.question", string="Screening question", required=True, ondelete="restrict"
    )
    sequence = fields.Integer(related="question_id.sequence", store=True)
    question = fields.Char(related="question_id.name", string="Question")
    severity = fields.Selection(related="question_id.severity", store=True)
    answer = fields.Selection([("no", "No"), ("yes", "Yes")], help="Empty until asked.")
    previous_answer = fields.Selection(
        [("no", "No"), ("yes", "Yes")],
        string="Last time",
        readonly=True,
        help="The patient's answer at her previous session, offered for review.",
    )
    chart_answer = fields.Selection(
        [("yes", "Yes")],
        string="From her chart",
        readonly=True,
        help="Her chart answers yes (age, anticoagulants, fish or salmon allergy): the answer is "
        "pre-set for you to confirm; a no needs a note.",
    )
    note = fields.Char(help="Details: medication and dose, dates, what was checked.")
    flagged = fields.Boolean(compute="_compute_flagged", store=True)
    acknowledged = fields.Boolean(
        help="The practitioner reviewed this warning and decided to go ahead."
    )
    acknowledged_by_id = fields.Many2one("res.users", string="Acknowledged by", readonly=True)

    _sql_constraints = [
        (
            "question_once_per_session",
            "UNIQUE(session_id, question_id)",
            "A screening question is answered once per session.",
        ),
    ]

    @api.depends("answer")
    def _compute_flagged(self):
        for line in self:
            line.flagged = line.answer == "yes"

    @api.model_create_multi
    def create(self, vals_list):
        self._halley_check_values(vals_list)  # a session that exists, before it is read
        for vals in vals_list:
            self._check_audit_fields(vals)
        check_session_open(
            self, self.env["halley.treatment.session"].browse([v["session_id"] for v in vals_list if v.get("session_id")])
        )
        self._check_question_once(vals_list)
        return super().create(vals_list)

    def _check_question_once(self, vals_list):
        """A question already on the session is refused in words before the
        database's unique index would refuse it (and log the query)."""
        pairs = [(vals.get("session_id"), vals.get("question_id")) for vals in vals_list]
        pairs = [pair for pair in pairs if all(pair)]
        if not pairs:
            return
        existing = {
            (line.session_id.id, line.question_id.id)
            for line in self.sudo().search(
                [("session_id", "in", [s for s, _q in pairs]), ("question_id", "in", [q for _s, q in pairs])]
            )
        }
        if len(set(pairs)) != len(pairs) or set(pairs) & existing:
            raise ValidationError(self.env._("A screening question is answered once per session: it is already on it."))

    def write(self, vals):
        self._halley_check_values([vals])
        self._check_audit_fields(vals)
        check_session_open(self, self.session_id)
        if "session_id" in vals:
            new_session = self.env["halley.treatment.session"].browse(vals["session_id"])
            if any(line.session_id != new_session for line in self):
                raise UserError(
                    self.env._("An answer belongs to the session it was given for: answer on the other session instead.")
                )
        if "acknowledged" in vals:
            vals["acknowledged_by_id"] = self.env.uid if vals["acknowledged"] else False
        if vals.get("answer") and "acknowledged" not in vals:
            # A changed answer must be acknowledged again.
            vals.update(acknowledged=False, acknowledged_by_id=False)
        return super().write(vals)

    def _check_audit_fields(self, vals):
        check_workflow_fields(
            self, vals, AUDIT_FIELDS,
            self.env._("Who acknowledged a warning, and the answers offered from the previous session and the chart,"),
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_if_session_open(self):
        check_session_open(self, self.session_id)
