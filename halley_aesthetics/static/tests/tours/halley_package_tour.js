/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * Billing sells the Baby Skin Trio course on a customer invoice and posts it:
 * the invoice line shows the patient's new package, with its three sessions.
 */
registry.category("web_tour.tours").add("halley_package_sale_tour", {
    url: "/odoo/action-account.action_move_out_invoice_type",
    steps: () => [
        {
            content: "New customer invoice",
            trigger: ".o_list_button_add, .o-kanban-button-new",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Trio Patient",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour Trio Patient')",
            run: "click",
        },
        {
            content: "Add the course",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row.o_selected_row .o_field_widget[name=product_id] input",
            run: "edit Tour Trio course",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour Trio course')",
            run: "click",
        },
        {
            content: "The course's price",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row [name=price_subtotal]:contains('1,500.00')",
        },
        {
            content: "Confirm the invoice",
            trigger: "button[name=action_post]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
        {
            content: "The line shows the patient's package: 3 sessions left",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row .o_tag:contains('3 of 3 left')",
        },
    ],
});

/**
 * After three sessions, billing opens the package: used up, nothing deferred,
 * three revenue entries, and the sessions numbered 1, 2, 3 of 3.
 */
registry.category("web_tour.tours").add("halley_package_used_tour", {
    steps: () => [
        {
            content: "The package is used up",
            trigger: ".o_form_view .ribbon:contains('Used up')",
        },
        {
            trigger: ".o_field_widget[name=sessions_remaining]:contains('0')",
        },
        {
            content: "Nothing left in deferred revenue",
            trigger: ".o_field_widget[name=amount_deferred]:contains('0.00')",
        },
        {
            trigger: ".o_field_widget[name=amount_recognized]:contains('1,500.00')",
        },
        {
            trigger: ".o_notebook .nav-link:contains('Sessions')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=session_ids] .o_data_row:contains('Session 3 of 3')",
        },
        {
            trigger: ".o_notebook .nav-link:contains('Revenue entries')",
            run: "click",
        },
        {
            content: "Each session moved 500.00 out of deferred revenue",
            trigger: ".o_field_widget[name=move_line_ids] .o_data_row:contains('Deferred treatment revenue'):contains('500.00')",
        },
    ],
});
