from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import CLINICIAN_GROUPS, bullets


class HalleyTreatmentSession(models.Model):
    """Her coded allergies checked against what the session will use: a component
    that contains an allergen she is allergic to is a hard stop at Start, unless
    the practitioner replaces it in the session's consumption and gives the
    reason (a difference from the protocol, recorded with the others)."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    allergen_conflict_summary = fields.Text(
        string="Allergy conflicts",
        compute="_compute_allergen_conflict_summary",
        groups=CLINICIAN_GROUPS,
        help="The products of this session that contain something she is allergic to.",
    )

    def _open_consumption(self):
        """The session's consumption moves not done nor cancelled."""
        self.ensure_one()
        return self.sudo().move_ids.filtered(lambda m: m.state not in ("done", "cancel"))

    def _session_products(self):
        """What the session will use: its consumption once booked, else its
        protocol's components."""
        self.ensure_one()
        session = self.sudo()
        moves = session.move_ids.filtered(lambda m: m.state != "cancel")
        if moves:
            return moves.product_id
        return session.protocol_id.bom_line_ids.product_id

    def _allergen_conflicts(self):
        """(allergen, product) pairs: what the session will use that she is
        allergic to, per her chart in the session's clinic."""
        self.ensure_one()
        allergens = self.sudo().patient_chart_id.allergen_ids
        if not allergens:
            return []
        return [
            (allergen, product)
            for product in self._session_products()
            for allergen in product.halley_allergen_ids & allergens
        ]

    def _allergen_conflict_lines(self):
        self.ensure_one()
        return [
            self.env._(
                "%(patient)s is allergic to %(allergen)s: %(product)s contains it.",
                patient=self.patient_id.display_name,
                allergen=allergen.name,
                product=product.display_name,
            )
            for allergen, product in self._allergen_conflicts()
        ]

    @api.depends("patient_id", "company_id", "protocol_id", "move_ids.product_id", "move_ids.state")
    def _compute_allergen_conflict_summary(self):
        for session in self:
            session.allergen_conflict_summary = "\n".join(session._allergen_conflict_lines()) or False

    def _halley_start_refusals(self):
        refusals = []
        for session in self:
            lines = session._allergen_conflict_lines()
            if lines:
                refusals.append(
                    self.env._(
                        "%(session)s cannot start: her chart says she is allergic to what it would use.\n"
                        "%(lines)s\nReplace the component in the session's consumption (Replace a component) "
                        "and give the reason, or do not treat.",
                        session=session.name,
                        lines=bullets(lines),
                    )
                )
        return refusals + super()._halley_start_refusals()

    # ------------------------------------------------------------------ replaced components

    @api.depends(
        "move_ids.quantity", "move_ids.protocol_quantity", "move_ids.state", "move_ids.product_id", "state"
    )
    def _compute_has_deviation(self):
        """A component replaced in the session (another product than the
        protocol's) is a difference from the protocol too."""
        res = super()._compute_has_deviation()
        for session in self:
            if session.state not in ("in_progress", "done"):
                continue
            replaced = [
                self.env._(
                    "%(original)s replaced by %(replacement)s",
                    original=move.bom_line_id.product_id.display_name,
                    replacement=move.product_id.display_name,
                )
                for move in session.sudo().move_ids
                if move.state != "cancel" and move.bom_line_id and move.product_id != move.bom_line_id.product_id
            ]
            if replaced:
                session.has_deviation = True
                session.deviation_summary = "\n".join(filter(None, [session.deviation_summary, *replaced]))
        return res

    def action_replace_component(self):
        """Open the form that replaces a component of the session's consumption."""
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Replace a component"),
            "res_model": "halley.component.replacement",
            "view_mode": "form",
            "target": "new",
            "context": {"default_session_id": self.id},
        }

    def _replace_component(self, move, product, reason):
        """Use ``product`` instead of ``move``'s component in this session (booked,
        not started), for ``reason``: the move keeps its protocol line and planned
        quantity, so the replacement shows as a difference from the protocol, and
        the reason is recorded with the session's reasons for its differences."""
        self.ensure_one()
        self.check_access("write")
        session = self.sudo()
        reason = (reason or "").strip() if isinstance(reason, str) else ""
        if session.state != "confirmed":
            raise UserError(
                self.env._(
                    "Components of %(session)s are replaced once it is booked and before it starts.",
                    session=session.name,
                )
            )
        move = move.sudo()
        if len(move) != 1 or move.treatment_session_id != session or move.state in ("done", "cancel"):
            raise UserError(
                self.env._("Choose a component of %(session)s's consumption to replace.", session=session.name)
            )
        if len(product) != 1 or not product.exists() or product == move.product_id:
            raise UserError(self.env._("Choose the product that replaces %(product)s.", product=move.product_id.display_name))
        if product.uom_id.category_id != move.product_uom.category_id:
            raise UserError(
                self.env._(
                    "%(replacement)s is counted in %(unit)s, %(product)s in %(other)s: choose a product "
                    "counted like the component it replaces.",
                    replacement=product.display_name,
                    unit=product.uom_id.name,
                    product=move.product_id.display_name,
                    other=move.product_uom.name,
                )
            )
        if product.company_id and product.company_id != session.company_id:
            raise UserError(self.env._("Choose a product of the session's clinic."))
        if not reason:
            raise UserError(
                self.env._(
                    "Give the reason for replacing %(product)s in %(session)s.",
                    product=move.product_id.display_name,
                    session=session.name,
                )
            )
        conflicts = product.halley_allergen_ids & session.patient_chart_id.allergen_ids
        if conflicts:
            raise UserError(
                self.env._(
                    "%(patient)s is allergic to %(allergens)s: %(product)s contains it too.",
                    patient=session.patient_id.display_name,
                    allergens=", ".join(conflicts.mapped("name")),
                    product=product.display_name,
                )
            )
        original = move.product_id
        if move.move_line_ids:  # reserved at booking: the lots of the replaced product go back
            move._do_unreserve()
        move.write({"product_id": product.id})
        line = self.env._(
            "%(original)s replaced by %(replacement)s: %(reason)s",
            original=original.display_name,
            replacement=product.display_name,
            reason=reason,
        )
        session.deviation_reason = "\n".join(filter(None, [session.deviation_reason, line]))
        return True
