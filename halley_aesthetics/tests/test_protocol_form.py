from lxml import etree

from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import HalleyCommon

# Manufacturing's fields, which have no meaning for a treatment protocol.
MANUFACTURING = ("operation_ids", "byproduct_ids", "produce_delay", "days_to_prepare_mo", "ready_to_produce",
                 "consumption", "picking_type_id", "allow_operation_dependencies", "type")


@tagged("post_install", "-at_install")
class TestProtocolForm(HalleyCommon):
    def test_clinic_manager_builds_a_protocol_on_the_clinic_form(self):
        action = self.env.ref("halley_aesthetics.mrp_bom_action_halley_protocol")
        form_view = action.view_ids.filtered(lambda v: v.view_mode == "form").view_id
        Bom = self.env["mrp.bom"].with_user(self.manager).with_context(**safe_eval(action.context))
        arch = etree.fromstring(Bom.get_views([(form_view.id, "form")])["views"]["form"]["arch"])
        shown = {node.get("name") for node in arch.xpath("//field") if node.get("invisible") not in ("1", "True", "true")}
        self.assertFalse(shown & set(MANUFACTURING), "no manufacturing field on the clinic's form")
        self.assertEqual(
            [page.get("string") for page in arch.xpath("//notebook/page")],
            ["Components", "Default chart", "Clinical", "Screening", "Aftercare", "Consent"],
        )
        treatment = self.env["product.template"].create({"name": "T Profhilo treatment", "type": "service"})
        with Form(Bom, view=form_view) as form:
            form.product_tmpl_id = treatment
            form.code = "Profhilo"
            form.procedure_minutes = 15
            with form.bom_line_ids.new() as line:
                line.product_id = self.rejuran
                line.product_qty = 1
            with form.bom_line_ids.new() as line:
                line.product_id = self.numbing
                line.product_qty = 5
        protocol = form.record
        self.assertEqual((protocol.type, protocol.is_treatment_protocol), ("phantom", True))
        self.assertEqual(protocol.bom_line_ids.mapped("product_uom_id"), self.uom_unit | self.uom_gram)
        # Cost per session: one vial at 180.00 and 5 g of cream at 0.80.
        self.assertAlmostEqual(protocol.with_user(self.manager).session_cost, 184.0)
        self.assertEqual(protocol.clinic_name, "Profhilo")
        # The list names protocols as the clinic does, first.
        list_view = action.view_ids.filtered(lambda v: v.view_mode == "list").view_id
        list_arch = etree.fromstring(Bom.get_views([(list_view.id, "list")])["views"]["list"]["arch"])
        self.assertEqual(list_arch.xpath("//field")[0].get("name"), "clinic_name")
