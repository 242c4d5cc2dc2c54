"""Only the workflow changes a session, its stock and its package: every role's
plain create/write/unlink of what the workflow records is refused, in words, and
changes nothing."""

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import NOW, HalleyPackageCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestWorkflowIntegrity(HalleyPackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(
            cls.env, login="t_clerk", groups="stock.group_stock_user", name="Warehouse Clerk"
        )
        cls._set_stock(cls.room, [(cls.rejuran, 8, cls.lot_rj_early), (cls.numbing, 60, cls.lot_numb),
                                  (cls.needle, 40, None), (cls.recovery, 100, None)])

    def _in_progress(self, **vals):
        session = self._session(**vals).with_user(self.practitioner)
        session.action_confirm()
        session.action_start()
        return session

    def _done(self, **vals):
        session = self._in_progress(**vals)
        session.action_done()
        self.assertEqual(session.state, "done")
        return session

    # ------------------------------------------------------------------ state

    def test_state_and_workflow_fields_are_refused_for_every_role(self):
        session = self._session()
        session.with_user(self.practitioner).action_confirm()
        for user in (self.practitioner, self.manager):
            for vals in ({"state": "done"}, {"date_done": NOW}, {"package_redeemed": True},
                         {"picking_id": False}, {"package_sequence": 3}):
                with self.subTest(user=user.name, vals=vals), self.assertRaisesRegex(
                    UserError, "recorded by the clinic's workflow"
                ):
                    session.with_user(user).write(vals)
        self.assertEqual(session.state, "confirmed")
        self.assertTrue(session.picking_id)
        self.assertFalse(session.package_redeemed)
        with self.assertRaisesRegex(UserError, "recorded by the clinic's workflow"):
            self._session(user=self.manager, state="done")

    def test_done_session_is_frozen_and_never_deleted(self):
        session = self._done()
        for vals in ({"notes": "<p>changed</p>"}, {"scheduled_start": NOW}, {"practitioner_id": self.manager.id}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "kept as it was"):
                session.with_user(self.manager).write(vals)
        with self.assertRaisesRegex(UserError, "recorded by the clinic's workflow"):
            session.write({"state": "draft"})
        with self.assertRaisesRegex(UserError, "only draft sessions can be deleted"):
            session.with_user(self.manager).unlink()
        self.assertIs(session.with_user(self.manager).action_draft(), True)
        self.assertEqual(session.state, "done", "reset to draft does nothing on a done session")
        # A correction is an addendum: the original stays.
        session.with_user(self.practitioner).write(
            {"addendum_ids": [Command.create({"body": "Numbing cream was applied 40 min, not 30."})]}
        )
        addendum = session.sudo().addendum_ids
        self.assertEqual(addendum.author_id, self.practitioner)
        with self.assertRaisesRegex(UserError, "kept as written"):
            addendum.with_user(self.manager).body = "nothing happened"
        with self.assertRaises(AccessError):
            addendum.with_user(self.manager).unlink()
        with self.assertRaisesRegex(UserError, "kept as written"):
            addendum.unlink()

    def test_done_screening_and_consent_are_frozen(self):
        question = self.env["halley.screening.question"].create(
            {"name": "T Pregnant?", "severity": "hard_stop", "protocol_ids": [Command.link(self.protocol_rejuran.id)]}
        )
        session = self._session().with_user(self.practitioner)
        session.action_confirm()
        session.screening_ids.filtered(lambda s: s.question_id == question).answer = "no"
        session.action_start()
        session.action_done()
        answer = session.screening_ids.filtered(lambda s: s.question_id == question)
        consent = session.consent_ids
        with self.assertRaisesRegex(UserError, "screening and consent are kept"):
            answer.answer = "yes"
        with self.assertRaisesRegex(UserError, "screening and consent are kept"):
            consent.procedure = False
        with self.assertRaisesRegex(UserError, "screening and consent are kept"):
            self.env["halley.session.consent"].with_user(self.practitioner).create(
                {"session_id": session.id, "procedure": True}
            )
        with self.assertRaisesRegex(UserError, "screening and consent are kept"):
            consent.with_user(self.manager).unlink()
        self.assertEqual(answer.answer, "no")
        self.assertTrue(consent.procedure)

    def test_only_protocols_are_booked(self):
        desk = self.env["mrp.bom"].create(
            {"product_tmpl_id": self.needle.product_tmpl_id.id, "type": "normal", "product_qty": 1}
        )
        with self.assertRaisesRegex(ValidationError, "not a treatment protocol"):
            self._session(protocol=desk, user=self.manager)

    # ------------------------------------------------------------------ stock

    def test_session_transfer_belongs_to_its_session(self):
        session = self._in_progress()
        picking = session.picking_id.with_user(self.clerk)
        for action in ("button_validate", "action_cancel", "do_unreserve", "action_assign"):
            with self.subTest(action=action), self.assertRaisesRegex(
                UserError, f"stock of the treatment session {session.name}"
            ):
                getattr(picking, action)()
        with self.assertRaisesRegex(UserError, f"stock of the treatment session {session.name}"):
            picking.write({"scheduled_date": NOW + relativedelta(days=3)})
        with self.assertRaisesRegex(UserError, "cannot be changed|stock of the treatment session"):
            self.env["stock.move"].with_user(self.clerk).create({
                "name": "extra", "product_id": self.needle.id, "product_uom_qty": 5,
                "product_uom": self.uom_unit.id, "picking_id": picking.id,
                "location_id": self.room.id, "location_dest_id": picking.location_dest_id.id,
            })
        other = self.env["stock.picking"].create({
            "picking_type_id": self.warehouse.int_type_id.id,
            "location_id": self.stock_location.id, "location_dest_id": self.room.id,
        })
        with self.assertRaisesRegex(UserError, "books its own transfer"):
            other.with_user(self.clerk).treatment_session_id = session
        self.assertEqual(session.picking_id.state, "assigned")
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 8)
        session.action_done()
        self.assertEqual(session.picking_id.state, "done")

    def test_consumption_stays_in_the_session_room(self):
        self._set_stock(self.room_b, [(self.needle, 40, None)])
        session = self._in_progress()
        line = self.move_of(session, self.needle).move_line_ids
        with self.assertRaisesRegex(ValidationError, "taken from .*Test Room A, not from .*Test Room B"):
            line.with_user(self.practitioner).location_id = self.room_b
        with self.assertRaisesRegex(UserError, "only the quantity used and its lots"):
            self.move_of(session, self.needle).with_user(self.manager).location_id = self.room_b
        session.action_done()
        self.assertEqual(self.on_hand(self.needle, self.room_b), 40)

    def test_used_quantity_is_a_number_never_negative(self):
        session = self._in_progress()
        move = self.move_of(session, self.rejuran)
        for value in (-1, "abc"):
            with self.subTest(value=value), self.assertRaisesRegex(UserError, "never negative"):
                session.write({"move_ids": [Command.update(move.id, {"quantity": value})]})
        with self.assertRaisesRegex(UserError, "never negative"):
            move.move_line_ids.with_user(self.practitioner).write({"quantity": "2"})
        self.assertEqual(move.quantity, 1)
        session.action_done()
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 7)

    def test_practitioner_stock_rights_are_her_sessions(self):
        customer = self.env["res.partner"].create({"name": "T Customer"})
        delivery = self.env["stock.picking"].create({
            "picking_type_id": self.warehouse.out_type_id.id, "partner_id": customer.id,
            "location_id": self.stock_location.id,
            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
            "move_ids": [Command.create({
                "name": "needles", "product_id": self.needle.id, "product_uom_qty": 2,
                "product_uom": self.uom_unit.id, "location_id": self.stock_location.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
            })],
        })
        delivery.action_confirm()
        state = delivery.move_ids.state
        with self.assertRaises(AccessError):
            delivery.move_ids.with_user(self.practitioner).write({"state": "done"})
        with self.assertRaises(AccessError):
            self.env["stock.move.line"].with_user(self.practitioner).create({
                "move_id": delivery.move_ids.id, "product_id": self.needle.id, "quantity": 2,
                "location_id": self.stock_location.id,
                "location_dest_id": delivery.location_dest_id.id,
            })
        self.assertEqual(delivery.move_ids.state, state)
        self.assertFalse(delivery.move_line_ids.filtered(lambda ml: ml.create_uid == self.practitioner))
        # The clerk's own work is unchanged.
        delivery.move_ids.with_user(self.clerk).quantity = 2

    # ------------------------------------------------------------------ packages

    def test_package_fields_only_by_invoices_and_sessions(self):
        invoice = self._invoice([(self.trio_course, 1)])
        package = invoice.invoice_line_ids.patient_package_ids
        other = self.env["res.partner"].create({"name": "T Other patient", "is_patient": True})
        for vals in ({"amount_total": 1.0}, {"patient_id": other.id}, {"state": "refunded"}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "recorded by the clinic's workflow"):
                package.with_user(self.manager).write(vals)
        with self.assertRaisesRegex(UserError, "recorded by the clinic's workflow"):
            package.line_ids[0].with_user(self.manager).write({"sessions_bought": 30})
        with self.assertRaisesRegex(UserError, "created by posting the invoice"):
            self.env["halley.patient.package"].with_user(self.manager).create({})
        # What a manager may do: extend the validity.
        package.with_user(self.manager).date_valid_until = NOW.date() + relativedelta(years=2)
        # Used is counted from the redeemed sessions.
        session = self._run(self._session(protocol=self.protocol_trio, package_id=package.id))
        self.assertTrue(session.package_redeemed)
        self.assertEqual(package.line_ids.sessions_used, 1)
        self.assertEqual(package.sessions_used, 1)
        session.with_user(self.manager).action_cancel()
        self.assertEqual(package.sessions_used, 0)
        self.assertEqual(package.sessions_remaining, 3)

    def test_packages_sold_on_one_line_each_have_their_reference(self):
        invoice = self._invoice([(self.trio_course, 2)])
        packages = invoice.invoice_line_ids.patient_package_ids
        self.assertEqual(len(packages), 2)
        self.assertEqual(len(set(packages.mapped("name"))), 2, packages.mapped("name"))

    # ------------------------------------------------------------------ words, not tracebacks

    def test_bad_input_gets_a_sentence(self):
        with self.assertRaisesRegex(ValidationError, "more than 2 years away"):
            self._session(start=NOW.replace(year=9999), user=self.practitioner)
        missing = self.env["res.partner"].create({"name": "T Gone"})
        missing_id = missing.id
        missing.unlink()
        with self.assertRaisesRegex(UserError, "patient chosen no longer exists"):
            self._session(patient=self.env["res.partner"].browse(missing_id), user=self.practitioner)
        # Cancelling a session invoiced on a draft invoice names the draft.
        session = self._run(self._session())
        self.env["halley.treatment.session"].with_user(self.billing).browse(session.ids).action_create_invoices()
        with self.assertRaisesRegex(UserError, "is invoiced on Draft Invoice"):
            session.with_user(self.manager).action_cancel()
        self.assertEqual(session.state, "done")
