/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A clinic manager logs in and lands on the clinic overview: today's sessions per
 * room, in words; a lot about to expire; the card opens today's sessions.
 */
registry.category("web_tour.tours").add("halley_overview_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "She lands on the clinic overview",
            trigger: ".o_halley_overview h2:contains('Clinic overview')",
        },
        {
            content: "Today's sessions, per room, in words",
            trigger: ".o_halley_card_sessions .o_halley_room:contains('Overview Room')",
        },
        {
            trigger: ".o_halley_card_sessions .o_halley_session_name:contains('Overview Patient · Overview Rejuran')",
        },
        {
            trigger: ".o_halley_card_sessions .o_halley_session_state:contains('Confirmed')",
        },
        {
            content: "A lot expiring within 30 days, in its room",
            trigger: ".o_halley_card_expiring tr:contains('OV-SOON'):contains('Overview Room')",
        },
        {
            content: "Open today's sessions",
            trigger: ".o_halley_card_sessions .card-header a:contains('Today')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Overview Patient')",
        },
    ],
});
