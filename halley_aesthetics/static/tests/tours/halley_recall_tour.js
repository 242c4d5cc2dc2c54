/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A clinic manager types a recalled lot number: in one screen she sees every
 * patient who received it, and notifies them.
 */
registry.category("web_tour.tours").add("halley_recall_tour", {
    url: "/odoo/action-halley_aesthetics.halley_treatment_session_action",
    steps: () => [
        {
            content: "Clinic > Stock > Lot recall",
            trigger: ".o_main_navbar .o_menu_sections button:contains('Stock')",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains('Lot recall')",
            run: "click",
        },
        {
            content: "Type the lot number from the manufacturer's notice",
            trigger: ".modal .o_field_widget[name=lot_name] input",
            run: "edit TOUR-RECALL-1",
        },
        {
            trigger: ".modal .o_field_widget[name=patient_count]",
            run: "click",
        },
        {
            content: "Both patients who received the lot are listed with their contact details",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains('Recall Patient One'):contains('one@example.com')",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains('Recall Patient Two')",
        },
        {
            trigger: ".modal .o_field_widget[name=patient_count]:contains('2')",
        },
        {
            content: "Notify them",
            trigger: ".modal button[name=action_notify]",
            run: "click",
        },
        {
            trigger: ".modal-footer button:contains('Ok')",
            run: "click",
        },
        {
            content: "The notices are logged: the wizard closes on their list",
            trigger: "body:not(:has(.modal)) .o_breadcrumb .active:contains('Recall notices')",
        },
        {
            trigger: "body:not(:has(.modal)) .o_action_manager .o_list_view .o_data_row:contains('Recall Patient One')",
        },
        {
            trigger: "body:not(:has(.modal)) .o_action_manager .o_list_view .o_data_row:contains('Recall Patient Two')",
        },
    ],
});
