/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A clinic day in Singapore as each role and both patients read it, on a server in
 * another time zone: times are Singapore's, dates day-first (or as Chinese writes
 * them), no seconds, no internal code ("[RJ-HEAL-2]", "SES/…", "WH/…") and no
 * template placeholder on the screen.
 */

const DAY_FIRST = /\b\d{2}\/\d{2}\/\d{4}\b/;
const MONTH_FIRST_TODAY = () => {
    const now = new Date();
    const mm = String(now.getMonth() + 1).padStart(2, "0");
    const dd = String(now.getDate()).padStart(2, "0");
    return mm === dd ? null : `${mm}/${dd}/${now.getFullYear()}`;
};

function screenText() {
    const main = document.querySelector(".o_action_manager, #wrap, main") || document.body;
    return main.innerText;
}

function assertReadsRight(what, { patient = false } = {}) {
    const text = screenText();
    const bad = [
        [/\[[A-Z0-9][A-Z0-9-]+\]/, "an internal product code"],
        // The session's reference stays on the clinic's own screens (it is searched);
        // nothing a patient reads carries it.
        [patient ? /\bSES\/\d{4}\// : /$^/, "a session reference"],
        [/\bWH\/(Stock|TRT)/, "a warehouse code"],
        [/\{\{|object\.name/, "a template placeholder"],
        [/\b\d{1,2}:\d{2}:\d{2}\b/, "seconds"],
        [/\d时\d{2}分\d{2}秒/, "seconds (Chinese)"],
        [/[+-]0\d00\b/, "a time zone offset"],
    ];
    for (const [pattern, name] of bad) {
        const found = text.match(pattern);
        if (found) {
            const around = text.slice(Math.max(0, found.index - 80), found.index + 80).replace(/\s+/g, " ");
            throw new Error(`${what} shows ${name}: "${found[0]}" in "…${around}…"`);
        }
    }
    const monthFirst = MONTH_FIRST_TODAY();
    if (monthFirst && text.includes(monthFirst)) {
        throw new Error(`${what} shows today month first: ${monthFirst}`);
    }
}

function assertNoSideways(what) {
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
        throw new Error(`${what} scrolls sideways at ${window.innerWidth} px`);
    }
}

registry.category("web_tour.tours").add("halley_clinic_day_manager", {
    steps: () => [
        {
            content: "Aisha's session: booked at 11:00, Singapore time, day-first",
            trigger: ".o_form_view .o_field_widget[name=scheduled_start] input",
            run() {
                const value = this.anchor.value;
                if (!/^\d{2}\/\d{2}\/\d{4} 11:00$/.test(value)) {
                    throw new Error(`the session's start reads "${value}", not "dd/mm/yyyy 11:00"`);
                }
            },
        },
        {
            content: "The reminder she was sent says 11:00, day-first",
            trigger: ".o-mail-Message-body:contains('11:00')",
            run() {
                const body = this.anchor.innerText;
                if (!DAY_FIRST.test(body) || /AM|PM|\+0\d00|11:00:00/.test(body)) {
                    throw new Error(`the reminder reads: ${body}`);
                }
                assertReadsRight("Aisha's session");
            },
        },
    ],
});

registry.category("web_tour.tours").add("halley_clinic_day_screen", {
    steps: () => [
        {
            content: "The screen is loaded",
            trigger: ".o_action_manager .o_view_controller:not(:has(.o_view_nocontent)) .o_content",
        },
        {
            content: "It reads in words, Singapore's time, day-first, and fits",
            trigger: ".o_action_manager :is(.o_data_row, .o_kanban_record, .fc-event, .o_form_view .o_form_sheet)",
            run() {
                assertReadsRight(document.title);
                assertNoSideways(document.title);
            },
        },
    ],
});

registry.category("web_tour.tours").add("halley_clinic_day_patient", {
    steps: () => [
        {
            content: "Her treatments: day-first dates at the clinic's times, no code",
            trigger: ".o_halley_portal_session, .o_halley_portal_treatment",
            run() {
                assertReadsRight("her portal", { patient: true });
                assertNoSideways("her portal");
                if (!DAY_FIRST.test(screenText())) {
                    throw new Error("no day-first date on her treatments");
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("halley_clinic_day_patient_zh", {
    steps: () => [
        {
            content: "Her first page after login is in Chinese",
            trigger: "#wrap:contains('治疗项目')",
            run() {
                if (!window.location.pathname.startsWith("/zh_CN/")) {
                    throw new Error(`her first page is ${window.location.pathname}`);
                }
                if (/Your upcoming and past treatments|Treatments/.test(screenText())) {
                    throw new Error("her portal shows English");
                }
                assertReadsRight("her Chinese portal", { patient: true });
                assertNoSideways("her Chinese portal");
            },
        },
    ],
});
