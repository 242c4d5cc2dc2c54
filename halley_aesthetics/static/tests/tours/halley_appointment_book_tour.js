/** @odoo-module **/

import { registry } from "@web/core/registry";

const ROOM_A = ".o_halley_book_column[data-column='Book Room A']";

/** Drag the block matching ``block`` onto the slot at ``time`` of Book Room A. */
function dragSteps(block, time) {
    return [
        {
            content: `Drag ${block} to ${time}`,
            trigger: `${ROOM_A} .o_halley_book_session:contains('${block}')`,
            run() {
                const from = this.anchor;
                const to = document.querySelector(`${ROOM_A} .o_halley_book_slot[data-time='${time}']`);
                const dataTransfer = new DataTransfer();
                const clientY = from.getBoundingClientRect().top + 1;
                from.dispatchEvent(new DragEvent("dragstart", { dataTransfer, clientY, bubbles: true }));
                to.dispatchEvent(new DragEvent("dragover", { dataTransfer, bubbles: true, cancelable: true }));
                to.dispatchEvent(new DragEvent("drop", { dataTransfer, bubbles: true, cancelable: true }));
                from.dispatchEvent(new DragEvent("dragend", { dataTransfer, bubbles: true }));
            },
        },
    ];
}

function bookSteps(time, warning) {
    const steps = [
        {
            content: `Click the free slot at ${time} in Book Room A`,
            trigger: `${ROOM_A} .o_halley_book_slot[data-time='${time}']`,
            run: "click",
        },
        {
            content: "The new session is in Book Room A",
            trigger: ".o_form_view .o_field_widget[name=room_id] input:value(Book Room A)",
        },
        {
            trigger: ".o_field_widget[name=protocol_id] input",
            run: "edit Book Rejuran",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Book Rejuran')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=patient_id] input",
            run: "edit Book Patient Grace",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Book Patient Grace')",
            run: "click",
        },
    ];
    if (warning) {
        steps.push(
            {
                content: "The front desk is warned while drafting",
                trigger: `.modal:contains('${warning}')`,
            },
            {
                trigger: ".modal .modal-footer .btn-primary",
                run: "click",
            },
            {
                trigger: "body:not(:has(.modal))",
            }
        );
    }
    steps.push(
        {
            trigger: ".o_field_widget[name=patient_id] input:value(Book Patient Grace)",
        },
        {
            content: "Confirm the booking",
            trigger: "button[name=action_confirm]",
            run: "click",
        }
    );
    return steps;
}

/**
 * The front desk opens the appointment book, clicks a free slot, books Grace
 * there; back in the book, her session is a block in the room's column. A slot
 * when the practitioner is with another patient is refused, with the reason.
 * Dragging Grace's block to a free slot moves her session; dragging it into the
 * practitioner's other session is refused and the block stays.
 */
registry.category("web_tour.tours").add("halley_appointment_book_tour", {
    url: "/odoo/action-halley_aesthetics.halley_appointment_book_action",
    steps: () => [
        {
            content: "The book shows a column per room, Aisha's session in Book Room B",
            trigger: ".o_halley_book_column[data-column='Book Room B'] .o_halley_book_session:contains('Book Patient Aisha · Book Rejuran')",
        },
        ...bookSteps("14:00"),
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Confirmed')",
        },
        {
            content: "Back to the appointment book",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Appointment book')",
            run: "click",
        },
        {
            content: "Grace's session is a block at 14:00 in Book Room A",
            trigger: `${ROOM_A} .o_halley_book_session.o_halley_book_state_confirmed:contains('Book Patient Grace · Book Rejuran'):contains('14:00')`,
        },
        ...bookSteps("11:00", "Book Manager already has a session from 11:15"),
        {
            content: "Refused: the practitioner is with Aisha then",
            trigger: ".modal:contains('Book Manager already has a session from 11:15 to 12:05')",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Draft')",
        },
        {
            content: "Back to the appointment book",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Appointment book')",
            run: "click",
        },
        ...dragSteps("14:00–", "15:00"),
        {
            content: "Grace's session moved to 15:00",
            trigger: `${ROOM_A} .o_halley_book_session.o_halley_book_state_confirmed:contains('Book Patient Grace'):contains('15:00–')`,
        },
        {
            trigger: ".o_notification:contains('moved to 15:00')",
        },
        ...dragSteps("15:00–", "11:30"),
        {
            content: "A move into a clash is refused with the model's message",
            trigger: ".o_notification:contains('Book Manager already has a session from 11:15 to 12:05')",
        },
        {
            content: "... and the block stays where it was",
            trigger: `${ROOM_A} .o_halley_book_session.o_halley_book_state_confirmed:contains('Book Patient Grace'):contains('15:00–')`,
        },
    ],
});
