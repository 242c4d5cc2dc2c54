from itertools import count

from odoo import Command, fields
from odoo.exceptions import UserError

from .common import HalleyPackageCommon

_uid = count(1)


class HalleyCounterCommon(HalleyPackageCommon):
    """The clinic's counter: a Point of Sale of the test company with cash and card,
    opened by billing, and orders built the way Odoo 18's POS sends them
    (``pos.order.sync_from_ui``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        Journal = cls.env["account.journal"]
        cls.bank_journal = Journal.search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
        cash_journal = Journal.create(
            {"name": "T Counter cash", "code": "TCSH", "type": "cash", "company_id": company.id}
        )
        Method = cls.env["pos.payment.method"]
        cls.cash = Method.create({"name": "T Cash", "journal_id": cash_journal.id, "company_id": company.id})
        cls.card = Method.create({"name": "T Card", "journal_id": cls.bank_journal.id, "company_id": company.id})
        cls.shelf = cls.warehouse.halley_retail_location_id
        # Stock leaves the shelf with each order (not at the session's closing).
        company.point_of_sale_update_stock_quantities = "real"
        cls.counter = cls.env["pos.config"].create(
            {
                "name": "T Counter",
                "company_id": company.id,
                "payment_method_ids": [Command.set((cls.cash | cls.card).ids)],
                "picking_type_id": cls.warehouse.pos_type_id.id,
            }
        )
        cls.cream = cls.env["product.product"].create(
            {
                "name": "T Recovery cream (home care)",
                "clinic_role": "retail",
                "tracking": "lot",
                "use_expiration_date": True,
                "lst_price": 68.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.lot_cream_early = cls._lot(cls.cream, "TRC-EARLY", months=4)
        cls.lot_cream_late = cls._lot(cls.cream, "TRC-LATE", months=14)
        cls._set_stock(cls.shelf, [(cls.cream, 2, cls.lot_cream_early), (cls.cream, 5, cls.lot_cream_late)])
        cls.trio_course.available_in_pos = True

    def _open_counter(self, user=None):
        counter = self.counter.with_user(user or self.billing)
        counter.open_ui()
        session = counter.current_session_id
        session.set_opening_control(0, None)
        return session

    def _ui_line(self, product, qty=1.0, price=None, session=None, **extra):
        price = product.lst_price if price is None else price
        return Command.create(
            {
                "uuid": f"line-{next(_uid)}",
                "product_id": product.id,
                "qty": qty,
                "price_unit": price,
                "price_subtotal": price * qty,
                "price_subtotal_incl": price * qty,
                "discount": 0.0,
                "pack_lot_ids": [],
                "tax_ids": [Command.set([])],
                "halley_session_id": session.id if session else False,
                **extra,
            }
        )

    def _ui_order(self, pos_session, lines, partner=None, payments=None, draft=False, to_invoice=False):
        """The order dict Odoo 18's POS sends (see point_of_sale/tests/common.py)."""
        total = sum(line[2]["price_subtotal_incl"] for line in lines)
        payments = payments if payments is not None else [(self.card, total)]
        uid = f"00{next(_uid):03d}-001-0001"
        return {
            "amount_paid": 0 if draft else sum(amount for _method, amount in payments),
            "amount_return": 0,
            "amount_tax": 0,
            "amount_total": total,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "fiscal_position_id": False,
            "pricelist_id": self.counter.pricelist_id.id,
            "name": f"Order {uid}",
            "last_order_preparation_change": "{}",
            "lines": lines,
            "partner_id": partner.id if partner else False,
            "session_id": pos_session.id,
            "sequence_number": 2,
            "payment_ids": [] if draft else [
                Command.create({"amount": amount, "name": fields.Datetime.now(), "payment_method_id": method.id})
                for method, amount in payments
            ],
            "uuid": uid,
            "user_id": pos_session.user_id.id,
            "to_invoice": to_invoice,
            **({"state": "draft"} if draft else {}),
        }

    def _sync(self, orders, user=None):
        """Sync orders as the POS does, as ``user`` (billing): the pos.order records."""
        env = self.env(user=user or self.billing)
        result = env["pos.order"].sync_from_ui(orders)
        return env["pos.order"].browse([order["id"] for order in result["pos.order"]])

    def assertCounterRefuses(self, message, orders, user=None):
        """The sync of ``orders`` is refused with ``message`` and leaves nothing
        behind (an RPC call is one transaction: here, a savepoint)."""
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
            self._sync(orders, user=user)
