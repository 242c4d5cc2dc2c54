/** @odoo-module **/

import { registry } from "@web/core/registry";

// Billing closes the day: Clinic > Billing > To invoice opens grouped per patient and
// unfolded, each session with its treatment, practitioner and price; selecting the
// patient's session and pressing Create invoices opens her draft invoice, its line in
// the clinic's words.
registry.category("web_tour.tours").add("halley_to_invoice_tour", {
    steps: () => [
        {
            content: "The patient's group is unfolded: her session is listed without a click",
            trigger: ".o_list_view .o_group_header:contains('Tour Invoice Patient')",
        },
        {
            content: "The session reads the treatment's clinic name, the practitioner and the price",
            trigger: ".o_list_view .o_data_row:contains('Tour Skin Healer'):contains('Tour Doctor'):contains('280.00')",
        },
        {
            content: "Select her session",
            trigger: ".o_list_view .o_data_row:contains('Tour Skin Healer') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Create invoices is at hand, not in the Actions menu",
            trigger: ".o_control_panel button[name=action_create_invoices]",
            run: "click",
        },
        {
            content: "Her draft invoice opens",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Draft')",
        },
        {
            content: "Its line names the treatment, the day and the practitioner",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row .o_field_product_label_section_and_note_cell textarea",
            run() {
                const label = this.anchor.value;
                if (!/^Tour Skin Healer, \d{1,2} \w{3} \d{4}, Tour Doctor$/.test(label)) {
                    throw new Error(`The invoice line reads "${label}"`);
                }
            },
        },
    ],
});
