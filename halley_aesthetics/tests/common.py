from datetime import datetime, timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user
from odoo.tests.common import ChromeBrowser

from ..images import drawn_signature_png

# Tests run at a fixed moment: expiry and scheduling never depend on the real clock.
NOW = datetime(2026, 11, 24, 9, 0, 0)


def demo_open_day(after, hour=9):
    """The first day from ``after`` (naive UTC) on which the demo clinic's rooms open
    (Monday to Saturday, 09:00 to 19:00 in Singapore, UTC+8), at ``hour`` o'clock
    there, as naive UTC: tests that book the demo rooms by the real clock."""
    day = (after + timedelta(hours=8)).date()
    while day.weekday() == 6:
        day += timedelta(days=1)
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=hour - 8)


# The patient's signature: a drawing, as Odoo's signature pad sends it (a 400 x
# 150 transparent PNG with a dark blue stroke; a blank or 1-pixel image is refused).
SIGNATURE = drawn_signature_png()


def sign_consent(session, user=None, photo_record=False, photo_marketing=False):
    """The patient signs the consent to ``session`` on the clinic's tablet,
    ``user`` (default: whoever holds ``session``) witnessing."""
    if user:
        session = session.with_user(user)
    return session._halley_sign_consent(
        SIGNATURE, session.sudo().patient_id.name, photo_record=photo_record,
        photo_marketing=photo_marketing, channel="clinic",
    )


