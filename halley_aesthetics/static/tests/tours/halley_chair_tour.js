/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A practitioner at the chair, on a portrait tablet (820 x 1180): she opens a
 * booked session, answers the screening one click per question (and All no for
 * the rest), is refused Start with a titled dialog listing the hard stops one
 * per line, corrects the answers, starts and completes the session.
 */

const row = (question) => `.o_field_widget[name=screening_ids] .o_data_row:contains('${question}')`;

function answer(question, value) {
    const label = value === "yes" ? "Yes" : "No";
    return [
        {
            content: `${question}: ${label}, in one click`,
            trigger: `${row(question)} .o_halley_answer button[data-value=${value}]`,
            run: "click",
        },
        {
            content: `${question} is answered ${label}`,
            trigger: `${row(question)} .o_halley_answer button[data-value=${value}].active`,
        },
    ];
}

function assertFits() {
    const failures = [];
    const page = document.scrollingElement || document.documentElement;
    if (page.scrollWidth > window.innerWidth) {
        failures.push(`the page scrolls sideways (${page.scrollWidth} > ${window.innerWidth})`);
    }
    for (const selector of [".o_content", ".o_form_sheet", ".o_field_widget[name=screening_ids] .o_list_renderer"]) {
        const el = document.querySelector(selector);
        if (el && el.scrollWidth > el.clientWidth + 1) {
            failures.push(`${selector} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
        }
    }
    for (const cell of document.querySelectorAll(".o_field_widget[name=screening_ids] td[name=question]")) {
        if (cell.scrollWidth > cell.clientWidth + 1) {
            failures.push(`question cut: ${cell.textContent.trim()}`);
        }
    }
    for (const button of document.querySelectorAll(".o_form_statusbar .o_statusbar_buttons button:not(.d-none)")) {
        const box = button.getBoundingClientRect();
        if (box.width && box.right > window.innerWidth) {
            failures.push(`button out of reach: ${button.textContent.trim()}`);
        }
    }
    if (failures.length) {
        throw new Error(`The session form does not fit a ${window.innerWidth} px tablet: ${failures.join("; ")}`);
    }
}

registry.category("web_tour.tours").add("halley_chair_tour", {
    steps: () => [
        {
            content: "The booked session is open",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Confirmed')",
        },
        {
            content: "Screening tab",
            trigger: ".o_notebook .nav-link:contains('Screening')",
            run: "click",
        },
        {
            trigger: `${row("Bleeding disorder")} .o_halley_answer`,
        },
        {
            content: "On a portrait tablet the form fits: questions wrap, nothing scrolls sideways",
            trigger: ".o_field_widget[name=screening_ids] .o_data_row:nth-child(8)",
            run: assertFits,
        },
        ...answer("Bleeding disorder", "yes"),
        ...answer("Anticoagulants", "no"),
        ...answer("Aged 65", "no"),
        ...answer("Supplements", "no"),
        ...answer("Pregnant", "no"),
        ...answer("Fish or salmon allergy", "yes"),
        {
            content: "All no answers the two questions left, in one click",
            trigger: "button[name=action_screening_all_no]",
            run: "click",
        },
        {
            trigger: `${row("Local anaesthetic allergy")} .o_halley_answer button[data-value=no].active`,
        },
        {
            trigger: `${row("Active infection")} .o_halley_answer button[data-value=no].active`,
        },
        {
            content: "Her hard stops kept their Yes",
            trigger: `${row("Fish or salmon allergy")} .o_halley_answer button[data-value=yes].active`,
        },
        {
            content: "Start",
            trigger: "button[name=action_start]",
            run: "click",
        },
        {
            content: "Refused: the dialog says what was refused",
            trigger: ".modal .modal-title:contains('Session cannot start')",
        },
        {
            content: "... and lists the hard stops one per line",
            trigger: ".modal .o_halley_refusal_items:has(li:nth-child(2)):not(:has(li:nth-child(3)))",
        },
        {
            trigger: ".modal .o_halley_refusal_items li:first-child:contains('Bleeding disorder')",
        },
        {
            trigger: ".modal .o_halley_refusal_items li:nth-child(2):contains('Fish or salmon allergy')",
        },
        {
            trigger: ".modal .o-default-button",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "She asked again: no bleeding disorder, no fish allergy",
            trigger: `${row("Bleeding disorder")} .o_halley_answer button[data-value=no]`,
            run: "click",
        },
        {
            trigger: `${row("Bleeding disorder")} .o_halley_answer button[data-value=no].active`,
        },
        ...answer("Fish or salmon allergy", "no"),
        {
            trigger: "button[name=action_start]",
            run: "click",
        },
        {
            content: "Started",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In progress')",
        },
        {
            content: "The screening is read only once the session started",
            trigger: `${row("Bleeding disorder")} .o_halley_answer_readonly:contains('No')`,
        },
        {
            trigger: ".o_field_widget[name=screening_ids]:not(:has(.o_halley_answer button))",
            run: assertFits,
        },
        {
            trigger: "button[name=action_done]",
            run: "click",
        },
        {
            content: "Done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
    ],
});
