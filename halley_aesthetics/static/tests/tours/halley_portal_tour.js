/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * The patient, before her visit, on the patient portal: from /my she opens her
 * treatments, her upcoming session, answers the screening questions (no to all,
 * then yes to the supplements question with a note) and sends them.
 */
const question = (text) => `.o_halley_portal_question[data-question='${text}']`;

registry.category("web_tour.tours").add("halley_portal_previsit_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open her treatments from /my",
            trigger: ".o_portal_index_card a[href='/my/treatments']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open her upcoming treatment",
            trigger: ".o_halley_portal_upcoming a.o_halley_portal_session_link:contains('T Baby Skin Trio')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Her treatment's room and practitioner, by name",
            trigger: ".o_halley_portal_treatment_facts:contains('Test Room A'):contains('Portal Doctor')",
        },
        {
            content: "Answer no to every question",
            trigger: ".o_halley_portal_screening",
            run() {
                for (const radio of this.anchor.querySelectorAll("input[type=radio][value=no]")) {
                    radio.click();
                }
            },
        },
        {
            content: "Yes to the supplements question",
            trigger: `${question("T Supplements this week?")} input[value=yes]`,
            run: "click",
        },
        {
            content: "A note on it",
            trigger: `${question("T Supplements this week?")} input[type=text]`,
            run: "edit Vitamin E until Monday",
        },
        {
            content: "Send her answers",
            trigger: "button.o_halley_portal_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The clinic thanks her",
            trigger: ".o_halley_portal_answered",
        },
        {
            content: "Her answers are shown again",
            trigger: `${question("T Supplements this week?")} input[value=yes]:checked`,
        },
    ],
});