class HalleyCommon(TransactionCase):
    """A small clinic built from scratch: its own products, lots, rooms, stock,
    protocols and staff (no dependence on demo data)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        # The clinic is in Singapore, whatever the database's company country.
        cls.company.halley_tz = "Asia/Singapore"
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.uom_unit = cls.env.ref("uom.product_uom_unit")
        cls.uom_gram = cls.env.ref("uom.product_uom_gram")
        # How the clinic buys: creams by the tube, used by the gram; needles by the
        # box, used one by one (the demo clinic's units, made here: no demo data).
        cls.uom_tube = cls.env["uom.uom"].create(
            {"name": "T Tube (30 g)", "category_id": cls.uom_gram.category_id.id, "uom_type": "smaller",
             "factor": 1000.0 / 30, "rounding": 1}
        )
        cls.uom_box = cls.env["uom.uom"].create(
            {"name": "T Box of 100", "category_id": cls.uom_unit.category_id.id, "uom_type": "bigger",
             "factor_inv": 100, "rounding": 1}
        )
        cls.fefo = cls.env.ref("product_expiry.removal_fefo")
        cls.category = cls.env.ref("halley_aesthetics.product_category_consumable")

        cls.manager = new_test_user(
            cls.env, login="t_manager", groups="halley_aesthetics.group_manager",
            name="Clinic Manager",
        )
        cls.practitioner = new_test_user(
            cls.env, login="t_doctor", groups="halley_aesthetics.group_practitioner",
            name="Dr. Test",
        )
        cls.billing = new_test_user(
            cls.env, login="t_billing", groups="halley_aesthetics.group_billing",
            name="Billing Test",
        )

        cls.room = cls._create_room("Test Room A")
        cls.room_b = cls._create_room("Test Room B")

        def consumable(name, uom, uom_po=None, tracking="none", price=1.0):
            vals = {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "clinic_role": "consumable",
                "categ_id": cls.category.id,
                "uom_id": uom.id,
                "uom_po_id": (uom_po or uom).id,
                "tracking": tracking,
                "standard_price": price,
            }
            if tracking != "none":
                vals.update(use_expiration_date=True, expiration_time=730, alert_time=30)
            return cls.env["product.product"].create(vals)

        cls.rejuran = consumable("T Rejuran vial", cls.uom_unit, tracking="lot", price=180)
        cls.ha = consumable("T HA syringe", cls.uom_unit, tracking="lot", price=95)
        cls.numbing = consumable("T Numbing cream", cls.uom_gram, cls.uom_tube, "lot", 0.8)
        cls.recovery = consumable("T Recovery cream", cls.uom_gram, cls.uom_tube, price=1.2)
        cls.needle = consumable("T Needle 32G", cls.uom_unit, cls.uom_box, price=0.45)
        cls.co2_tip = consumable("T CO2 tip", cls.uom_unit, price=35)
        cls.fraxel_tip = consumable("T Fraxel tip", cls.uom_unit, price=60)
        cls.gel = consumable("T Cooling gel", cls.uom_gram, cls.uom_tube, price=0.2)

        # Injectables are charted in mL: a Rejuran vial holds 2 mL, an HA syringe 1 mL.
        cls.uom_ml = cls.env.ref("halley_aesthetics.uom_millilitre")
        cls.rejuran.write({"halley_charted": True, "halley_dose_uom_id": cls.uom_ml.id, "halley_dose_per_unit": 2.0})
        cls.ha.write({"halley_charted": True, "halley_dose_uom_id": cls.uom_ml.id, "halley_dose_per_unit": 1.0})
        cls.lot_rj_early = cls._lot(cls.rejuran, "TRJ-EARLY", months=3)
        cls.lot_rj_late = cls._lot(cls.rejuran, "TRJ-LATE", months=12)
        cls.lot_ha = cls._lot(cls.ha, "THA-1", months=8)
        cls.lot_numb = cls._lot(cls.numbing, "TNUMB-1", months=10)

        cls._set_stock(
            cls.room,
            [
                (cls.rejuran, 3, cls.lot_rj_early),
                (cls.rejuran, 5, cls.lot_rj_late),
                (cls.ha, 4, cls.lot_ha),
                (cls.numbing, 60, cls.lot_numb),
                (cls.recovery, 60, None),
                (cls.needle, 100, None),
                (cls.co2_tip, 3, None),
                (cls.fraxel_tip, 3, None),
                (cls.gel, 60, None),
            ],
        )

        cls.protocol_rejuran = cls._protocol(
            "T Rejuran Skin Healer", "injectable",
            [(cls.rejuran, 1), (cls.numbing, 5), (cls.needle, 4), (cls.recovery, 3)],
        )
        cls.protocol_ha = cls._protocol(
            "T HA Skin Booster", "injectable",
            [(cls.ha, 1), (cls.numbing, 5), (cls.needle, 4), (cls.recovery, 3)],
        )
        cls.protocol_trio = cls._protocol(
            "T Baby Skin Trio", "injectable",
            [(cls.ha, 1), (cls.rejuran, 1), (cls.numbing, 5), (cls.needle, 6), (cls.recovery, 3)],
        )
        cls.protocol_co2 = cls._protocol(
            "T Rejuran + Fractional CO2", "combined",
            [(cls.rejuran, 1), (cls.numbing, 8), (cls.co2_tip, 1), (cls.gel, 10),
             (cls.needle, 4), (cls.recovery, 5)],
        )
        cls.protocol_fraxel = cls._protocol(
            "T Rejuran + Fraxel 1550", "combined",
            [(cls.rejuran, 1), (cls.numbing, 8), (cls.fraxel_tip, 1), (cls.gel, 10),
             (cls.needle, 4), (cls.recovery, 5)],
        )
        cls.patient = cls.env["res.partner"].create({"name": "T Patient Grace", "is_patient": True})
        cls.patient_2 = cls.env["res.partner"].create({"name": "T Patient Aisha", "is_patient": True})

    # ------------------------------------------------------------------ builders

    @classmethod
    def _setup_second_company(cls):
        """A second clinic company with its warehouse and a room, and a clinic
        manager in each company who sees only her own."""
        cls.company_b = cls.env["res.company"].create({"name": "Halley Orchard (B)"})
        cls.warehouse_b = cls.env["stock.warehouse"].search([("company_id", "=", cls.company_b.id)])
        cls.room_in_b = cls._create_room("B Room", company=cls.company_b, parent=cls.warehouse_b.lot_stock_id)
        cls.manager_a, cls.manager_b = (
            new_test_user(
                cls.env, login=login, groups="halley_aesthetics.group_manager",
                company_id=company.id, company_ids=[Command.set(company.ids)],
            )
            for login, company in (("t_manager_a", cls.company), ("t_manager_b", cls.company_b))
        )

    @classmethod
    def _create_room(cls, name, company=None, parent=None):
        return cls.env["stock.location"].create(
            {
                "name": name,
                "usage": "internal",
                "location_id": (parent or cls.stock_location).id,
                "is_treatment_room": True,
                "removal_strategy_id": cls.fefo.id,
                "company_id": (company or cls.company).id,
            }
        )

    @classmethod
    def _lot(cls, product, name, months, company=None):
        return cls.env["stock.lot"].create(
            {
                "name": name,
                "product_id": product.id,
                "company_id": (company or cls.company).id,
                "expiration_date": NOW + relativedelta(months=months),
            }
        )

    @classmethod
    def _set_stock(cls, location, rows):
        """Count stock into a location the way a manager does: an inventory
        adjustment, applied as real stock moves."""
        Quant = cls.env["stock.quant"].with_context(inventory_mode=True)
        quants = Quant.create(
            [
                {
                    "product_id": product.id,
                    "location_id": location.id,
                    "lot_id": lot.id if lot else False,
                    "inventory_quantity": qty,
                }
                for product, qty, lot in rows
            ]
        )
        quants.action_apply_inventory()

    @classmethod
    def _protocol(cls, name, modality, lines, company=None):
        company = company or cls.company
        treatment = cls.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "is_storable": False,
                "clinic_role": "treatment",
                "company_id": False,
            }
        )
        return cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": treatment.product_tmpl_id.id,
                "product_id": treatment.id,
                "type": "phantom",
                "is_treatment_protocol": True,
                "modality": modality,
                "numbing_minutes": 30,
                "procedure_minutes": 20,
                "recommended_sessions": 3,
                "session_interval_days": 28,
                "company_id": company.id,
                "consent_text": f"<p>I agree to be treated with {name}: bruising for 5 to 7 days.</p>",
                "bom_line_ids": [
                    Command.create(
                        {"product_id": p.id, "product_qty": q, "product_uom_id": p.uom_id.id}
                    )
                    for p, q in lines
                ],
            }
        )

    def _session(self, protocol=None, room=None, patient=None, start=None, user=None, consent=True, **vals):
        """A draft session; with the patient's signed procedure consent unless
        ``consent=False`` (no consent, no start). Without ``start``, an hour from
        now for the test's first session, then an hour after the last one: one
        room, practitioner and patient are never booked twice at the same time."""
        env = self.env(user=user) if user else self.env
        if start is None:
            self._default_slots = getattr(self, "_default_slots", 0) + 1
            start = NOW + relativedelta(hours=self._default_slots)
        session = env["halley.treatment.session"].create(
            {
                "patient_id": (patient or self.patient).id,
                "protocol_id": (protocol or self.protocol_rejuran).id,
                "room_id": (room or self.room).id,
                "practitioner_id": self.practitioner.id,
                "scheduled_start": start,
                **vals,
            }
        )
        if consent:
            self._sign(session)
        return session

    SIGNATURE = SIGNATURE

    def _sign(self, session, user=None, photo_record=False, photo_marketing=False):
        """The patient signs the consent to ``session`` (see ``sign_consent``)."""
        return sign_consent(session, user=user, photo_record=photo_record, photo_marketing=photo_marketing)

    # ------------------------------------------------------------------ readers

    def on_hand(self, product, location=None, lot=None):
        """Quantity on hand of a product (optionally of one lot) in a location."""
        domain = [
            ("product_id", "=", product.id),
            ("location_id", "=", (location or self.room).id),
        ]
        if lot is not None:
            domain.append(("lot_id", "=", lot.id if lot else False))
        return sum(self.env["stock.quant"].search(domain).mapped("quantity"))

    def move_of(self, session, product):
        return session.move_ids.filtered(lambda m: m.product_id == product)


class HalleyPackageCommon(HalleyCommon):
    """The clinic above, with package products and what billing needs: accounts
    (the company's chart of accounts, loaded before post_install tests) and
    treatment prices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        assert cls.company.chart_template, "post_install tests need the company's chart of accounts"
        for protocol, price in (
            (cls.protocol_rejuran, 350.0),
            (cls.protocol_ha, 280.0),
            (cls.protocol_trio, 560.0),
            (cls.protocol_fraxel, 680.0),
        ):
            protocol.product_id.write({"lst_price": price, "taxes_id": [Command.clear()]})
        cls.trio_course = cls._package_product(
            "T Baby Skin Trio course", 1500.0, [(cls.protocol_trio, 3)], months=12, interval=21
        )
        cls.mixed_course = cls._package_product(
            "T Rejuran + Fraxel course", 1900.0,
            [(cls.protocol_rejuran, 2), (cls.protocol_fraxel, 2)], months=9, interval=0,
        )
        cls.deferred_account = cls.company._halley_get_deferred_account()
        cls.revenue_account = cls.company._halley_get_package_income_account(
            cls.protocol_trio.product_id
        )

    @classmethod
    def _package_product(cls, name, price, lines, months=12, interval=0):
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "clinic_role": "package",
                "lst_price": price,
                "taxes_id": [Command.clear()],
                "package_validity_months": months,
                "package_min_interval_days": interval,
                "package_line_ids": [
                    Command.create({"protocol_id": protocol.id, "session_count": count})
                    for protocol, count in lines
                ],
            }
        )

    def _invoice(self, lines, patient=None, user=None, post=True, date=None):
        """A customer invoice of ``lines`` [(product, qty)], as billing makes it."""
        env = self.env(user=user or self.billing)
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (patient or self.patient).id,
                "invoice_date": date or NOW.date(),
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "quantity": qty}) for product, qty in lines
                ],
            }
        )
        if post:
            invoice.action_post()
        return invoice

    def _credit_note(self, invoice, quantity=None, user=None):
        """A credit note made from the invoice with the Credit Note button;
        ``quantity`` changes the package line's quantity before posting."""
        env = self.env(user=user or self.billing)
        wizard = (
            env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "date": NOW.date(), "reason": "Patient moved abroad"})
        )
        action = wizard.refund_moves()
        refund = env["account.move"].browse(action["res_id"])
        if quantity is not None:
            refund.invoice_line_ids.filtered(
                lambda line: line.product_id.clinic_role == "package"
            ).quantity = quantity
        refund.action_post()
        return refund

    def _run(self, session, user=None):
        """Confirm, start and complete a session as its practitioner."""
        session = session.with_user(user or self.practitioner)
        session.action_confirm()
        session.action_start()
        session.action_done()
        return session.with_user(self.env.user)

    def deferred_balance(self, package=None):
        """Balance of the deferred-revenue account (credit positive) for the test
        patients, optionally of one package: its share of the invoice line plus its
        own entries."""
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.deferred_account.id),
                ("parent_state", "=", "posted"),
                ("partner_id", "in", (self.patient | self.patient_2).ids),
            ]
        )
        if package is None:
            return -sum(lines.mapped("balance"))
        total = 0.0
        for line in lines:
            if line.halley_package_id == package:
                total -= line.balance
            elif package in line.patient_package_ids:
                total -= line.balance / line.quantity
            elif package.refund_line_id == line:
                total -= package.amount_refunded
        return total


