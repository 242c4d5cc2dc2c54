/** @odoo-module **/

import { waitUntil } from "@odoo/hoot-dom";
import { registry } from "@web/core/registry";
import { drawSignature } from "./halley_draw_signature";

/**
 * ``el`` (the signature box or its canvas) lies inside its dialog and the screen,
 * and the dialog's body does not scroll sideways.
 */
function assertFits(what, el) {
    const box = el.getBoundingClientRect();
    const dialog = el.closest(".modal-content").getBoundingClientRect();
    const body = el.closest(".modal-body");
    const where = `${what}: ${Math.round(box.left)}-${Math.round(box.right)} px in a dialog of ` +
        `${Math.round(dialog.left)}-${Math.round(dialog.right)} px on a ${window.innerWidth} px screen`;
    if (box.width < 150 || box.height < 40) {
        throw new Error(`${where}: too small to sign in (${Math.round(box.width)}x${Math.round(box.height)})`);
    }
    if (box.left < dialog.left - 0.5 || box.right > dialog.right + 0.5 || box.right > window.innerWidth) {
        throw new Error(`${where}: wider than the dialog`);
    }
    if (body && body.scrollWidth > body.clientWidth + 1) {
        throw new Error(`${where}: the dialog scrolls sideways (${body.scrollWidth} > ${body.clientWidth})`);
    }
}

function drawSteps(canvas) {
    return [
        {
            content: "The signature opens in Draw mode",
            trigger: ".modal .o_halley_draw_only .o_web_sign_draw_button.active",
        },
        {
            content: "The drawing area fits the dialog",
            trigger: canvas,
            async run(helpers) {
                assertFits("The drawing area", helpers.anchor);
                await drawSignature(helpers.anchor);
                await waitUntil(() => {
                    const el = helpers.anchor;
                    const pixels = new Uint32Array(
                        el.getContext("2d").getImageData(0, 0, el.width, el.height).data.buffer
                    );
                    return pixels.some((pixel) => pixel !== 0);
                });
            },
        },
    ];
}

/** The practitioner hands her tablet (or phone) to the patient, who signs. */
registry.category("web_tour.tours").add("halley_signature_fits_clinic_tour", {
    steps: () => [
        {
            content: "Sign consent (on a phone, in the form's gear menu)",
            trigger: ".o_form_view .o_form_sheet",
            async run() {
                const button = () => document.querySelector("button[name=action_sign_consent]");
                if (!button()) {
                    document.querySelector(".o_cp_action_menus .dropdown-toggle").click();
                    await waitUntil(button);
                }
                button().click();
            },
        },
        {
            content: "The signature box fits the consent dialog",
            trigger: ".modal .o_field_widget[name=signature] .o_signature",
            run(helpers) {
                assertFits("The signature box", helpers.anchor);
                helpers.anchor.click();
            },
        },
        ...drawSteps(".modal .o_halley_draw_only canvas.o_web_sign_signature"),
        {
            trigger: ".modal .modal-footer button.btn-primary:contains('Adopt'):enabled",
            run: "click",
        },
        {
            content: "Her drawn signature fits the consent dialog",
            trigger: ".modal .o_field_widget[name=signature] img.o_signature",
            run(helpers) {
                assertFits("The signature", helpers.anchor);
            },
        },
        {
            trigger: ".modal button[name=action_sign]",
            run: "click",
        },
        {
            content: "Signed: the ink checks accept her drawing",
            trigger: "body:not(:has(.modal))",
        },
    ],
});

/** The patient signs on her phone (or a tablet), in the portal. */
registry.category("web_tour.tours").add("halley_signature_fits_portal_tour", {
    steps: () => [
        {
            trigger: "a.o_halley_portal_open_sign",
            run: "click",
        },
        ...drawSteps(".modal.show canvas.o_web_sign_signature"),
        {
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Her consent is signed",
            trigger: ".o_halley_portal_signed_now",
        },
    ],
});
