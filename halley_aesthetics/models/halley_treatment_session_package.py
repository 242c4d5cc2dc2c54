from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero, format_date

from ..clinic_time import localize


class HalleyTreatmentSession(models.Model):
    """A session paid from the patient's prepaid package: proposed at booking,
    redeemed at Done (one session and its share of the price), given back on
    cancel; a session of a course proposes the next one."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    package_id = fields.Many2one(
        "halley.patient.package",
        compute="_compute_package_id",
        store=True,
        readonly=False,
        precompute=True,
        copy=False,
        tracking=True,
        index="btree_not_null",
        check_company=True,
        domain="[('patient_id', '=', patient_id), ('state', '=', 'active'), "
        "('line_ids.protocol_id', '=', protocol_id)]",
        help="The patient's prepaid package this session is redeemed from when "
        "completed. Proposed: her oldest valid package covering the protocol.",
    )

    package_redeemed = fields.Boolean(
        string="Redeemed from package", copy=False, readonly=True
    )

    package_sequence = fields.Integer(string="Package session", copy=False, readonly=True)

    package_progress = fields.Char(string="Package session no.", compute="_compute_package_progress")

    package_move_id = fields.Many2one(
        "account.move",
        string="Revenue entry",
        copy=False,
        readonly=True,
        groups="account.group_account_invoice,account.group_account_readonly",
    )

    interval_override_reason = fields.Text(
        string="Interval override",
        copy=False,
        tracking=True,
        groups="halley_aesthetics.group_manager",
        help="Why this session may come sooner than the package's minimum interval "
        "(clinic managers only).",
    )

    previous_session_id = fields.Many2one(
        "halley.treatment.session", string="Previous session of the course", copy=False, readonly=True
    )

    followup_session_id = fields.Many2one(
        "halley.treatment.session", string="Next session", copy=False, readonly=True
    )

    @api.depends("patient_id", "protocol_id", "scheduled_start")
    def _compute_package_id(self):
        for session in self:
            if session.package_redeemed or session.state in ("done", "cancel"):
                continue
            package = session.package_id
            if (
                package
                and package.patient_id == session.patient_id
                and package._line_for(session.protocol_id)
            ):
                continue
            session.package_id = session._find_package()

    def _find_package(self):
        """The patient's oldest valid package with a session of this protocol left."""
        self.ensure_one()
        if not (self.patient_id and self.protocol_id):
            return self.env["halley.patient.package"]
        date = (self.scheduled_start or fields.Datetime.now()).date()
        return self.env["halley.patient.package"].sudo().search(
            [
                ("company_id", "=", (self.company_id or self.env.company).id),
                ("patient_id", "=", self.patient_id.id),
                ("state", "=", "active"),
                ("date_valid_until", ">=", date),
                ("line_ids", "any", [
                    ("protocol_id", "=", self.protocol_id.id),
                    ("sessions_remaining", ">", 0),
                ]),
            ],
            order="date_purchase, id",
            limit=1,
        ).with_env(self.env)

    @api.depends("package_id", "package_sequence", "package_redeemed")
    def _compute_package_progress(self):
        for session in self:
            package = session.package_id
            if not package:
                session.package_progress = False
            elif session.package_redeemed:
                session.package_progress = self.env._(
                    "Session %(n)s of %(total)s", n=session.package_sequence, total=package.sessions_total
                )
            else:
                session.package_progress = self.env._(
                    "Session %(n)s of %(total)s (when done)",
                    n=package.sessions_used + 1,
                    total=package.sessions_total,
                )

    def _propose_followups(self):
        """A session of a course proposes the next one: a draft session for the same
        patient, protocol and package, at the protocol's interval (created together
        for the sessions completed together)."""
        proposals = []
        for session in self.filtered(lambda s: s.package_id and not s.followup_session_id):
            package = session.package_id.sudo()
            line = package._line_for(session.protocol_id)
            if not (line and line.sessions_remaining > 0 and package.state == "active"):
                continue
            days = session.protocol_id.session_interval_days or package.min_interval_days
            if not days:
                continue
            proposals.append((session, {
                "patient_id": session.patient_id.id,
                "protocol_id": session.protocol_id.id,
                "room_id": session.room_id.id,
                "practitioner_id": session.practitioner_id.id,
                "company_id": session.company_id.id,
                "scheduled_start": session.scheduled_start + timedelta(days=days),
                "package_id": package.id,
                "previous_session_id": session.id,
            }))
        if not proposals:
            return
        followups = self.sudo().create([vals for _session, vals in proposals]).with_env(self.env)
        for (session, _vals), followup in zip(proposals, followups, strict=True):
            session._workflow_write({"followup_session_id": followup.id})
            session._message_log(
                body=self.env._(
                    "Next session of the course proposed: %(session)s on %(date)s.",
                    session=Markup(followup._get_html_link()),
                    date=followup._halley_when(tz=followup._halley_clinic_tz(), date_only=True),
                )
            )

    def _check_package_redemption(self):
        """Refuse, in billing's and the practitioner's words, a redemption the
        package does not allow."""
        for session in self:
            package = session.package_id.sudo()
            # Staff read the course and the day it was bought, not its reference.
            name = self.env._(
                "%(course)s bought on %(date)s",
                course=package.product_id.name,
                date=format_date(self.env, package.date_purchase),
            )
            if package.patient_id != session.patient_id:
                raise UserError(
                    self.env._(
                        "The package %(package)s belongs to %(owner)s, not to %(patient)s.",
                        package=name,
                        owner=package.patient_id.display_name,
                        patient=session.patient_id.display_name,
                    )
                )
            line = package._line_for(session.protocol_id)
            if not line:
                raise UserError(
                    self.env._(
                        "The package %(package)s does not include %(protocol)s sessions.",
                        package=name,
                        protocol=session.protocol_id.clinic_name,
                    )
                )
            if package.refund_line_id:
                raise UserError(
                    self.env._(
                        "The package %(package)s was refunded by %(refund)s: its remaining "
                        "sessions were cancelled.",
                        package=name,
                        refund=package.refund_line_id.move_id.name,
                    )
                )
            # The session's day at the clinic, whoever books it.
            date = localize(session.scheduled_start, session._halley_clinic_tz()).date()
            if date > package.date_valid_until:
                raise UserError(
                    self.env._(
                        "The package %(package)s expired on %(date)s: it cannot pay for "
                        "a session on %(session_date)s.",
                        package=name,
                        date=format_date(self.env, package.date_valid_until),
                        session_date=format_date(self.env, date),
                    )
                )
            if line.sessions_remaining <= 0:
                raise UserError(
                    self.env._(
                        "The package %(package)s has no %(protocol)s session left: "
                        "%(used)s of %(bought)s used%(refunded)s.",
                        package=name,
                        protocol=session.protocol_id.clinic_name,
                        used=line.sessions_used,
                        bought=line.sessions_bought,
                        refunded=self.env._(", %(n)s refunded", n=line.sessions_refunded)
                        if line.sessions_refunded
                        else "",
                    )
                )
            if not package.min_interval_days:
                continue
            previous = package.session_ids.filtered(
                lambda s: s.package_redeemed and s != session
            ).sorted("scheduled_start")
            if previous:
                last = previous[-1]
                days = abs((session.scheduled_start - last.scheduled_start).days)
                if days < package.min_interval_days and not (
                    session.sudo().interval_override_reason or ""
                ).strip():
                    raise UserError(
                        self.env._(
                            "Only %(days)s days since the last session of the package "
                            "%(package)s (on %(date)s): it requires at least "
                            "%(min)s days between sessions. A clinic manager may override "
                            "this with a reason on the session.",
                            days=days,
                            package=name,
                            date=last._halley_when(tz=last._halley_clinic_tz(), date_only=True),
                            min=package.min_interval_days,
                        )
                    )

    def _redeem_packages(self):
        """Take one session from each session's package and earn its share of the
        price. Runs under the row lock Done took on the packages; each
        session is checked against the balance its predecessors in the batch left.
        The revenue entries of the batch are created and posted together."""
        today = fields.Date.context_today(self)
        pending = defaultdict(float)  # revenue earned in this batch, not posted yet
        entries, accounts = [], {}
        for session in self:
            session._check_package_redemption()
            package = session.package_id.sudo()
            share = package._next_share(earned=pending[package.id])
            # The line's "used" counts the redeemed sessions (a computed field).
            session._workflow_write({"package_redeemed": True})
            session._workflow_write({"package_sequence": package.sessions_used})
            if not float_is_zero(share, precision_rounding=package.currency_id.rounding):
                pending[package.id] += share
                ref = self.env._(
                    "%(session)s: session %(n)s of %(total)s of %(package)s",
                    session=session.name,
                    n=session.package_sequence,
                    total=package.sessions_total,
                    package=package.name,
                )
                entries.append((session, package._prepare_revenue_entry(share, today, ref, session=session, accounts=accounts)))
        if entries:
            moves = self.env["account.move"].sudo().create([vals for _session, vals in entries])
            moves._post(soft=False)
            for (session, _vals), move in zip(entries, moves, strict=True):
                session._workflow_write({"package_move_id": move})  # a record: known to exist
        packages = self.package_id.sudo()
        packages._update_state()
        # The package's history: a note per redemption, logged together.
        notes = defaultdict(list)
        for session in self:
            notes[session.package_id.id].append(
                self.env._(
                    "Session %(n)s of %(total)s redeemed by %(session)s.",
                    n=session.package_sequence,
                    total=session.package_id.sudo().sessions_total,
                    session=session._get_html_link(),
                )
            )
        packages._message_log_batch(bodies={pid: Markup("<br/>").join(lines) for pid, lines in notes.items()})

    def _unredeem_package(self):
        """Give the session back to its package and reverse the revenue it earned."""
        self.ensure_one()
        package = self.package_id.sudo()
        package._lock()
        if package.refund_line_id:
            raise UserError(
                self.env._(
                    "The package %(package)s of %(session)s was refunded since: the "
                    "session cannot be given back to it.",
                    package=package.name,
                    session=self.name,
                )
            )
        entry = self.sudo().package_move_id
        if entry:
            reversal = entry._reverse_moves(
                [{"date": fields.Date.context_today(self), "ref": self.env._(
                    "Reversal of %(entry)s: %(session)s cancelled", entry=entry.name, session=self.name
                )}],
                cancel=True,
            )
            if reversal.state == "draft":
                reversal._post(soft=False)
        self._workflow_write({"package_redeemed": False, "package_sequence": 0, "package_move_id": False})
        package._update_state()
        package.message_post(
            body=self.env._(
                "%(session)s cancelled: its session is back in the package.",
                session=self._get_html_link(),
            )
        )

    # ------------------------------------------------------------------ workflow

    def _halley_workflow_fields(self):
        return super()._halley_workflow_fields() | {
            "package_redeemed", "package_sequence", "package_move_id",
            "previous_session_id", "followup_session_id",
        }

    def write(self, vals):
        if "package_id" in vals and any(s.package_redeemed for s in self):
            raise UserError(
                self.env._(
                    "This session was already redeemed from its package: cancel it to "
                    "give the session back first."
                )
            )
        return super().write(vals)

    def _lock_for_done(self, *many2one_names):
        # The packages with the sessions, before any stock: a concurrent redemption
        # fails here and is replayed against the new balance.
        locked = super()._lock_for_done("package_id", *many2one_names)
        self.env["halley.patient.package.line"].invalidate_model()  # their balances
        return locked[1:]

    def _action_done(self):
        self.filtered("package_id")._check_package_redemption()
        res = super()._action_done()
        self.filtered("package_id")._redeem_packages()
        self._propose_followups()
        return res

    def action_cancel(self):
        for session in self.filtered(lambda s: s.state == "done" and s.package_redeemed):
            session._unredeem_package()
        return super().action_cancel()
