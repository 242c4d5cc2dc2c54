from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, float_round

from ..tools import CLINIC_NAMES, CLINICIAN_GROUPS


class MrpBom(models.Model):
    _inherit = "mrp.bom"

    halley_injection_ids = fields.One2many(
        "halley.protocol.injection",
        "bom_id",
        string="Default chart",
        copy=False,  # copied by copy_data, for whoever may create it
        groups=CLINICIAN_GROUPS,
        help="The injection chart a new session of this protocol starts from.",
    )
    is_treatment_protocol = fields.Boolean(
        string="Treatment protocol",
        help="This kit is a treatment protocol: a session of it consumes its "
        "components from the treatment room.",
    )
    modality = fields.Selection(
        [("injectable", "Injectable"), ("laser", "Laser"), ("combined", "Combined")],
        default="injectable",
    )
    procedure_minutes = fields.Integer(
        string="Procedure (min)", default=20, help="Duration of the procedure itself."
    )
    numbing_minutes = fields.Integer(
        string="Numbing (min)",
        default=30,
        help="Time the topical anaesthetic is left on before the procedure.",
    )
    recommended_sessions = fields.Integer(
        string="Recommended sessions",
        default=1,
        help="Number of sessions in a recommended course of this treatment.",
    )
    session_interval_days = fields.Integer(
        string="Interval (days)",
        help="Recommended number of days between two sessions of a course.",
    )
    aftercare_instructions = fields.Html(
        string="Aftercare",
        translate=True,
        help="Instructions given to the patient after a session: printed on the "
        "aftercare sheet attached to the session and emailed to her.",
    )
    consent_text = fields.Html(
        string="Consent",
        translate=True,
        help="What the patient reads and signs before a session: the procedure, its risks "
        "and what to tell the practitioner. Kept on each signed consent as she read it.",
    )
    screening_question_ids = fields.Many2many(
        "halley.screening.question",
        "halley_screening_question_protocol_rel",
        "protocol_id",
        "question_id",
        string="Screening questions",
    )
    patient_label = fields.Char(
        string="Name for patients",
        translate=True,
        help="The treatment's name as patients read it, in each language (in Chinese, "
        "Rejuran Skin Healer is 婴儿针): on their emails, aftercare sheet and invoice "
        "lines. Empty: the clinic name.",
    )
    clinic_name = fields.Char(
        string="Clinic name",
        compute="_compute_clinic_name",
        help="How patients and staff read the protocol (emails, aftercare sheet, invoice "
        "lines, the clinic's screens), in the reader's language: its name for patients, "
        "else its reference, else its treatment's name, without the internal code.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    session_cost = fields.Monetary(
        string="Cost per session",
        compute="_compute_session_cost",
        currency_field="currency_id",
        help="What one session's consumables cost at their current cost price.",
    )
    session_minutes = fields.Integer(
        string="Session (min)",
        compute="_compute_session_minutes",
        help="Numbing plus procedure.",
    )
    # A quantity used far above the protocol's is a typing mistake (1e9 g of cream
    # for 3 g planned), refused when it is entered instead of reserving the room's
    # stock: see stock.move(.line)'s ``_halley_check_used_bounds``.
    max_used_factor = fields.Float(
        string="Most used (x planned)",
        default=10.0,
        digits=(16, 2),
        help="The quantity used of a component in a session may not exceed this multiple of "
        "the quantity the protocol plans for it (10: ten times).",
    )

    _sql_constraints = [
        (
            "treatment_minutes_positive",
            "CHECK(procedure_minutes >= 0 AND numbing_minutes >= 0 "
            "AND recommended_sessions >= 0 AND session_interval_days >= 0)",
            "Durations, session counts and intervals of a protocol cannot be negative.",
        ),
    ]

    def _halley_components_per_session(self):
        """What one session of this protocol consumes, nested kits included:
        ``{product_id: quantity in the product's own unit}``."""
        self.ensure_one()
        _boms, lines = self.explode(
            self.product_id or self.product_tmpl_id.product_variant_id, self.product_qty
        )
        quantities = defaultdict(float)
        for line, data in lines:
            quantities[line.product_id.id] += line.product_uom_id._compute_quantity(
                data["qty"], line.product_id.uom_id, round=False
            )
        return dict(quantities)

    def _halley_components_per_sessions(self):
        """``_halley_components_per_session`` of many protocols at once: ``{bom_id:
        {product_id: quantity}}``. A flat kit (no component is itself a kit, no line
        limited to some variants: a protocol's usual shape) is read from its lines,
        with explode's own arithmetic (line quantity times the BoM's, rounded up in
        the line's unit); the others are exploded by Odoo. Two queries for the lines
        and the nested kits of every component, whatever the number of protocols."""
        lines = self.env["mrp.bom.line"].search_fetch(
            [("bom_id", "in", self.ids)],
            ["bom_id", "product_id", "product_qty", "product_uom_id", "bom_product_template_attribute_value_ids"],
        )
        # The components that are kits themselves (the BoMs Odoo's explode would
        # find for them, any company or operation type: exploding one protocol too
        # many is only slower, never wrong).
        kits = self.env["mrp.bom"].search_fetch(
            self._bom_find_domain(lines.product_id, bom_type="phantom"), ["product_id", "product_tmpl_id"]
        )
        kit_products = set(kits.product_id.ids)
        kit_templates = {kit.product_tmpl_id.id for kit in kits if not kit.product_id}
        by_bom = defaultdict(list)
        for line in lines:
            by_bom[line.bom_id.id].append(line)
        result = {}
        for bom in self:
            lines = by_bom[bom.id]
            if any(
                line.product_id.id in kit_products
                or line.product_id.product_tmpl_id.id in kit_templates
                or line.bom_product_template_attribute_value_ids
                for line in lines
            ):
                result[bom.id] = bom._halley_components_per_session()
                continue
            quantities = defaultdict(float)
            for line in lines:
                quantity = float_round(
                    bom.product_qty * line.product_qty,
                    precision_rounding=line.product_uom_id.rounding,
                    rounding_method="UP",
                )
                quantities[line.product_id.id] += line.product_uom_id._compute_quantity(
                    quantity, line.product_id.uom_id, round=False
                )
            result[bom.id] = dict(quantities)
        return result

    @api.depends("patient_label", "code", "product_id.name", "product_tmpl_id.name")
    @api.depends_context("lang")
    def _compute_clinic_name(self):
        for bom in self:
            bom.clinic_name = (
                (bom.patient_label or "").strip()
                or (bom.code or "").strip()
                or (bom.product_id or bom.product_tmpl_id).name
                or ""
            )

    @api.depends("is_treatment_protocol", "patient_label", "code", "product_id.name", "product_tmpl_id.name")
    @api.depends_context(CLINIC_NAMES)
    def _compute_display_name(self):
        """On the clinic's screens (``halley_clinic_names`` in the context), a
        protocol reads as its clinic name; everywhere else as Odoo names a BoM."""
        protocols = self.browse()
        if self.env.context.get(CLINIC_NAMES):
            protocols = self.filtered("is_treatment_protocol")
        res = super(MrpBom, self - protocols)._compute_display_name()
        for bom in protocols:
            bom.display_name = bom.clinic_name
        return res

    @api.depends("bom_line_ids.product_qty", "bom_line_ids.product_uom_id", "bom_line_ids.product_id", "product_qty")
    @api.depends_context("company")
    def _compute_session_cost(self):
        protocols = self.filtered(lambda bom: bom.id and bom.is_treatment_protocol)
        (self - protocols).session_cost = 0.0
        if not protocols:
            return
        per_session = protocols._halley_components_per_sessions()
        for bom in protocols:
            company = bom.company_id or self.env.company
            products = self.env["product.product"].with_company(company).browse(list(per_session[bom.id]))
            bom.session_cost = sum(
                product.standard_price * per_session[bom.id][product.id] for product in products
            )

    @api.depends("procedure_minutes", "numbing_minutes")
    def _compute_session_minutes(self):
        for bom in self:
            bom.session_minutes = bom.procedure_minutes + bom.numbing_minutes

    def copy_data(self, default=None):
        """A copied protocol keeps its default chart, when its copier may write
        one (a clinic manager); Odoo's other users copy the kit as before."""
        vals_list = super().copy_data(default=default)
        Entry = self.env["halley.protocol.injection"]
        if (default or {}).get("halley_injection_ids") is None and Entry.has_access("create"):
            for bom, vals in zip(self, vals_list, strict=True):
                vals["halley_injection_ids"] = [
                    Command.create(data) for data in bom.halley_injection_ids.copy_data()
                ]
        return vals_list

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._halley_check_factor_value(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._halley_check_factor_value(vals)
        return super().write(vals)

    @api.model
    def _halley_check_factor_value(self, vals):
        """NaN, infinity or a number too large to round to the field's digits
        (1e308: an OverflowError in Odoo's rounding) would fail with a traceback:
        a number out of the bounds is refused first, in words (text and other types
        are refused by models/base.py)."""
        factor = vals.get("max_used_factor")
        if isinstance(factor, int | float) and not isinstance(factor, bool) and not 1 <= factor <= 1000:
            raise ValidationError(
                self.env._(
                    "The most used of a component is between 1 and 1000 times what the protocol "
                    "plans (not %(factor)s).",
                    factor=factor,
                )
            )

    @api.constrains("max_used_factor", "numbing_minutes", "procedure_minutes")
    def _check_session_bounds(self):
        """A protocol's session fits the session's bounds (see
        halley_treatment_session_bounds.py: at most a working day), and its most
        used is at least what it plans."""
        for bom in self:
            factor = bom.max_used_factor
            if not 1 <= factor <= 1000:  # NaN fails both
                raise ValidationError(
                    self.env._(
                        "The most used of a component in %(protocol)s is between 1 and 1000 times "
                        "what the protocol plans (not %(factor)s).",
                        protocol=bom.display_name,
                        factor=factor,
                    )
                )
            if bom.numbing_minutes + bom.procedure_minutes > 12 * 60:
                raise ValidationError(
                    self.env._(
                        "A session of %(protocol)s would last %(minutes)s minutes: a session lasts "
                        "at most 12 hours.",
                        protocol=bom.display_name,
                        minutes=bom.numbing_minutes + bom.procedure_minutes,
                    )
                )

    @api.constrains("is_treatment_protocol", "type", "bom_line_ids")
    def _check_treatment_protocol(self):
        for bom in self.filtered("is_treatment_protocol"):
            if bom.type != "phantom":
                raise ValidationError(
                    self.env._(
                        "The protocol %(protocol)s must be a kit: a session consumes "
                        "its components, it does not manufacture anything.",
                        protocol=bom.display_name,
                    )
                )
            for line in bom.bom_line_ids:
                if float_compare(
                    line.product_qty, 0.0, precision_rounding=line.product_uom_id.rounding
                ) <= 0:
                    raise ValidationError(
                        self.env._(
                            "The protocol %(protocol)s uses %(product)s with a quantity "
                            "of %(qty)s: a component's quantity must be positive.",
                            protocol=bom.display_name,
                            product=line.product_id.display_name,
                            qty=line.product_qty,
                        )
                    )

