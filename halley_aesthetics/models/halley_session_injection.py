from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_repr

from ..clinic_time import company_tz, format_local

DEPTHS = [("intradermal", "Intradermal"), ("subdermal", "Subdermal"), ("supraperiosteal", "Supraperiosteal")]
DEVICES = [("needle", "Needle"), ("cannula", "Cannula")]
GAUGES = [("30g", "30G"), ("32g", "32G"), ("33g", "33G"), ("34g", "34G"), ("25g", "25G"), ("27g", "27G")]
# Every diagram is drawn in a 200 x 240 viewBox: a point is inside it.
DIAGRAM_WIDTH, DIAGRAM_HEIGHT = 200.0, 240.0
# The most one entry may hold, in its dose unit (mL, units of toxin): a typing mistake above.
MOST_PER_ENTRY = 1000.0
# What an entry of a completed or cancelled session keeps: everything.
CLOSED_STATES = ("done", "cancel")


def _fmt(quantity):
    """A quantity as the clinic reads it: 0.8, 2, 1.25 (no trailing zeros)."""
    return float_repr(quantity, 3).rstrip("0").rstrip(".")


def check_chart_numbers(model, vals, create=False):
    """Refused in words before anything is written (models/base.py refuses the
    wrong types): a quantity above zero and below a typing mistake, a point inside
    the diagram. For a session's chart entries and a protocol's alike."""
    quantity = vals.get("quantity")
    given = create or "quantity" in vals  # a new entry always has one
    if (given and not quantity) or (_number(quantity) and not 0 < quantity <= MOST_PER_ENTRY):
        raise ValidationError(
            model.env._(
                "An injection's quantity is more than zero and at most %(most)s (not %(value)s).",
                most=_fmt(MOST_PER_ENTRY),
                value=quantity or 0,
            )
        )
    for name, bound in (("x", DIAGRAM_WIDTH), ("y", DIAGRAM_HEIGHT)):
        value = vals.get(name)
        if _number(value) and not 0 <= value <= bound:
            raise ValidationError(
                model.env._(
                    "The point charted is outside the diagram: %(axis)s is between 0 and %(bound)s "
                    "(not %(value)s).",
                    axis=name,
                    bound=int(bound),
                    value=value,
                )
            )


def _number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


