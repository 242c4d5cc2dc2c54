"""A completed session's consumption is frozen for everyone: its stock moves, their
lines and its transfers cannot be written, deleted, added to or unlocked by any
role (clinic manager and plain Inventory administrator included), each refusal
names the session and says how to correct it, and the room's stock and the lot's
recall figures are unchanged. Cancelling the session (the workflow's return) still
works."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import NOW, HalleyCommon

FROZEN = "kept as it was recorded"
HOW = "cancel the session .*or add an addendum"


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestFrozenRecord(HalleyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_admin = new_test_user(
            cls.env, login="t_stock_admin", groups="stock.group_stock_manager", name="Inventory Admin"
        )
        cls._set_stock(cls.room, [(cls.rejuran, 8, cls.lot_rj_early), (cls.numbing, 60, cls.lot_numb),
                                  (cls.needle, 40, None), (cls.recovery, 100, None)])

    def setUp(self):
        super().setUp()
        self.session = self._session().with_user(self.practitioner)
        self.session.action_confirm()
        self.session.action_start()
        self.session.action_done()
        self.assertEqual(self.session.state, "done")
        self.move = self.move_of(self.session, self.rejuran)
        self.line = self.move.move_line_ids
        self.assertEqual(self.line.lot_id, self.lot_rj_early)
        self.name = f"{self.patient.name} · {self.protocol_rejuran.clinic_name}"

    def snapshot(self):
        moves = self.session.sudo().move_ids
        lines = moves.move_line_ids
        return (
            [(m.id, m.state, m.quantity, m.product_id.id, m.location_id.id, m.location_dest_id.id, m.date, m.picked)
             for m in moves],
            [(ml.id, ml.quantity, ml.lot_id.id, ml.product_id.id, ml.location_id.id, ml.location_dest_id.id,
              ml.date, ml.state, ml.picked, ml.owner_id.id, ml.package_id.id, ml.result_package_id.id)
             for ml in lines],
            self.on_hand(self.rejuran, lot=self.lot_rj_early),
            self.session.sudo().picking_id.is_locked,
            self.session.sudo().picking_id.state,
        )

    def assertFrozen(self, call, user):
        with self.assertRaisesRegex(UserError, f"{FROZEN}.*{HOW}") as caught:
            call()
        message = str(caught.exception)
        self.assertNotIn("Journal Entry", message)
        return message

    # ------------------------------------------------------------------ every role

    def test_no_role_rewrites_a_done_line(self):
        before = self.snapshot()
        package = self.env["stock.quant.package"].create({"name": "T Box"})
        writes = (
            {"quantity": 40}, {"quantity": 0}, {"lot_id": self.lot_rj_late.id}, {"location_id": self.room_b.id},
            {"location_dest_id": self.room.id}, {"date": NOW}, {"picked": False}, {"state": "draft"},
            {"owner_id": self.patient.id}, {"product_id": self.needle.id},
            {"package_id": package.id}, {"result_package_id": package.id},
        )
        for user in (self.manager, self.stock_admin, self.practitioner):
            for vals in writes:
                with self.subTest(user=user.name, vals=vals):
                    message = self.assertFrozen(lambda u=user, v=vals: self.line.with_user(u).write(v), user)
                    if user != self.stock_admin:  # the clinic's staff read it in words
                        self.assertIn(self.name, message)
            with self.subTest(user=user.name, action="unlink"):
                self.assertFrozen(lambda u=user: self.line.with_user(u).unlink(), user)
        # Billing may read the consumption but never changes it.
        with self.assertRaises(UserError):  # or its AccessError
            self.line.with_user(self.billing).write({"quantity": 40})
        self.assertEqual(self.snapshot(), before)

    def test_the_inventory_admin_reads_the_reference(self):
        message = self.assertFrozen(lambda: self.line.with_user(self.stock_admin).write({"quantity": 40}),
                                    self.stock_admin)
        self.assertIn(self.session.name, message)
        self.assertNotIn(self.patient.name, message)

    def test_no_role_rewrites_a_done_move(self):
        before = self.snapshot()
        for user in (self.manager, self.stock_admin, self.practitioner):
            for vals in ({"quantity": 40}, {"product_uom_qty": 3}, {"location_id": self.room_b.id},
                         {"state": "draft"}, {"date": NOW}, {"picked": False},
                         {"move_line_ids": [Command.update(self.line.id, {"quantity": 40})]},
                         {"move_line_ids": [Command.unlink(self.line.id)]}):
                with self.subTest(user=user.name, vals=vals):
                    self.assertFrozen(lambda u=user, v=vals: self.move.with_user(u).write(v), user)
            with self.subTest(user=user.name, action="unlink"):
                self.assertFrozen(lambda u=user: self.move.with_user(u).unlink(), user)
        self.assertEqual(self.snapshot(), before)

    def test_no_line_is_added_to_a_done_consumption(self):
        before = self.snapshot()
        for user in (self.manager, self.stock_admin):
            with self.subTest(user=user.name):
                self.assertFrozen(lambda u=user: self.env["stock.move.line"].with_user(u).create({
                    "move_id": self.move.id, "product_id": self.rejuran.id, "quantity": 5,
                    "lot_id": self.lot_rj_early.id, "location_id": self.room.id,
                    "location_dest_id": self.move.location_dest_id.id,
                }), user)
                self.assertFrozen(lambda u=user: self.env["stock.move.line"].with_user(u).create({
                    "picking_id": self.session.sudo().picking_id.id, "product_id": self.rejuran.id,
                    "quantity": 5, "lot_id": self.lot_rj_early.id, "location_id": self.room.id,
                    "location_dest_id": self.move.location_dest_id.id,
                }), user)
        self.assertEqual(self.snapshot(), before)

    def test_the_transfer_is_never_unlocked(self):
        before = self.snapshot()
        picking = self.session.sudo().picking_id
        self.assertTrue(picking.is_locked)
        for user in (self.manager, self.stock_admin):
            with self.subTest(user=user.name):
                self.assertFrozen(lambda u=user: picking.with_user(u).action_toggle_is_locked(), user)
                self.assertFrozen(lambda u=user: picking.with_user(u).write({"is_locked": False}), user)
                self.assertFrozen(
                    lambda u=user: picking.with_user(u).write(
                        {"move_ids": [Command.update(self.move.id, {"quantity": 40})]}
                    ), user)
                self.assertFrozen(lambda u=user: picking.with_user(u).unlink(), user)
        self.assertEqual(self.snapshot(), before)

    def test_a_practitioner_hears_the_clinic_s_sentence(self):
        message = self.assertFrozen(
            lambda: self.line.with_user(self.practitioner).write({"quantity": 40}), self.practitioner
        )
        self.assertIn(self.name, message)

    # ------------------------------------------------------------------ the undo

    def test_cancel_still_returns_the_stock_and_keeps_it_frozen(self):
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 7)
        self.session.with_user(self.manager).action_cancel()
        self.assertEqual(self.session.state, "cancel")
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 8)
        returned = self.session.sudo().return_picking_id
        self.assertEqual(returned.state, "done")
        with self.assertRaisesRegex(UserError, f"{FROZEN}.*cancelled and its stock was returned.*addendum"):
            self.line.with_user(self.manager).write({"quantity": 40})
        with self.assertRaisesRegex(UserError, FROZEN):
            returned.move_line_ids[:1].with_user(self.stock_admin).write({"quantity": 40})
        with self.assertRaisesRegex(UserError, FROZEN):
            returned.with_user(self.manager).action_toggle_is_locked()
        self.assertEqual(self.on_hand(self.rejuran, lot=self.lot_rj_early), 8)
