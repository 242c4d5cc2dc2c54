/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A clinic manager types a recalled lot number: she sees how many patients
 * received it, finds them (a paginated list), and notifies them (queued).
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
            trigger: ".o_form_view .o_field_widget[name=lot_name] input",
            run: "edit TOUR-RECALL-1",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=subject] input",
            run: "click",
        },
        {
            content: "Two patients received it, in two sessions",
            trigger: ".o_form_view .o_field_widget[name=patient_count]:contains('2')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=session_count]:contains('2')",
        },
        {
            content: "Find them",
            trigger: ".o_form_view button[name=action_find_patients]",
            run: "click",
        },
        {
            content: "Both patients who received the lot are listed with their contact details",
            trigger: ".o_list_view .o_data_row:contains('Recall Patient One'):contains('one@example.com')",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Recall Patient Two')",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Recall Patient Three')))",
        },
        {
            content: "Back to the recall",
            trigger: ".o_breadcrumb .breadcrumb-item:not(.active) a:contains('Recall of TOUR-RECALL-1')",
            run: "click",
        },
        {
            content: "Notify them",
            trigger: ".o_form_view button[name=action_notify]",
            run: "click",
        },
        {
            trigger: ".modal-footer button:contains('Ok')",
            run: "click",
        },
        {
            content: "The notices are logged at once: the recall opens their list",
            trigger: "body:not(:has(.modal)) .o_breadcrumb .active:contains('Recall notices')",
        },
        {
            trigger: "body:not(:has(.modal)) .o_action_manager .o_list_view .o_data_row:contains('Recall Patient One'):contains('Queued')",
        },
        {
            trigger: "body:not(:has(.modal)) .o_action_manager .o_list_view .o_data_row:contains('Recall Patient Two')",
        },
    ],
});
