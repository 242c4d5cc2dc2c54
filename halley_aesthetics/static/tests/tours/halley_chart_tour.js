/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A practitioner opens Clinic > Patients, her patient, reads her chart, then
 * opens one of her sessions and sees the chart's alerts at the top.
 */
registry.category("web_tour.tours").add("halley_chart_tour", {
    url: "/odoo/action-halley_aesthetics.halley_patient_action",
    steps: () => [
        {
            content: "Open the patient",
            trigger: ".o_kanban_record:contains('Tour Chart Patient')",
            run: "click",
        },
        {
            content: "Her chart is on the clinic's patient form",
            trigger: ".o_notebook .nav-link.active:contains('Chart')",
        },
        {
            trigger: ".o_field_widget[name=halley_medical_alerts]:contains('Check her INR')",
        },
        {
            content: "Her typed medication is coded, and her anticoagulant flag follows",
            trigger: ".o_field_widget[name=halley_medicine_ids]:contains('Warfarin')",
        },
        {
            trigger: ".o_field_widget[name=halley_anticoagulant] input:checked",
        },
        {
            content: "No job position or website on the clinic's form",
            trigger: ".o_form_view:not(:has(.o_field_widget[name=function])):not(:has(.o_field_widget[name=website]))",
        },
        {
            content: "Her sessions",
            trigger: "button[name=action_view_treatment_sessions]",
            run: "click",
        },
        {
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains('Tour Chart Patient') td.o_data_cell",
            run: "click",
        },
        {
            content: "The chart's alerts at the top of the session",
            trigger: ".o_halley_chart_alerts:contains('Check her INR'):contains('On anticoagulants')",
        },
        {
            trigger: ".o_halley_chart_alerts:contains('Penicillin')",
        },
        {
            content: "Her coded allergy and what of the session contains it",
            trigger: ".o_halley_chart_alerts .o_halley_allergen_conflicts:contains('Tour chart cream contains it')",
        },
        {
            trigger: ".o_halley_chart_alerts:contains('Salmon / fish DNA (PDRN)'):contains('Warfarin')",
        },
        {
            content: "What matches no code is shown as typed",
            trigger: ".o_halley_chart_alerts .o_halley_uncoded:contains('Not coded: Penicillin')",
        },
        {
            content: "Her anticoagulant is offered in the screening, from her chart",
            trigger: ".o_notebook .nav-link:contains('Screening')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=screening_ids] .o_data_row:contains('Tour anticoagulants') td[name=answer] .o_halley_answer_hint[data-hint=chart_answer]:contains('From her chart: Yes')",
        },
    ],
});
