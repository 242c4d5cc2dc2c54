from bisect import bisect_right
from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

FORECAST_CACHE = "halley_forecast_cache"


class StockWarehouseOrderpoint(models.Model):
    """Odoo's reordering rules, made aware of the clinic.

    Odoo's forecast already holds the sessions booked (a confirmed session's
    consumption transfer is a move out of its room on the session's date). On top
    of it, ``_quantity_in_progress`` (the hook Odoo adds to the forecast both when
    showing it and when ordering) takes off:

    - expired stock: a lot past its expiry date is on hand but cannot be used;
    - when the company asks for it, the expected consumption of the sessions
      patients have prepaid but not booked yet (package demand), spread evenly
      over each package's remaining validity.
    """

    _inherit = "stock.warehouse.orderpoint"

    halley_booked_demand = fields.Float(
        string="Booked sessions",
        compute="_compute_halley_quantities",
        digits="Product Unit of Measure",
        help="Consumption of the booked (confirmed or started) sessions up to the "
        "forecast date.",
    )
    halley_package_demand = fields.Float(
        string="Package demand",
        compute="_compute_halley_quantities",
        digits="Product Unit of Measure",
        help="Expected consumption, up to the forecast date, of prepaid package "
        "sessions not booked yet; computed, and driving reordering, only when the "
        "company's setting Reorder for prepaid packages is on.",
    )
    halley_expired_qty = fields.Float(
        string="Expired",
        compute="_compute_halley_quantities",
        digits="Product Unit of Measure",
        help="On hand but past its expiry date: not counted as available.",
    )
    halley_incoming_qty = fields.Float(
        string="Incoming",
        compute="_compute_halley_quantities",
        digits="Product Unit of Measure",
        help="Receptions and transfers in up to the forecast date, plus quotations "
        "already requested.",
    )

    halley_vendor_id = fields.Many2one(
        "res.partner",
        string="Supplied by",
        compute="_compute_halley_vendor_id",
        help="Who the rule buys from: its supplier line's vendor, else the product's first "
        "vendor for the rule's company.",
    )

    @api.depends("supplier_id", "product_id.seller_ids", "company_id")
    def _compute_halley_vendor_id(self):
        for orderpoint in self:
            sellers = orderpoint.supplier_id or orderpoint.product_id.seller_ids.filtered(
                lambda seller: seller.company_id in (orderpoint.company_id, self.env["res.company"])
            )
            orderpoint.halley_vendor_id = sellers[:1].partner_id

    @api.constrains("product_id")
    def _check_not_a_treatment_kit(self):
        for orderpoint in self:
            product = orderpoint.product_id
            kit = self.env["mrp.bom"].sudo()._bom_find(product, bom_type="phantom").get(product)
            if product.clinic_role == "treatment" or kit:
                raise ValidationError(
                    self.env._(
                        "%(product)s is a treatment kit: it is never stocked. Set reordering "
                        "rules on the consumables of its protocol instead.",
                        product=product.display_name,
                    )
                )

    # ------------------------------------------------------------------ horizon

    def _halley_horizon(self):
        self.ensure_one()
        return datetime.combine(self.lead_days_date + timedelta(days=int(self.visibility_days or 0)), time.max)

    # ------------------------------------------------------------------ one computation per run
    #
    # Odoo asks for ``_quantity_in_progress`` once per group of rules sharing a
    # forecast date, again for the quantity to order, and again per rule when it
    # orders: the clinic's figures (expired stock, package demand) are computed
    # once per scheduler run, Replenishment opening or list read, for every rule at
    # once, and each rule then only looks up its own. The entry points put an
    # empty cache in the context (FORECAST_CACHE); without one (a direct call),
    # each call computes them afresh, in the same few queries.

    def _halley_with_forecast_cache(self, reading=False):
        """``reading``: a read of the list (nothing is ordered meanwhile), where
        Odoo's own quantity in progress is also read once per rule (see
        ``_quantity_in_progress``)."""
        if self.env.context.get(FORECAST_CACHE) is not None:
            return self
        return self.with_context(**{FORECAST_CACHE: {"reading": True} if reading else {}})

    def _halley_forecast_data(self, key, compute):
        cache = self.env.context.get(FORECAST_CACHE)
        if cache is None:
            return compute()
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    def _procure_orderpoint_confirm(self, use_new_cursor=False, company_id=None, raise_user_error=True):
        return super(StockWarehouseOrderpoint, self._halley_with_forecast_cache())._procure_orderpoint_confirm(
            use_new_cursor=use_new_cursor, company_id=company_id, raise_user_error=raise_user_error
        )

    def _get_orderpoint_action(self):
        action = super(StockWarehouseOrderpoint, self._halley_with_forecast_cache())._get_orderpoint_action()
        if isinstance(action, dict) and FORECAST_CACHE in (action.get("context") or {}):
            action["context"] = {k: v for k, v in action["context"].items() if k != FORECAST_CACHE}
        return action

    @api.model
    @api.readonly
    def web_search_read(self, *args, **kwargs):
        return super(StockWarehouseOrderpoint, self._halley_with_forecast_cache(reading=True)).web_search_read(
            *args, **kwargs
        )

    @api.readonly
    def web_read(self, *args, **kwargs):
        return super(StockWarehouseOrderpoint, self._halley_with_forecast_cache(reading=True)).web_read(
            *args, **kwargs
        )

    # ------------------------------------------------------------------ forecast

    def _quantity_in_progress(self):
        # Odoo's own quantity in progress (quotations, manufacturing orders), as a new
        # dict. While the list is read (nothing is ordered meanwhile), once per rule:
        # Odoo's forecast columns and the clinic's Incoming column both need it.
        cache = self.env.context.get(FORECAST_CACHE)
        known = cache.setdefault("odoo_in_progress", {}) if cache and cache.get("reading") else None
        if known is not None and self.ids and all(id_ in known for id_ in self.ids):
            res = {id_: known[id_] for id_ in self.ids}
        else:
            res = dict(super()._quantity_in_progress())
            if known is not None:
                known.update(res)
        if self.env.context.get("halley_odoo_in_progress"):
            return res  # Odoo's own figure: quotations and other supply in progress
        # Clinic consumables only: every other product's rules keep Odoo's forecast.
        clinic = self._halley_clinic_orderpoints()
        if not clinic:
            return res
        expired = clinic._halley_expired_quantities()
        packages = clinic._halley_package_demands()
        for orderpoint in clinic:
            res[orderpoint.id] -= expired.get(orderpoint.id, 0.0)
            res[orderpoint.id] -= packages.get(orderpoint.id, 0.0)
        return res

    def _halley_clinic_orderpoints(self):
        """The rules of clinic consumables, the only ones the clinic's forecast
        (expired lots, package demand) applies to."""
        return self.filtered(
            lambda o: o.product_id.product_tmpl_id.clinic_role == "consumable" and o.location_id
        )

    def _halley_expired_stock(self):
        """On-hand quantity of expired lots of clinic consumables, per product and
        internal location: ``{product_id: [(location parent_path, quantity)]}``,
        in the product's unit. One query for every rule."""
        stock = defaultdict(list)
        groups = self.env["stock.quant"].sudo()._read_group(
            [
                ("product_id.product_tmpl_id.clinic_role", "=", "consumable"),
                ("location_id.usage", "=", "internal"),
                ("lot_id.expiration_date", "<=", fields.Datetime.now()),
            ],
            ["product_id", "location_id"],
            ["quantity:sum"],
        )
        for product, location, quantity in groups:
            stock[product.id].append((location.parent_path, quantity))
        return stock

    def _halley_expired_quantities(self):
        """On-hand quantity of expired lots under each orderpoint's location."""
        orderpoints = self.filtered(lambda o: o.product_id and o.location_id)
        if not orderpoints:
            return {}
        stock = self._halley_forecast_data("expired", self._halley_expired_stock)
        result = {}
        for orderpoint in orderpoints:
            rows = stock.get(orderpoint.product_id.id)
            if not rows:
                continue
            prefix = orderpoint.location_id.parent_path
            quantity = sum(qty for path, qty in rows if path.startswith(prefix))
            result[orderpoint.id] = orderpoint._halley_in_rule_uom(quantity)
        return result

    def _halley_package_curves(self, companies):
        """What prepaid, unbooked package sessions will consume, per company and
        clinic consumable, as a function of the forecast horizon:
        ``{(company_id, product_id): (spans, prefix, suffix)}``.

        Each active package's sessions left (less those booked already: their
        moves are in Odoo's forecast) are spread evenly over the days left of its
        validity, ``span``; up to a horizon of ``h`` days they consume
        ``quantity * min(h / span, 1)``. Grouped by span and sorted, a rule's demand
        is then ``prefix[i] + h * suffix[i]`` where ``i`` counts the spans within the
        horizon (see ``_halley_package_demands``). A few queries (packages, the
        protocols' lines, their nested kits), whatever the number of packages,
        protocols and rules. ``companies``: those whose setting is on."""
        today = fields.Date.context_today(self)
        for model in ("halley.patient.package", "halley.patient.package.line", "halley.treatment.session"):
            self.env[model].flush_model()
        self.env.cr.execute(
            """
            SELECT l.company_id, l.protocol_id, p.date_valid_until,
                   SUM(GREATEST(l.sessions_remaining - COALESCE(b.booked, 0), 0))
              FROM halley_patient_package_line l
              JOIN halley_patient_package p ON p.id = l.package_id
         LEFT JOIN (SELECT package_id, protocol_id, COUNT(*) AS booked
                      FROM halley_treatment_session
                     WHERE package_id IS NOT NULL AND state IN ('confirmed', 'in_progress')
                  GROUP BY package_id, protocol_id) b
                ON b.package_id = l.package_id AND b.protocol_id = l.protocol_id
             WHERE p.state = 'active' AND l.sessions_remaining > 0 AND l.company_id IN %s
          GROUP BY l.company_id, l.protocol_id, p.date_valid_until
            """,
            [tuple(companies.ids)],
        )
        rows = [row for row in self.env.cr.fetchall() if row[3] > 0]
        protocols = self.env["mrp.bom"].sudo().browse({row[1] for row in rows})
        per_session = protocols._halley_components_per_sessions()
        by_span = defaultdict(lambda: defaultdict(float))  # (company, product) -> span -> quantity
        for company_id, protocol_id, valid_until, sessions in rows:
            span = max((valid_until - today).days, 1) if valid_until else 1
            for product_id, quantity in per_session[protocol_id].items():
                by_span[(company_id, product_id)][span] += sessions * quantity
        curves = {}
        for key, quantities in by_span.items():
            spans = sorted(quantities)
            prefix, total = [0.0], 0.0
            for span in spans:
                total += quantities[span]
                prefix.append(total)
            suffix, total = [0.0], 0.0
            for span in reversed(spans):
                total += quantities[span] / span
                suffix.append(total)
            curves[key] = (spans, prefix, suffix[::-1])
        return curves

    def _halley_package_demands(self):
        """Expected consumption of prepaid, unbooked package sessions up to each
        orderpoint's forecast date, for the companies whose setting Reorder for
        prepaid packages is on (nothing is computed otherwise). Packages belong to
        no room: only orderpoints on a warehouse's stock location carry this demand."""
        orderpoints = self.filtered(
            lambda o: o.company_id.halley_package_demand_reordering
            and o.product_id
            and o.location_id
            and o.lead_days_date
            and o.location_id == o.warehouse_id.lot_stock_id
        )
        if not orderpoints:
            return {}
        companies = orderpoints.company_id
        curves = self._halley_forecast_data(
            ("packages", tuple(sorted(companies.ids))), lambda: self._halley_package_curves(companies)
        )
        today = fields.Date.context_today(self)
        result = {}
        for orderpoint in orderpoints:
            curve = curves.get((orderpoint.company_id.id, orderpoint.product_id.id))
            if not curve:
                continue
            spans, prefix, suffix = curve
            last_day = orderpoint.lead_days_date + timedelta(days=int(orderpoint.visibility_days or 0))
            horizon = max((last_day - today).days, 0)
            within = bisect_right(spans, horizon)  # these packages end before the horizon: all of it
            quantity = prefix[within] + horizon * suffix[within]
            result[orderpoint.id] = orderpoint._halley_in_rule_uom(quantity)
        return result

    def _halley_in_rule_uom(self, quantity):
        """``quantity`` of the product's unit in the rule's unit."""
        uom = self.product_id.uom_id
        if uom == self.product_uom:
            return quantity
        return uom._compute_quantity(quantity, self.product_uom, round=False)

    def _halley_booked_demands(self):
        """Quantity of the booked sessions' moves out of each orderpoint's location
        (or a location under it) up to its forecast date, in the product's unit:
        ``{orderpoint_id: quantity}``. One query for the rules read: open moves only
        (the states Odoo's forecast counts, which its index on the state finds
        without reading the sessions' done moves), the horizon applied in it."""
        rules = [
            (orderpoint.id, orderpoint.product_id.id, orderpoint.location_id.parent_path,
             orderpoint._halley_horizon().date())
            for orderpoint in self
        ]
        if not rules:
            return {}
        self.env["stock.move"].flush_model(
            ["product_id", "treatment_session_id", "state", "location_id", "date", "product_qty"]
        )
        self.env["stock.location"].flush_model(["parent_path"])
        ids, product_ids, paths, last_days = zip(*rules, strict=True)
        self.env.cr.execute(
            """
            WITH booked AS MATERIALIZED (
                SELECT m.product_id, l.parent_path, m.date::date AS day, SUM(m.product_qty) AS quantity
                  FROM stock_move m
                  JOIN stock_location l ON l.id = m.location_id
                 WHERE m.treatment_session_id IS NOT NULL
                   AND m.state IN ('waiting', 'confirmed', 'partially_available', 'assigned')
                   AND m.product_id = ANY(%s)
                   AND m.date < %s
              GROUP BY m.product_id, l.parent_path, m.date::date
            )
            SELECT o.id, SUM(b.quantity)
              FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::date[]) AS o(id, product_id, path, last_day)
              JOIN booked b ON b.product_id = o.product_id AND b.day <= o.last_day
                           AND b.parent_path LIKE o.path || '%%'
          GROUP BY o.id
            """,
            [sorted(set(product_ids)), max(last_days) + timedelta(days=1),
             list(ids), list(product_ids), list(paths), list(last_days)],
        )
        return dict(self.env.cr.fetchall())

    @api.depends("product_id", "location_id", "lead_days_date", "visibility_days")
    def _compute_halley_quantities(self):
        clinic = self._halley_clinic_orderpoints().filtered("lead_days_date")
        for orderpoint in self - clinic:
            orderpoint.update(
                {
                    "halley_booked_demand": 0.0, "halley_package_demand": 0.0,
                    "halley_expired_qty": 0.0, "halley_incoming_qty": 0.0,
                }
            )
        if not clinic:
            return
        expired = clinic._halley_expired_quantities()
        packages = clinic._halley_package_demands()
        in_progress = clinic.with_context(halley_odoo_in_progress=True)._quantity_in_progress()
        booked = clinic._halley_booked_demands()
        # Incoming as Odoo reads its forecast: one read per location and date (the
        # same context as Odoo's forecast columns when the rule has no visibility
        # days: then Odoo has read it already).
        by_context = defaultdict(lambda: self.browse())
        for orderpoint in clinic:
            by_context[(orderpoint.location_id.id, orderpoint._halley_horizon())] |= orderpoint
        for (location_id, horizon), orderpoints in by_context.items():
            incoming = {
                product.id: product.incoming_qty
                for product in orderpoints.product_id.with_context(location=location_id, to_date=horizon)
            }
            for orderpoint in orderpoints:
                uom = orderpoint.product_id.uom_id
                orderpoint.halley_booked_demand = uom._compute_quantity(
                    booked.get(orderpoint.id, 0.0), orderpoint.product_uom
                )
                orderpoint.halley_incoming_qty = (
                    uom._compute_quantity(incoming[orderpoint.product_id.id], orderpoint.product_uom)
                    + in_progress.get(orderpoint.id, 0.0)
                )
                orderpoint.halley_expired_qty = expired.get(orderpoint.id, 0.0)
                orderpoint.halley_package_demand = packages.get(orderpoint.id, 0.0)

    # ------------------------------------------------------------------ rooms

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("route_id") and vals.get("location_id"):
                location = self.env["stock.location"].browse(vals["location_id"])
                if location.is_treatment_room:
                    vals["route_id"] = location._halley_resupply_route().id
        return super().create(vals_list)
