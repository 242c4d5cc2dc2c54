/** @odoo-module **/

import { waitUntil } from "@odoo/hoot-dom";
import { registry } from "@web/core/registry";
import { drawSignature } from "./halley_draw_signature";

/**
 * The patient, before her visit, on the patient portal: from /my she opens her
 * treatments, her upcoming session, answers the screening questions (no to all,
 * then yes to the supplements question with a note) and sends them; then she
 * signs her consent with Odoo's portal signature form, agreeing to clinical-record
 * photos but not to marketing photos.
 */
const question = (text) => `.o_halley_portal_question[data-question='${text}']`;

registry.category("web_tour.tours").add("halley_portal_previsit_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Her home: the clinic's logo, and once counted, no empty Your Orders entry",
            trigger: ".o_portal_my_home:not(:has(.o_portal_doc_spinner)) a[href='/my/treatments']:visible",
            run() {
                if (!document.querySelector("header img[src*='/logo.png?company=']")) {
                    throw new Error("The clinic's logo is missing");
                }
                const orders = document.querySelector(".o_portal_index_card a[href='/my/orders']");
                if (orders && orders.closest(".o_portal_index_card:not(.d-none)")) {
                    throw new Error("A patient without orders reads Your Orders");
                }
            },
        },
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
        {
            content: "She reads the consent",
            trigger: ".o_halley_portal_consent_text:contains('I agree to be treated with T Baby Skin Trio')",
        },
        {
            content: "Photos for her clinical record: yes (marketing left unticked)",
            trigger: "#halley_photo_record",
            run: "click",
        },
        {
            content: "On to the signature",
            trigger: "button.o_halley_portal_consent_continue",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Her photo choices are repeated before she signs",
            trigger: ".o_halley_portal_photo_choices:contains('Photos for my clinical record: I agree.'):contains('Photos for marketing: I do not agree.')",
        },
        {
            content: "Sign",
            trigger: "a.o_halley_portal_open_sign",
            run: "click",
        },
        {
            content: "Her name is in the signature form",
            trigger: ".modal .o_web_sign_name_and_signature input:value(T Patient Grace)",
        },
        {
            content: "The form is draw only: no typed-name (Auto) signature",
            trigger: ".modal .o_halley_draw_only .o_web_sign_draw_button.active",
        },
        {
            content: "Neither Auto nor Load is shown",
            trigger:
                ".modal .o_halley_draw_only:not(:has(.o_web_sign_auto_button:visible, .o_web_sign_load_button:visible))",
        },
        {
            content: "She draws her signature",
            trigger: ".modal canvas.o_web_sign_signature",
            async run(helpers) {
                await drawSignature(helpers.anchor);
                await waitUntil(() => {
                    const canvas = helpers.anchor;
                    const context = canvas.getContext("2d");
                    const imageData = context.getImageData(0, 0, canvas.width, canvas.height);
                    return new Uint32Array(imageData.data.buffer).some((pixel) => pixel !== 0);
                });
            },
        },
        {
            content: "Send her signature",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Her consent is signed",
            trigger: ".o_halley_portal_signed_now",
        },
        {
            content: "And stays so",
            trigger: ".o_halley_portal_consent_signed",
        },
    ],
});
