from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# Lots on hand that expire before this many days from now are shown on the overview.
EXPIRY_DAYS = 30


class HalleyClinicOverview(models.AbstractModel):
    """The home of the Clinic app: today's sessions per room, stock below its
    reordering minimum, lots expiring soon, the package liability and this month's
    consumption cost per protocol, each read in one set-based query as the user
    (her companies, her access rights), each section only for the roles whose work
    it is."""

    _name = "halley.clinic.overview"
    _description = "Clinic overview"

    # ------------------------------------------------------------------ who sees what

    @api.model
    def _overview_sections(self):
        """Sections per role: practitioners and billing see today's sessions and the
        sessions graph; billing also the package liability; clinic managers every
        section (the stock ones are theirs, as Clinic > Stock is)."""
        user = self.env.user
        manager = user.has_group("halley_aesthetics.group_manager")
        billing = user.has_group("halley_aesthetics.group_billing")
        return {
            "sessions": True,
            "stock_low": manager,
            "expiring": manager,
            "liability": billing or manager,
            "cost": manager,
        }

    # ------------------------------------------------------------------ the data

    @api.model
    def get_overview(self):
        """Everything the overview shows, in words, for the current user."""
        self.check_access("read")
        sections = self._overview_sections()
        result = {"sections": sections, "today": fields.Date.to_string(self._overview_today())}
        result["sessions"] = self._overview_sessions()
        result["stock_low"] = self._overview_stock_low() if sections["stock_low"] else []
        result["expiring"] = self._overview_expiring() if sections["expiring"] else []
        result["liability"] = self._overview_liability() if sections["liability"] else []
        result["cost"] = self._overview_cost() if sections["cost"] else []
        return result

    @api.model
    def _overview_today(self):
        return fields.Date.context_today(self)

    @api.model
    def _overview_day_bounds(self):
        """Today in the user's time zone, as naive UTC datetimes [start, end)."""
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        day = self._overview_today()
        start = tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
        return start, start + timedelta(days=1)

    @api.model
    def _overview_sessions(self):
        """Today's sessions (not cancelled), per room then time, as the user reads them."""
        start, end = self._overview_day_bounds()
        Session = self.env["halley.treatment.session"].with_context(halley_clinic_names=True)
        sessions = Session.search_fetch(
            [("scheduled_start", ">=", start), ("scheduled_start", "<", end), ("state", "!=", "cancel")],
            ["scheduled_start", "scheduled_end", "state", "room_id", "patient_id", "protocol_id",
             "practitioner_id"],
            order="scheduled_start, id",
        )
        states = dict(Session._fields["state"]._description_selection(self.env))
        rooms = {}
        for session in sessions:
            room = rooms.setdefault(
                session.room_id.id,
                {"room_id": session.room_id.id, "room": session.room_id.display_name, "sessions": []},
            )
            room["sessions"].append({
                "id": session.id,
                "name": session.display_name,
                "start": fields.Datetime.to_string(session.scheduled_start),
                "end": fields.Datetime.to_string(session.scheduled_end),
                "state": session.state,
                "state_label": states.get(session.state, session.state),
                "practitioner": session.practitioner_id.name or "",
            })
        return sorted(rooms.values(), key=lambda room: room["room"] or "")

    @api.model
    def _overview_stock_low(self):
        """The clinic consumables' reordering rules whose usable stock (on hand at the
        rule's location and below it, expired lots left out) is under their minimum:
        one query over the rules and quants of the user's companies."""
        self.env["stock.quant"].check_access("read")
        self.env["stock.warehouse.orderpoint"].check_access("read")
        self.env.flush_all()
        self.env.cr.execute(
            """
            WITH usable AS (
                SELECT q.product_id, l.parent_path, q.quantity
                  FROM stock_quant q
                  JOIN stock_location l ON l.id = q.location_id
             LEFT JOIN stock_lot lot ON lot.id = q.lot_id
                 WHERE l.usage = 'internal'
                   AND q.company_id IN %(companies)s
                   AND (lot.expiration_date IS NULL OR lot.expiration_date > %(now)s)
            )
            SELECT op.id, COALESCE(SUM(u.quantity), 0) AS on_hand
              FROM stock_warehouse_orderpoint op
              JOIN product_product pp ON pp.id = op.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN stock_location ol ON ol.id = op.location_id
         LEFT JOIN usable u ON u.product_id = op.product_id AND u.parent_path LIKE ol.parent_path || '%%'
             WHERE op.active
               AND op.company_id IN %(companies)s
               AND pt.clinic_role = 'consumable'
          GROUP BY op.id, op.product_min_qty
            HAVING COALESCE(SUM(u.quantity), 0) < op.product_min_qty
          ORDER BY op.id
            """,
            {"companies": tuple(self.env.companies.ids), "now": fields.Datetime.now()},
        )
        on_hand = dict(self.env.cr.fetchall())
        # Consumables by their name, without the internal reference; rooms by theirs.
        rules = self.env["stock.warehouse.orderpoint"].browse(list(on_hand)).with_context(
            halley_clinic_names=True, display_default_code=False)
        rules.fetch(["product_id", "location_id", "product_min_qty", "product_max_qty", "product_uom"])
        rows = [
            {
                "id": rule.id,
                "product": rule.product_id.display_name,
                "location": rule.location_id.display_name,
                "on_hand": on_hand[rule.id],
                "min": rule.product_min_qty,
                "max": rule.product_max_qty,
                "uom": rule.product_uom.name,
            }
            for rule in rules
        ]
        return sorted(rows, key=lambda row: (row["product"], row["location"]))

    @api.model
    def _overview_expiring_domain(self):
        limit = fields.Datetime.now() + timedelta(days=EXPIRY_DAYS)
        return [
            ("company_id", "in", self.env.companies.ids),
            ("location_id.usage", "=", "internal"),
            ("quantity", ">", 0),
            ("product_id.clinic_role", "=", "consumable"),
            ("lot_id.expiration_date", "!=", False),
            ("lot_id.expiration_date", "<", limit),
        ]

    @api.model
    def _overview_expiring(self):
        """Lots on hand that expire within EXPIRY_DAYS (or have expired: still on the
        shelf, to scrap), per lot and room, first to expire first."""
        groups = self.env["stock.quant"]._read_group(
            self._overview_expiring_domain(), ["lot_id", "location_id"], ["quantity:sum"]
        )
        now = fields.Datetime.now()
        lots = self.env["stock.lot"].union(*(lot for lot, _location, _qty in groups))
        lots.fetch(["name", "product_id", "expiration_date"])
        locations = self.env["stock.location"].union(*(location for _lot, location, _qty in groups))
        names = dict(zip(locations.ids, locations.with_context(halley_clinic_names=True).mapped("display_name"), strict=True))
        rows = [
            {
                "lot_id": lot.id,
                "lot": lot.name,
                "product": lot.product_id.with_context(display_default_code=False).display_name,
                "expiry": fields.Date.to_string(lot.expiration_date.date()),
                "expired": lot.expiration_date <= now,
                "quantity": quantity,
                "uom": lot.product_id.uom_id.name,
                "location_id": location.id,
                "location": names[location.id],
            }
            for lot, location, quantity in groups
        ]
        return sorted(rows, key=lambda row: (row["expiry"], row["product"], row["location"]))

    @api.model
    def _overview_liability(self):
        """What the packages sold still owe, per company, in its currency (the
        package ledger: its value is the deferred-revenue account's balance)."""
        groups = self.env["halley.package.ledger"]._read_group(
            [("company_id", "in", self.env.companies.ids)], ["company_id"], ["amount:sum", "sessions:sum"]
        )
        return [
            {
                "company": company.name,
                "currency_id": company.currency_id.id,
                "amount": amount,
                "sessions": sessions,
            }
            for company, amount, sessions in groups
            if amount or sessions
        ]

    @api.model
    def _overview_cost(self):
        """This month's consumption cost per protocol (treatments by clinic name)."""
        today = self._overview_today()
        groups = self.env["halley.consumption.cost"]._read_group(
            [("company_id", "in", self.env.companies.ids), ("date", ">=", today.replace(day=1)),
             ("date", "<=", today)],
            ["protocol_id", "currency_id"],
            ["cost:sum"],
        )
        rows = [
            {"protocol": protocol.clinic_name or "", "currency_id": currency.id, "cost": cost}
            for protocol, currency, cost in groups
        ]
        return sorted(rows, key=lambda row: -row["cost"])

    # ------------------------------------------------------------------ the cards' lists

    @api.model
    def action_open_card(self, card):
        """The list behind a card of the overview (a card the user's role has)."""
        self.check_access("read")
        if not isinstance(card, str):
            raise UserError(self.env._("The clinic overview has no such card."))
        section = {"sessions_graph": "sessions", "cost_graph": "cost"}.get(card, card)
        if not self._overview_sections().get(section):
            raise AccessError(self.env._("This part of the clinic overview is not for your role."))
        Actions = self.env["ir.actions.act_window"]
        if card == "sessions":
            # The day's list (earliest first, who and what in words, no billing
            # columns); a practitioner with sessions today sees hers first (the
            # Mine filter, which she may remove).
            start, end = self._overview_day_bounds()
            domain = [("scheduled_start", ">=", start), ("scheduled_start", "<", end), ("state", "!=", "cancel")]
            action = Actions._for_xml_id("halley_aesthetics.halley_treatment_session_action_today")
            context = {"halley_clinic_names": True}
            if self.env["halley.treatment.session"].search_count(
                domain + [("practitioner_id", "=", self.env.uid)], limit=1
            ):
                context["search_default_mine"] = 1
            action.update(domain=domain, context=context, name=self.env._("Today's sessions"))
            return action
        if card == "stock_low":
            action = Actions._for_xml_id("halley_aesthetics.stock_warehouse_orderpoint_action_halley")
            action["domain"] = [("id", "in", [row["id"] for row in self._overview_stock_low()])]
            action["name"] = self.env._("Stock below minimum")
            return action
        if card == "expiring":
            action = Actions._for_xml_id("halley_aesthetics.stock_quant_action_halley_expiring")
            action["domain"] = self._overview_expiring_domain()
            action["context"] = {"halley_clinic_names": True}
            action["name"] = self.env._("Expiring within %(days)s days", days=EXPIRY_DAYS)
            return action
        xmlids = {
            "liability": "halley_aesthetics.halley_package_ledger_action",
            "sessions_graph": "halley_aesthetics.halley_treatment_session_action_analysis",
            "cost_graph": "halley_aesthetics.halley_consumption_cost_action",
        }
        return Actions._for_xml_id(xmlids[card])
