from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import HalleyCommon


class TestWarehouseTypes(HalleyCommon):
    """Each warehouse has its treatment consumption and return types, created with
    it; a session books with its room's warehouse's type and creates none."""

    def test_a_new_warehouse_comes_with_its_treatment_types(self):
        warehouse = self.env["stock.warehouse"].create(
            {"name": "Annex clinic", "code": "ANX", "company_id": self.company.id}
        )
        consumption, returns = warehouse.halley_consumption_type_id, warehouse.halley_return_type_id
        production = self.company._halley_production_location()
        self.assertEqual(production.usage, "production")
        common = {
            "warehouse_id": warehouse.id, "company_id": self.company.id,
            "use_create_lots": False, "use_existing_lots": True, "active": False,
        }
        self.assertRecordValues(consumption, [{
            **common, "name": "Treatment consumption", "code": "outgoing", "sequence_code": "TRT",
            "is_treatment_consumption": True, "reservation_method": "manual", "create_backorder": "never",
            "default_location_src_id": warehouse.lot_stock_id.id, "default_location_dest_id": production.id,
            "return_picking_type_id": returns.id, "barcode": "ANXTRT",
        }])
        self.assertRecordValues(returns, [{
            **common, "name": "Treatment returns", "code": "incoming", "sequence_code": "TRR",
            "is_treatment_consumption": False,
            "default_location_src_id": production.id, "default_location_dest_id": warehouse.lot_stock_id.id,
        }])
        self.assertEqual((consumption.sequence_id.prefix, returns.sequence_id.prefix), ("ANX/TRT/", "ANX/TRR/"))

        # Archived until the warehouse has a treatment room, as Odoo archives the
        # types a warehouse's steps do not use: a warehouse's active "outgoing" type
        # is still its delivery alone (Odoo's own stock tests rely on it), beside the
        # "PoS Orders" type Point of Sale gives every warehouse.
        outgoing = self.env["stock.picking.type"].search([("code", "=", "outgoing"), ("warehouse_id", "=", warehouse.id)])
        self.assertEqual(outgoing, warehouse.out_type_id | warehouse.pos_type_id)
        self.assertNotIn(consumption, outgoing)

        # A session in a room of the annex books its consumption with the annex's type.
        room = self._create_room("Annex room", parent=warehouse.lot_stock_id)
        self.assertTrue(consumption.active and returns.active)
        session = self._session(room=room)
        session.action_confirm()
        self.assertEqual(session.picking_id.picking_type_id, consumption)
        self.assertTrue(session.picking_id.name.startswith("ANX/TRT/"))

        # Renaming the warehouse's code renames the sequences, as Odoo's own types'.
        warehouse.code = "ANN"
        self.assertEqual((consumption.sequence_id.prefix, returns.sequence_id.prefix), ("ANN/TRT/", "ANN/TRR/"))
        self.assertEqual(consumption.barcode, "ANNTRT")

    def test_the_existing_warehouse_has_them_and_booking_creates_none(self):
        PickingType = self.env["stock.picking.type"].with_context(active_test=False)
        consumption = self.warehouse.halley_consumption_type_id
        self.assertTrue(consumption.is_treatment_consumption)
        self.assertEqual(consumption.return_picking_type_id, self.warehouse.halley_return_type_id)
        count = PickingType.search_count([])
        self.assertEqual(self.room._halley_consumption_type(), consumption)
        session = self._session()
        session.action_confirm()
        self.assertEqual(session.picking_id.picking_type_id, consumption)
        self.assertEqual(PickingType.search_count([]), count, "booking a session creates no operation type")

    def test_a_room_without_warehouse_or_type_is_refused_in_plain_words(self):
        PickingType = self.env["stock.picking.type"].with_context(active_test=False)
        count = PickingType.search_count([])
        loose = self.env["stock.location"].create(
            {"name": "Loose room", "usage": "internal", "is_treatment_room": True, "company_id": self.company.id}
        )
        with self.assertRaisesRegex(UserError, "The treatment room Loose room belongs to no warehouse"):
            self._session(room=loose).action_confirm()
        self.warehouse.halley_consumption_type_id = False
        with self.assertRaisesRegex(UserError, "has no treatment consumption operation type"):
            self._session().action_confirm()
        self.assertEqual(PickingType.search_count([]), count, "nothing is created on the fly")


@tagged("post_install", "-at_install")
class TestDeferredAccount(TransactionCase):
    """The deferred-revenue account comes with a company's chart of accounts; the
    getter only reads it."""

    def test_a_chart_of_accounts_comes_with_the_deferred_account(self):
        Account = self.env["account.account"].sudo()
        company = self.env["res.company"].create({"name": "Chart Clinic"})
        self.assertFalse(company._halley_get_deferred_account(), "no chart: no account")
        with self.assertRaisesRegex(UserError, "Set up the chart of accounts of Chart Clinic"):
            company._halley_get_deferred_account(raise_if_missing=True)

        self.env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        account = company.halley_deferred_account_id
        self.assertRecordValues(account, [{
            "name": "Deferred treatment revenue", "account_type": "liability_current", "company_ids": company.ids,
        }])
        self.assertEqual(company._halley_get_deferred_account(raise_if_missing=True), account)

        # Removed by hand: refused in plain words, never created again on the fly.
        company.halley_deferred_account_id = False
        count = Account.search_count([])
        self.assertFalse(company._halley_get_deferred_account())
        with self.assertRaisesRegex(UserError, "Chart Clinic has no deferred treatment revenue account"):
            company._halley_get_deferred_account(raise_if_missing=True)
        self.assertEqual(Account.search_count([]), count)

    def test_a_branch_shares_its_root_companys_deferred_account(self):
        """As Odoo's chart shares every account of the root with its branches, the
        branch's chart brings no account of its own (account's test_company_branch)."""
        Account = self.env["account.account"].sudo()
        root = self.env["res.company"].create({"name": "Chain Clinic"})
        self.env["account.chart.template"].try_loading("generic_coa", root, install_demo=False)
        branch = self.env["res.company"].create({"name": "Chain Clinic Annex", "parent_id": root.id})
        self.env.user.company_ids |= root | branch
        self.env["account.chart.template"].try_loading("generic_coa", branch, install_demo=False)
        self.assertTrue(root.halley_deferred_account_id)
        self.assertEqual(branch.halley_deferred_account_id, root.halley_deferred_account_id)
        self.assertEqual(
            Account.search([("company_ids", "parent_of", root.id)]),
            Account.search([("company_ids", "parent_of", branch.id)]),
        )
