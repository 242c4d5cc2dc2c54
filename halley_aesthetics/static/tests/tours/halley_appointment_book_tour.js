/** @odoo-module **/

import { registry } from "@web/core/registry";

const ROOM_A = ".o_halley_book_column[data-column='Book Room A']";
const ROOM_B = ".o_halley_book_column[data-column='Book Room B']";

/**
 * The blocks of ``names`` in ``column`` cover none of each other, and each one is
 * what a click at its centre reaches.
 */
function assertReachable(column, names) {
    const blocks = names.map((name) => {
        const block = [...document.querySelectorAll(`${column} .o_halley_book_session`)].find((el) =>
            el.textContent.includes(name)
        );
        if (!block) {
            throw new Error(`No block for ${name}`);
        }
        return block;
    });
    const rects = blocks.map((block) => block.getBoundingClientRect());
    rects.forEach((a, i) =>
        rects.slice(i + 1).forEach((b, j) => {
            if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) {
                throw new Error(`${names[i]} and ${names[i + j + 1]} cover each other`);
            }
        })
    );
    blocks.forEach((block, i) => {
        const rect = rects[i];
        if (rect.width < 20 || rect.height < 10) {
            throw new Error(`${names[i]} is too small to reach: ${rect.width}x${rect.height}`);
        }
        const hit = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
        if (hit?.closest(".o_halley_book_session") !== block) {
            throw new Error(`A click on ${names[i]} does not reach it`);
        }
    });
}

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
 * The book draws Noor's draft beside Aisha's confirmed session (both reachable)
 * and not Ivy's cancelled one. The front desk clicks a free slot, books Grace
 * there; back in the book, her session is a block in the room's column. A slot
 * when the practitioner is with another patient is refused, with the reason.
 * Dragging Grace's block to a free slot moves her session; dragging it into the
 * practitioner's other session is refused and the block stays. In the
 * practitioners' view a slot in the nurse's column books the nurse.
 */
registry.category("web_tour.tours").add("halley_appointment_book_tour", {
    url: "/odoo/action-halley_aesthetics.halley_appointment_book_action",
    steps: () => [
        {
            content: "The book shows a column per room, Aisha's session in Book Room B",
            trigger: `${ROOM_B} .o_halley_book_session.o_halley_book_state_confirmed[draggable=true]:contains('Book Patient Aisha · Book Rejuran')`,
        },
        {
            content: "Noor's draft, booked over Aisha's session, is drawn beside it: both seen and reachable",
            trigger: `${ROOM_B} .o_halley_book_session.o_halley_book_state_draft[draggable=true]:contains('Book Patient Noor')`,
            run() {
                assertReachable(ROOM_B, ["Book Patient Aisha", "Book Patient Noor"]);
            },
        },
        {
            content: "Ivy's cancelled session is not drawn",
            trigger: `${ROOM_B}:not(:has(.o_halley_book_session:contains('Book Patient Ivy')))`,
        },
        {
            content: "A click on Noor's draft opens it",
            trigger: `${ROOM_B} .o_halley_book_session:contains('Book Patient Noor')`,
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=patient_id] input:value(Book Patient Noor)",
        },
        {
            content: "Back to the appointment book",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Appointment book')",
            run: "click",
        },
        {
            content: "... and a click on Aisha's session opens hers",
            trigger: `${ROOM_B} .o_halley_book_session:contains('Book Patient Aisha')`,
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=patient_id]:contains(Book Patient Aisha)",
        },
        {
            content: "Back to the appointment book",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Appointment book')",
            run: "click",
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
        ...bookSteps("11:00", "Book Doctor already has a session from 11:15"),
        {
            content: "Refused: the practitioner is with Aisha then",
            trigger: ".modal:contains('Book Doctor already has a session from 11:15 to 12:05')",
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
            trigger: ".o_notification:contains('Book Doctor already has a session from 11:15 to 12:05')",
        },
        {
            content: "... and the block stays where it was",
            trigger: `${ROOM_A} .o_halley_book_session.o_halley_book_state_confirmed:contains('Book Patient Grace'):contains('15:00–')`,
        },
        {
            content: "The practitioners' view",
            trigger: ".o_halley_book_by_practitioner",
            run: "click",
        },
        {
            content: "A column per practitioner; none for a clinic manager who does not see patients",
            trigger: ".o_halley_book_column[data-column='Book Nurse']:not(:has(.o_halley_book_session:contains('Book Patient Ivy')))",
        },
        {
            trigger: ".o_halley_book_grid:not(:has(.o_halley_book_column[data-column='Book Manager']))",
        },
        {
            content: "A slot in the nurse's column",
            trigger: ".o_halley_book_column[data-column='Book Nurse'] .o_halley_book_slot[data-time='17:00']",
            run: "click",
        },
        {
            content: "... books her, not the clicking doctor",
            trigger: ".o_form_view .o_field_widget[name=practitioner_id] input:value(Book Nurse)",
        },
        {
            trigger: ".o_form_button_cancel",
            run: "click",
        },
        {
            content: "Back in the book",
            trigger: ".o_halley_book_column[data-column='Book Doctor']",
        },
    ],
});
