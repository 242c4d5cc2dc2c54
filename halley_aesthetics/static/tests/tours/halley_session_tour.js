/** @odoo-module **/

import { waitUntil } from "@odoo/hoot-dom";
import { registry } from "@web/core/registry";
import { drawSignature } from "./halley_draw_signature";

/**
 * A clinic manager books a Rejuran session, confirms it, starts it, changes
 * the cream used (a reason is asked), completes it and sees the lots used.
 */
registry.category("web_tour.tours").add("halley_session_tour", {
    url: "/odoo/action-halley_aesthetics.halley_treatment_session_action",
    steps: () => [
        {
            content: "Switch the sessions to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "New session",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=patient_id] input",
            run: "edit Tour Patient",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour Patient')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=protocol_id] input",
            run: "edit Tour Rejuran",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour Rejuran')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=room_id] input",
            run: "edit Tour Room",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour Room')",
            run: "click",
        },
        {
            content: "The patient signs her consent on the tablet",
            trigger: "button[name=action_sign_consent]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=consent_text]:contains('I agree')",
        },
        {
            trigger: ".modal .o_field_widget[name=signature] .o_signature",
            run: "click",
        },
        {
            content: "She draws her signature (the dialog is draw only)",
            trigger: ".modal .o_halley_draw_only .o_web_sign_draw_button.active",
        },
        {
            content: "Neither Auto nor Load is shown",
            trigger:
                ".modal .o_halley_draw_only:not(:has(.o_web_sign_auto_button:visible, .o_web_sign_load_button:visible))",
        },
        {
            trigger: ".modal .o_halley_draw_only canvas.o_web_sign_signature",
            async run(helpers) {
                await drawSignature(helpers.anchor);
                await waitUntil(() => {
                    const canvas = helpers.anchor;
                    const pixels = new Uint32Array(
                        canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data.buffer
                    );
                    return pixels.some((pixel) => pixel !== 0);
                });
            },
        },
        {
            trigger: ".modal .modal-footer button.btn-primary:contains('Adopt'):enabled",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=signature] img.o_signature",
        },
        {
            trigger: ".modal button[name=action_sign]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Confirm: the consumption is booked",
            trigger: "button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Start: lots are reserved first-expiry-first",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Confirmed')",
        },
        {
            trigger: "button[name=action_start]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In progress')",
        },
        {
            content: "The reserved lot of the vial is the one that expires first",
            trigger: ".o_field_widget[name=move_ids] .o_data_row:contains('Tour Rejuran vial') .o_tag:contains('TOUR-EARLY')",
        },
        {
            content: "The vial reads by its name: its internal reference is not shown",
            trigger: ".o_field_widget[name=move_ids]:not(:has(.o_data_row:contains('TOUR-RJ-2')))",
        },
        {
            content: "The practitioner used 7 g of cream instead of 5",
            trigger: ".o_field_widget[name=move_ids] .o_data_row:contains('Tour cream') td[name=quantity]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=move_ids] .o_data_row:contains('Tour cream') td[name=quantity] input",
            run: "edit 7",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "Done asks why the quantities differ",
            trigger: "button[name=action_done]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Larger area treated",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The session is done and shows the lots used",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
        {
            trigger: ".o_field_widget[name=used_line_ids] .o_data_row:contains('TOUR-EARLY')",
        },
        {
            content: "The used lines read the vial by its name too",
            trigger: ".o_field_widget[name=used_line_ids]:not(:has(.o_data_row:contains('TOUR-RJ-2')))",
        },
        {
            trigger: ".o_field_widget[name=used_line_ids] .o_data_row:contains('Tour cream'):contains('7.00')",
        },
        {
            content: "One line of cream: the extra came from the tube in use",
            trigger: ".o_field_widget[name=used_line_ids]:not(:has(.o_data_row:contains('Tour cream'):contains('5.00')))",
        },
    ],
});
