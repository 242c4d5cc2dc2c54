from collections import defaultdict
from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


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
        return datetime.combine(
            self.lead_days_date + relativedelta(days=int(self.visibility_days or 0)), time.max
        )

    # ------------------------------------------------------------------ forecast

    def _quantity_in_progress(self):
        res = super()._quantity_in_progress()
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

    def _halley_expired_quantities(self):
        """On-hand quantity of expired lots under each orderpoint's location."""
        orderpoints = self.filtered(lambda o: o.product_id and o.location_id)
        if not orderpoints:
            return {}
        groups = self.env["stock.quant"].sudo()._read_group(
            [
                ("product_id", "in", orderpoints.product_id.ids),
                ("location_id.usage", "=", "internal"),
                ("lot_id.expiration_date", "<=", fields.Datetime.now()),
            ],
            ["product_id", "location_id"],
            ["quantity:sum"],
        )
        result = defaultdict(float)
        for orderpoint in orderpoints:
            prefix = orderpoint.location_id.parent_path
            for product, location, quantity in groups:
                if product == orderpoint.product_id and location.parent_path.startswith(prefix):
                    result[orderpoint.id] += product.uom_id._compute_quantity(
                        quantity, orderpoint.product_uom, round=False
                    )
        return result

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
        today = fields.Date.context_today(self)
        lines = self.env["halley.patient.package.line"].sudo().search(
            [
                ("company_id", "in", orderpoints.company_id.ids),
                ("package_id.state", "=", "active"),
                ("sessions_remaining", ">", 0),
            ]
        )
        booked = defaultdict(int)  # sessions booked already have their moves
        for package, protocol, count in self.env["halley.treatment.session"].sudo()._read_group(
            [
                ("package_id", "in", lines.package_id.ids),
                ("state", "in", ("confirmed", "in_progress")),
            ],
            ["package_id", "protocol_id"],
            ["__count"],
        ):
            booked[(package.id, protocol.id)] += count
        result = defaultdict(float)
        per_session_cache = {}
        for orderpoint in orderpoints:
            horizon = orderpoint._halley_horizon().date()
            for line in lines.filtered(lambda ln: ln.company_id == orderpoint.company_id):
                sessions = line.sessions_remaining - booked[(line.package_id.id, line.protocol_id.id)]
                if sessions <= 0:
                    continue
                span = max((line.package_id.date_valid_until - today).days, 1)
                share = min(max((horizon - today).days, 0) / span, 1.0)
                key = (line.protocol_id.id, orderpoint.product_id.id)
                if key not in per_session_cache:
                    per_session_cache[key] = line.protocol_id._halley_component_quantity(
                        orderpoint.product_id
                    )
                per_session = orderpoint.product_id.uom_id._compute_quantity(
                    per_session_cache[key], orderpoint.product_uom, round=False
                )
                result[orderpoint.id] += sessions * share * per_session
        return result

    @api.depends("product_id", "location_id", "lead_days_date", "visibility_days")
    def _compute_halley_quantities(self):
        clinic = self._halley_clinic_orderpoints()
        expired = clinic._halley_expired_quantities()
        packages = clinic._halley_package_demands()
        in_progress = clinic.with_context(halley_odoo_in_progress=True)._quantity_in_progress()
        Move = self.env["stock.move"].sudo()
        for orderpoint in self:
            if orderpoint not in clinic or not orderpoint.lead_days_date:
                orderpoint.update(
                    {
                        "halley_booked_demand": 0.0, "halley_package_demand": 0.0,
                        "halley_expired_qty": 0.0, "halley_incoming_qty": 0.0,
                    }
                )
                continue
            horizon = orderpoint._halley_horizon()
            booked = Move._read_group(
                [
                    ("product_id", "=", orderpoint.product_id.id),
                    ("treatment_session_id", "!=", False),
                    ("state", "not in", ("draft", "done", "cancel")),
                    ("location_id", "child_of", orderpoint.location_id.id),
                    ("date", "<=", horizon),
                ],
                [],
                ["product_qty:sum"],
            )[0][0]
            incoming = orderpoint.product_id.with_context(
                location=orderpoint.location_id.id, to_date=horizon
            ).incoming_qty
            uom = orderpoint.product_id.uom_id
            orderpoint.halley_booked_demand = uom._compute_quantity(booked or 0.0, orderpoint.product_uom)
            orderpoint.halley_incoming_qty = (
                uom._compute_quantity(incoming, orderpoint.product_uom) + in_progress.get(orderpoint.id, 0.0)
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
