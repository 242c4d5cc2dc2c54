/** @odoo-module **/

import { registry } from "@web/core/registry";

/** The session's Photos tab on a tablet: the photo taken, the comparison, the camera. */
registry.category("web_tour.tours").add("halley_photos_tour", {
    steps: () => [
        {
            content: "Open the Photos tab",
            trigger: ".o_notebook .nav-link:contains(Photos)",
            run: "click",
        },
        {
            content: "The before-photo is on the tab",
            trigger: ".o_field_widget[name=photo_ids] .o_kanban_record:contains(Before)",
        },
        {
            content: "Compare photos",
            trigger: "button[name=action_compare_photos]",
            run: "click",
        },
        {
            content: "The comparison shows the photo",
            trigger: ".modal .o_halley_photo_comparison img[src*='/web/image/halley.session.photo/']",
        },
        {
            content: "Close the comparison",
            trigger: ".modal-footer button:contains(Close)",
            run: "click",
        },
        {
            content: "Add a photo",
            trigger: ".o_field_widget[name=photo_ids] .o-kanban-button-new:contains('Add photo')",
            run: "click",
        },
        {
            content: "The dialog reads Add photo",
            trigger: ".modal .modal-title:contains('Add photo')",
        },
        {
            content: "She has not consented to marketing photos: no marketing use offered",
            trigger: ".modal .o_field_widget[name=phase]",
            run() {
                const modal = this.anchor.closest(".modal");
                if (modal.querySelector("[name=use_for_marketing]")) {
                    throw new Error("Use for marketing is offered without her marketing-photo consent");
                }
                if (/Create|Photos/.test(modal.querySelector(".modal-title").textContent)) {
                    throw new Error(`the dialog's title: ${modal.querySelector(".modal-title").textContent}`);
                }
            },
        },
        {
            content: "The photo field opens the camera (its file input is hidden: checked, not clicked)",
            trigger: ".modal .o_field_widget[name=image] input[type=file]:not(:visible)",
            run() {
                const input = this.anchor;
                if (input?.getAttribute("capture") !== "environment" || input.accept !== "image/*") {
                    throw new Error(`the photo's file input does not open the camera: ${input?.outerHTML}`);
                }
            },
        },
        {
            content: "Discard",
            trigger: ".modal-footer .o_form_button_cancel",
            run: "click",
        },
        {
            content: "Back on the session",
            trigger: "body:not(:has(.modal)) .o_form_view button[name=action_compare_photos]",
        },
    ],
});