class HalleyUiCase(HttpCase):
    """Browser tests build their own small clinic with these helpers.

    ``browser_timezone``: the browser reads the time as a browser in that zone would
    (Chrome's own zone set over the DevTools protocol, e.g. "Asia/Singapore" for a
    clinic's tablet), whatever the zone of the machine running the tests; Odoo's server
    process itself always runs in UTC. None leaves Chrome in the machine's zone."""

    browser_timezone = None

    def browser_js(self, url_path, code, ready="", login=None, **kw):
        if not self.browser_timezone:
            return super().browser_js(url_path, code, ready=ready, login=login, **kw)
        navigate_to = ChromeBrowser.navigate_to
        zone = self.browser_timezone

        def navigate_in_zone(browser, url, wait_stop=False):
            browser._websocket_request("Emulation.setTimezoneOverride", params={"timezoneId": zone})
            return navigate_to(browser, url, wait_stop=wait_stop)

        with patch.object(ChromeBrowser, "navigate_to", navigate_in_zone):
            return super().browser_js(url_path, code, ready=ready, login=login, **kw)

    def _user(self, login, group, **vals):
        return self.env["res.users"].create(
            {
                "name": login.replace("_", " ").title(),
                "login": login,
                "password": login,
                "groups_id": [Command.set([self.env.ref(group).id])],
                **vals,
            }
        )

    def _room(self, name, **vals):
        stock = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        ).lot_stock_id
        return self.env["stock.location"].create(
            {"name": name, "location_id": stock.id, "is_treatment_room": True, **vals}
        )

    def _protocol(self, name, lines):
        """A kit protocol of a new treatment product: ``lines`` [(product, qty)]."""
        treatment = self.env["product.product"].create({"name": name, "type": "consu"})
        self.env["mrp.bom"].create(
            {
                "product_tmpl_id": treatment.product_tmpl_id.id,
                "type": "phantom",
                "is_treatment_protocol": True,
                "consent_text": f"<p>I agree to be treated with {name}.</p>",
                "bom_line_ids": [
                    Command.create({"product_id": product.id, "product_qty": qty}) for product, qty in lines
                ],
            }
        )
        return self.env["mrp.bom"].search([("product_tmpl_id", "=", treatment.product_tmpl_id.id)])

    def _count_in(self, location, rows):
        """Inventory adjustment: ``rows`` [(product, qty, lot or None)]."""
        self.env["stock.quant"].with_context(inventory_mode=True).create(
            [
                {"product_id": p.id, "location_id": location.id, "lot_id": lot.id if lot else False,
                 "inventory_quantity": qty}
                for p, qty, lot in rows
            ]
        ).action_apply_inventory()


class HalleyBookingMixin:
    """Booking tests: a draft booked by a user, and a refused confirmation that leaves
    nothing behind. ``_booking_start`` and ``_booking_practitioner`` give the defaults."""

    _booking_start = None

    def _booking_practitioner(self):
        return self.practitioner

    def _draft(self, user, start=None, room=None, practitioner=None, patient=None):
        return self.env["halley.treatment.session"].with_user(user).create(
            {
                "patient_id": (patient or self.patient).id,
                "protocol_id": self.protocol_rejuran.id,
                "room_id": (room or self.room).id,
                "practitioner_id": (practitioner or self._booking_practitioner()).id,
                "scheduled_start": start or self._booking_start,
            }
        )

    def assertRefused(self, session, message):
        with self.assertRaises(ValidationError) as caught:
            session.action_confirm()
        self.assertEqual(str(caught.exception), message)
        self.assertEqual(session.state, "draft", "a refused session stays a draft")
        self.assertFalse(session.picking_id, "nothing is booked for a refused session")
