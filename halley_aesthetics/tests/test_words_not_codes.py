"""Words, not codes: clinic users read products, protocols and stores by their names
(the internal reference stays searchable), patients receive documents without the
session's or the transfer's reference, units in their language, and the lot
recall's message is edited as text. Odoo's own screens are unchanged for users
outside the clinic groups (accountant, warehouse clerk)."""

import ast

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo.tests import new_test_user, tagged

from .common import NOW, HalleyPackageCommon

WORDS = {"display_default_code": False}


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestWordsNotCodes(HalleyPackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rejuran.default_code = "T-RJ-2"
        cls.protocol_rejuran.product_id.write({"name": "Rejuran Skin Healer — single session", "default_code": "TRT-RJ"})
        cls.protocol_rejuran.code = "Rejuran Skin Healer"
        cls.grace = cls.env["res.partner"].create(
            {"name": "Grace Lim", "is_patient": True, "email": "grace.lim@example.com"}
        )
        cls.accountant = new_test_user(
            cls.env, login="t_accountant", groups="account.group_account_invoice", name="Accountant"
        )
        cls.clerk = new_test_user(cls.env, login="t_clerk_w", groups="stock.group_stock_user", name="Clerk")

    def _arch(self, model, user, view_type, view_id=False):
        views = self.env[model].with_user(user).get_views([(view_id, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    # ------------------------------------------------------------------ products

    def test_products_by_name_for_clinic_users_code_still_searchable(self):
        Product = self.env["product.product"].with_user(self.practitioner).with_context(**WORDS)
        self.assertEqual(Product.browse(self.rejuran.id).display_name, "T Rejuran vial")
        # Typed by its internal reference in a picker: found, shown by its name.
        self.assertIn((self.rejuran.id, "T Rejuran vial"), Product.name_search("T-RJ-2"))
        # The accountant, on Odoo's screens: Odoo's "[CODE] Name", unchanged.
        as_accountant = self.env["product.product"].with_user(self.accountant)
        self.assertEqual(as_accountant.browse(self.rejuran.id).display_name, "[T-RJ-2] T Rejuran vial")
        self.assertIn((self.rejuran.id, "[T-RJ-2] T Rejuran vial"), as_accountant.name_search("T-RJ-2"))
        # A treatment (product template) follows the same context key.
        template = self.protocol_rejuran.product_tmpl_id
        self.assertEqual(template.with_context(**WORDS).display_name, "Rejuran Skin Healer — single session")
        self.assertEqual(template.display_name, "[TRT-RJ] Rejuran Skin Healer — single session")

    def test_consumption_lines_read_product_names(self):
        arch = self._arch("halley.treatment.session", self.practitioner, "form")
        for one2many in ("move_ids", "used_line_ids"):
            [node] = arch.xpath(f"//field[@name='{one2many}']/list/field[@name='product_id']")
            self.assertEqual(ast.literal_eval(node.get("context")), WORDS, one2many)
        session = self._session(patient=self.grace, start=NOW + relativedelta(days=2))
        session.action_confirm()
        # What the list's cell reads, with the field's context.
        [row] = session.with_user(self.practitioner).web_read(
            {"move_ids": {"fields": {"product_id": {"fields": {"display_name": {}}, "context": WORDS}}}}
        )
        names = {line["product_id"]["display_name"] for line in row["move_ids"]}
        self.assertIn("T Rejuran vial", names)
        self.assertFalse([name for name in names if name.startswith("[")], names)
        # No transfer reference on the session's form: stock users open it from the button.
        for node in arch.xpath("//field[@name='picking_id' or @name='return_picking_id']"):
            self.assertEqual(node.get("invisible"), "1")

    def test_protocol_components_and_title_in_words(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("halley_aesthetics.mrp_bom_action_halley_protocol")
        context = ast.literal_eval(action["context"])
        self.assertTrue(context["halley_clinic_names"])
        protocol = self.protocol_rejuran.with_user(self.manager).with_context(**context)
        # The breadcrumb and the form's title: the protocol's clinic name.
        self.assertEqual(protocol.display_name, "Rejuran Skin Healer")
        self.assertEqual(
            self.protocol_rejuran.display_name,
            "Rejuran Skin Healer: [TRT-RJ] Rejuran Skin Healer — single session",
            "Manufacturing keeps Odoo's name",
        )
        form_id = self.env.ref("halley_aesthetics.mrp_bom_view_form_halley_protocol").id
        arch = self._arch("mrp.bom", self.manager, "form", form_id)
        [title] = arch.xpath("//h1/field[@name='product_tmpl_id']")
        self.assertFalse(ast.literal_eval(title.get("context"))["display_default_code"])
        [component] = arch.xpath("//field[@name='bom_line_ids']/list/field[@name='product_id']")
        self.assertFalse(ast.literal_eval(component.get("context"))["display_default_code"])

    def test_invoice_line_picker_in_words_for_clinic_users_only(self):
        xpath = "//field[@name='invoice_line_ids']/list/field[@name='product_id']"
        [billing_node] = self._arch("account.move", self.billing, "form").xpath(xpath)
        self.assertEqual(ast.literal_eval(billing_node.get("context")), WORDS)
        [accountant_node] = self._arch("account.move", self.accountant, "form").xpath(xpath)
        self.assertNotIn("display_default_code", accountant_node.get("context") or "")

    def test_replenishment_reads_names_with_the_supplier_in_view(self):
        view_id = self.env.ref("halley_aesthetics.stock_warehouse_orderpoint_view_list_halley").id
        arch = self._arch("stock.warehouse.orderpoint", self.manager, "list", view_id)
        [product] = arch.xpath("//field[@name='product_id']")
        self.assertEqual(ast.literal_eval(product.get("context")), WORDS)
        shown = [
            node.get("name")
            for node in arch.xpath("/list/field")
            if node.get("optional") != "hide" and node.get("column_invisible") not in ("1", "True")
        ]
        self.assertIn("halley_vendor_id", shown)
        # Few enough columns for the product's name and the supplier at 1440 px.
        self.assertLessEqual(len(shown), 12, shown)

    # ------------------------------------------------------------------ stores and rooms

    def test_store_by_name_on_clinic_screens_only(self):
        store = self.stock_location
        several = self.env["stock.warehouse"].search_count([("company_id", "=", self.company.id)]) > 1
        expected = f"Store room ({self.warehouse.name})" if several else "Store room"
        clinic = store.with_user(self.manager).with_context(halley_clinic_names=True)
        self.assertEqual(clinic.display_name, expected)
        self.assertEqual(store.with_user(self.clerk).display_name, store.complete_name)
        self.assertIn("/", store.with_user(self.clerk).display_name)
        # The overview's reorder list: the store's rule reads the store in words.
        self.env["stock.warehouse.orderpoint"].create(
            {"product_id": self.rejuran.id, "location_id": store.id, "product_min_qty": 1000, "product_max_qty": 2000}
        )
        rows = self.env["halley.clinic.overview"].with_user(self.manager)._overview_stock_low()
        locations = {row["location"] for row in rows if row["product"] == "T Rejuran vial"}
        self.assertIn(expected, locations)
        self.assertFalse([row for row in rows if "/" in row["location"] or row["product"].startswith("[")], rows)

    # ------------------------------------------------------------------ documents

    def test_patient_documents_carry_no_references(self):
        session = self._run(self._session(patient=self.grace, start=NOW + relativedelta(days=2)))
        Report = self.env["ir.actions.report"].with_user(self.practitioner)
        for report in ("action_report_halley_aftercare", "action_report_halley_treatment_record"):
            with self.subTest(report=report):
                html = Report._render_qweb_html(f"halley_aesthetics.{report}", session.ids)[0].decode()
                self.assertIn("Rejuran Skin Healer", html)
                self.assertNotIn(session.name, html)
                self.assertNotIn("SES/", html)
                self.assertNotIn("WH/", html)
                self.assertNotIn("TRT-RJ", html)
        record = self.env.ref("halley_aesthetics.action_report_halley_treatment_record")
        file_name = session._treatment_record_name()
        self.assertEqual(file_name, "Treatment record - Grace Lim - Rejuran Skin Healer - 26 Nov 2026")
        self.assertEqual(record.print_report_name, "object._treatment_record_name()")
        reminder = self.env.ref("halley_aesthetics.mail_template_halley_session_reminder")
        upcoming = self._session(patient=self.grace, start=NOW + relativedelta(days=5))
        rendered = reminder._generate_template(upcoming.ids, ["subject", "body_html"])[upcoming.id]
        for text in (rendered["subject"], rendered["body_html"]):
            self.assertNotIn("SES/", text)
            self.assertNotIn("WH/", text)
        self.assertIn("Rejuran Skin Healer", rendered["body_html"])

    def test_chinese_sheet_reads_the_unit_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["uom"], ["zh_CN"])
        unit_zh = self.uom_unit.with_context(lang="zh_CN").name
        self.assertNotEqual(unit_zh, "Units", "Odoo's uom translates Units in Chinese")
        self.grace.lang = "zh_CN"
        session = self._run(self._session(patient=self.grace, start=NOW + relativedelta(days=2)))
        html = self.env["ir.actions.report"].with_user(self.practitioner)._render_qweb_html(
            "halley_aesthetics.action_report_halley_aftercare", session.ids
        )[0].decode()
        self.assertIn(unit_zh, html)
        self.assertNotIn(" Units", html)

    # ------------------------------------------------------------------ recall

    def test_recall_message_is_edited_as_text(self):
        recall = self.env["halley.lot.recall"].with_user(self.manager).create({"lot_id": self.lot_rj_late.id})
        self.assertTrue(recall.body)
        self.assertNotIn("{{", recall.body)
        self.assertNotIn("object.", recall.body)
        template = self.env.ref("halley_aesthetics.mail_template_halley_lot_recall")
        self.assertNotIn("{{", template.body_html)