class HalleySessionInjection(models.Model):
    """One entry of a session's injection chart: where (the zone, and the point she
    tapped or the whole zone painted), what (a charted product of the session's
    protocol and its lot), how much (in the product's dose unit) and how (depth,
    needle or cannula and gauge). The chart is the session's consumption of its
    charted products: Done consumes its totals per product and lot. Clinicians
    only; kept as charted once the session is done or cancelled."""

    _name = "halley.session.injection"
    _description = "Injection chart entry"
    _order = "session_id, sequence, id"
    _check_company_auto = True

    session_id = fields.Many2one("halley.treatment.session", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="session_id.company_id", store=True, index=True)
    patient_id = fields.Many2one(related="session_id.patient_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    zone_id = fields.Many2one("halley.chart.zone", required=True, ondelete="restrict", check_company=True)
    diagram = fields.Selection(related="zone_id.diagram", store=True)
    x = fields.Float(help="Where she tapped, in the diagram's coordinates (0 when a whole zone was painted).")
    y = fields.Float(help="Where she tapped, in the diagram's coordinates (0 when a whole zone was painted).")
    painted = fields.Boolean(help="The whole zone was treated, not one point.")
    product_id = fields.Many2one("product.product", required=True, ondelete="restrict", check_company=True)
    lot_id = fields.Many2one(
        "stock.lot",
        ondelete="restrict",
        check_company=True,
        help="Empty: the room's lot of the product that expires first and can supply it.",
    )
    quantity = fields.Float(digits="Product Unit of Measure", default=0.0)
    dose_uom_id = fields.Many2one(related="product_id.halley_dose_uom_id", string="Dose unit")
    depth = fields.Selection(DEPTHS)
    device = fields.Selection(DEVICES, string="Needle or cannula")
    gauge = fields.Selection(GAUGES)
    note = fields.Char()

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "An injection's quantity must be more than zero."),
    ]

    @api.depends("zone_id", "product_id", "quantity", "dose_uom_id")
    def _compute_display_name(self):
        for entry in self:
            entry.display_name = self.env._(
                "%(zone)s, %(quantity)s %(uom)s of %(product)s",
                zone=entry.zone_id.name or "",
                quantity=_fmt(entry.quantity),
                uom=entry.dose_uom_id.name or "",
                product=entry.product_id.with_context(display_default_code=False).display_name or "",
            )

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = list(vals_list)
        Session = self.env["halley.treatment.session"]
        # The types and links first (models/base.py): what follows reads them.
        self._halley_check_values(vals_list)
        for vals in vals_list:
            check_chart_numbers(self, vals, create=True)
        sessions = Session.browse({vals["session_id"] for vals in vals_list if vals.get("session_id")})
        if not self.env.su:
            # Who may not change the session hears it before anything else.
            sessions.check_access("write")
        self._halley_check_open(sessions)
        self._halley_default_lots(vals_list)
        entries = super().create(vals_list)
        entries._halley_check_entries()
        entries.session_id._halley_apply_chart()
        return entries

    def write(self, vals):
        self._halley_check_values([vals])
        check_chart_numbers(self, vals)
        if "session_id" in vals and any(entry.session_id.id != vals["session_id"] for entry in self):
            raise UserError(
                self.env._("An injection stays in the chart of the session it was given in: chart it there.")
            )
        self._halley_check_open(self.session_id)
        if "product_id" in vals and "lot_id" not in vals and any(
            entry.product_id.id != vals["product_id"] for entry in self
        ):
            # Another product: its own lot, the room's first to expire.
            vals = dict(vals, lot_id=False)
        if "lot_id" in vals and not vals["lot_id"]:
            res = True
            for entry in self:
                entry_vals = dict(
                    vals,
                    session_id=entry.session_id.id,
                    product_id=vals.get("product_id", entry.product_id.id),
                    quantity=vals.get("quantity", entry.quantity),
                )
                self._halley_default_lots([entry_vals], exclude=entry)
                entry_vals.pop("session_id")
                res = super(HalleySessionInjection, entry).write(entry_vals) and res
        else:
            res = super().write(vals)
        self._halley_check_entries()
        self.session_id._halley_apply_chart()
        return res

    def unlink(self):
        sessions = self.session_id
        self._halley_check_open(sessions)
        res = super().unlink()
        sessions.exists()._halley_apply_chart()
        return res

    # ------------------------------------------------------------------ checks

    @api.model
    def _halley_check_open(self, sessions):
        """A completed or cancelled session's chart is kept as it was charted: an
        addendum corrects it (the workflow itself, as superuser, is not refused)."""
        if self.env.su:
            return
        closed = sessions.sudo().filtered(lambda s: s.state in CLOSED_STATES)[:1]
        if closed:
            raise UserError(
                self.env._(
                    "The session %(session)s is %(state)s: its injection chart is kept as it was "
                    "charted. Add an addendum to the session to correct it.",
                    session=closed.with_env(self.env).display_name,
                    state=closed._state_label(),
                )
            )

    def _halley_check_entries(self):
        """Each entry makes sense for its session: a charted component of its
        protocol, the product's own lot (required for a lot-tracked product, not
        expired), and, while the session is open, lots its room can supply for the
        whole chart (``_halley_check_room_supply``)."""
        now = fields.Datetime.now()
        for entry in self.sudo():
            session = entry.session_id
            product = entry.product_id
            components = session._halley_chart_components()
            if product not in components:
                raise ValidationError(
                    self.env._(
                        "%(product)s is not charted in %(protocol)s: chart %(products)s.",
                        product=product.with_context(display_default_code=False).display_name,
                        protocol=session.protocol_id.clinic_name or session.protocol_id.display_name,
                        products=", ".join(components.with_context(display_default_code=False).mapped("display_name"))
                        or self.env._("none of its components is charted"),
                    )
                )
            lot = entry.lot_id
            if lot and lot.product_id != product:
                raise ValidationError(
                    self.env._(
                        "Lot %(lot)s is a lot of %(other)s, not of %(product)s: choose a lot of %(product)s.",
                        lot=lot.name,
                        other=lot.product_id.with_context(display_default_code=False).display_name,
                        product=product.with_context(display_default_code=False).display_name,
                    )
                )
            if session.state in CLOSED_STATES:
                continue
            if product.tracking != "none" and not lot:
                raise ValidationError(
                    self.env._(
                        "No lot of %(product)s in %(room)s can supply %(quantity)s %(uom)s: bring a vial "
                        "to the room, or chart a lot.",
                        product=product.with_context(display_default_code=False).display_name,
                        room=session.room_id.name,
                        quantity=_fmt(entry.quantity),
                        uom=entry.dose_uom_id.name,
                    )
                )
            if lot.expiration_date and lot.expiration_date <= now:
                # The same refusal as Done's (stock_picking.py).
                raise ValidationError(
                    self.env._(
                        "Lot %(lot)s of %(product)s expired on %(date)s: it cannot be used in %(session)s.",
                        lot=lot.name,
                        product=product.display_name,
                        date=format_local(self.env, lot.expiration_date, company_tz(session.company_id), date_only=True),
                        session=session.with_env(self.env).display_name,
                    )
                )
        self.session_id._halley_check_room_supply()

    # ------------------------------------------------------------------ lots

    @api.model
    def _halley_default_lots(self, vals_list, exclude=None):
        """The lot of each new entry that names none, first expiry first (FEFO):
        the room's lot of the product, not expired, that can still supply the
        entry once the session's other entries (and the ones before it in this
        batch) are counted. None can: the earliest, whose shortage is then said in
        words by the room's check."""
        wanted = [
            vals for vals in vals_list
            if not vals.get("lot_id") and vals.get("session_id") and vals.get("product_id")
            and _number(vals.get("quantity"))
        ]
        if not wanted:
            return
        Session = self.env["halley.treatment.session"].sudo()
        Product = self.env["product.product"].sudo()
        sessions = Session.browse({vals["session_id"] for vals in wanted})
        products = Product.browse({vals["product_id"] for vals in wanted}).filtered(lambda p: p.tracking != "none")
        if not products:
            return
        free = sessions._halley_room_lots(products)  # {(session, product): [(lot, free)]} FEFO
        for session in sessions.filtered(lambda s: s.state in CLOSED_STATES):
            # Charted after the fact (the workflow, demo data): the lots it used.
            used = defaultdict(list)
            for line in session.used_line_ids.filtered(lambda ml: ml.product_id in products and ml.lot_id):
                used[(session.id, line.product_id.id)].append((line.lot_id, 1e9))
            for product in products:
                free[(session.id, product.id)] = used.get((session.id, product.id), [])
        # The dose already charted per (session, product, lot).
        charted = defaultdict(float)
        domain = [("session_id", "in", sessions.ids), ("product_id", "in", products.ids)]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        for session, product, lot, quantity in self.sudo()._read_group(
            domain, ["session_id", "product_id", "lot_id"], ["quantity:sum"]
        ):
            charted[(session.id, product.id, lot.id)] += quantity
        for vals in wanted:
            product = Product.browse(vals["product_id"])
            if product not in products:
                continue
            lots = free.get((vals["session_id"], product.id)) or []
            chosen = None
            for lot, available in lots:
                key = (vals["session_id"], product.id, lot.id)
                needed = product.product_tmpl_id._halley_dose_to_stock(charted[key] + vals["quantity"])
                if float_compare(needed, available, precision_rounding=product.uom_id.rounding) <= 0:
                    chosen = lot
                    break
            chosen = chosen or (lots[0][0] if lots else None)
            if chosen:
                vals["lot_id"] = chosen.id
                charted[(vals["session_id"], product.id, chosen.id)] += vals["quantity"]

    @api.onchange("product_id", "quantity")
    def _onchange_default_lot(self):
        """The form proposes the room's first lot to expire that can supply it."""
        for entry in self:
            if entry.lot_id and entry.lot_id.product_id == entry.product_id:
                continue
            vals = {
                "session_id": entry.session_id._origin.id or entry.session_id.id,
                "product_id": entry.product_id.id,
                "quantity": entry.quantity or 0.0,
            }
            if not (vals["session_id"] and vals["product_id"] and entry.quantity > 0):
                entry.lot_id = False
                continue
            self._halley_default_lots([vals], exclude=entry._origin)
            entry.lot_id = vals.get("lot_id") or False
