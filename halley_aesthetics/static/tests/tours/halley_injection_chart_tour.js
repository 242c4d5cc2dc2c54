/** @odoo-module **/

import { click } from "@odoo/hoot-dom";
import { registry } from "@web/core/registry";

/**
 * The practitioner at the chair, on a portrait tablet (820 x 1180): her started
 * Rejuran session, Chart tab. She taps the face where she injects: the first point
 * takes the session's Rejuran and she gives its lot, dose and depth in the line
 * below; the nine next points copy them. On the left profile a tap in front of
 * her ear is an entry of her left lateral cheek (deleted again), on the neck a
 * painted zone (deleted again). The totals read 2 mL of the lot, ten entries, ten
 * points on the face; then she completes the session.
 */

const DIAGRAM = ".o_halley_chart_diagram[data-diagram=front].o_halley_chart_tappable";
const ROWS = ".o_field_widget[name=injection_ids] .o_list_renderer tbody";
const EDITED = `${ROWS} .o_data_row.o_selected_row`;

/** A tap on the diagram shown at (x, y), in the diagram's own 200 x 240 coordinates. */
function tapAt(x, y, content, diagram = "front") {
    return {
        content,
        trigger: `.o_halley_chart_diagram[data-diagram=${diagram}].o_halley_chart_tappable:not(.o_halley_chart_busy)`,
        async run() {
            const svg = this.anchor;
            const point = svg.createSVGPoint();
            point.x = x;
            point.y = y;
            const screen = point.matrixTransform(svg.getScreenCTM());
            await click(svg, { position: { x: screen.x, y: screen.y } });
        },
    };
}

/**
 * A tap on `diagram` that adds the `count`-th entry, in `zone`; its point is the
 * `mark`-th drawn on that diagram (the diagram shows its own entries only).
 */
function tap(x, y, zone, count, diagram = "front", mark = count) {
    return [
        tapAt(x, y, `Tap the ${zone} (${x}, ${y})`, diagram),
        {
            content: `Entry ${count} is in the ${zone}`,
            trigger: `${ROWS} .o_data_row:nth-child(${count}) td[name=zone_id]`,
            run() {
                const input = this.anchor.querySelector("input");
                const value = input ? input.value : this.anchor.textContent.trim();
                check(value === zone, `entry ${count} is in ${value}, not in ${zone}`);
            },
        },
        {
            trigger: `.o_halley_chart_diagram[data-diagram=${diagram}] .o_halley_chart_marks .o_halley_chart_mark:nth-child(${mark}) circle`,
        },
    ];
}

function check(condition, message) {
    if (!condition) {
        throw new Error(message);
    }
}

function assertFits() {
    const failures = [];
    const page = document.scrollingElement || document.documentElement;
    if (page.scrollWidth > window.innerWidth) {
        failures.push(`the page scrolls sideways (${page.scrollWidth} > ${window.innerWidth})`);
    }
    const controls = document.querySelectorAll(
        ".o_halley_chart_tab, .o_halley_chart_mode, .o_field_widget[name=injection_ids] .o_list_record_remove"
    );
    for (const control of controls) {
        const box = control.getBoundingClientRect();
        if (box.width && (box.height < 44 || box.width < 44)) {
            failures.push(`${control.textContent.trim() || control.className} is ${box.width} x ${box.height} px`);
        }
    }
    const svg = document.querySelector(".o_halley_chart_diagram").getBoundingClientRect();
    if (svg.width < 320) {
        failures.push(`the diagram is ${svg.width} px wide`);
    }
    if (failures.length) {
        throw new Error(`The chart does not fit a ${window.innerWidth} px tablet: ${failures.join("; ")}`);
    }
}

registry.category("web_tour.tours").add("halley_injection_chart_tour", {
    steps: () => [
        {
            content: "The started session is open",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In progress')",
        },
        {
            content: "Chart tab",
            trigger: ".o_notebook .nav-link:contains('Chart')",
            run: "click",
        },
        {
            content: "The face, front, with its zones named",
            trigger: `${DIAGRAM} .o_halley_chart_labels text:contains('Forehead')`,
        },
        {
            trigger: ".o_halley_chart_totals:contains('Nothing charted yet.')",
        },
        ...tap(100, 58, "Forehead", 1),
        {
            content: "The first point takes the session's Rejuran; she gives the lot...",
            trigger: `${EDITED} td[name=product_id]:has(input)`,
            run() {
                const input = this.anchor.querySelector("input");
                check(input.value === "Rejuran Healer 2 ml vial", `product: ${input.value}`);
            },
        },
        tapAt(120, 66, "A second tap before the first point has its dose..."),
        {
            content: "... is refused in words, and the first point stays",
            trigger: ".o_notification:contains('Give the product and the dose of the entry being edited first.')",
        },
        {
            trigger: `${ROWS}:has(.o_data_row.o_selected_row):not(:has(.o_data_row:nth-child(2)))`,
        },
        {
            trigger: `${EDITED} td[name=lot_id] input`,
            run: "edit RJ24A017",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('RJ24A017')",
            run: "click",
        },
        {
            content: "... the dose ...",
            trigger: `${EDITED} td[name=quantity] input`,
            run: "edit 0.2",
        },
        {
            content: "... and the depth",
            trigger: `${EDITED} td[name=depth] select`,
            run: 'select "intradermal"',
        },
        {
            content: "The dose is drawn at the point",
            trigger: ".o_halley_chart_marks .o_halley_chart_mark:nth-child(1) text:contains('0.2')",
        },
        ...tap(80, 66, "Forehead", 2),
        ...tap(120, 66, "Forehead", 3),
        ...tap(62, 108, "Right periorbital", 4),
        ...tap(138, 108, "Left periorbital", 5),
        ...tap(62, 130, "Right cheek", 6),
        ...tap(68, 145, "Right cheek", 7),
        ...tap(138, 130, "Left cheek", 8),
        ...tap(132, 145, "Left cheek", 9),
        ...tap(100, 188, "Chin", 10),
        {
            content: "The left profile: her side, with the zones charted from the side",
            trigger: ".o_halley_chart_tab[data-diagram=left]",
            run: "click",
        },
        {
            trigger: ".o_halley_chart_diagram[data-diagram=left] image[href$='face_left.svg']",
        },
        {
            trigger: ".o_halley_chart_diagram[data-diagram=left] .o_halley_chart_zone[data-zone='Left lateral cheek']",
            run() {
                const zones = [...document.querySelectorAll(".o_halley_chart_diagram .o_halley_chart_zone")];
                const names = zones.map((zone) => zone.dataset.zone).join(", ");
                check(names === "Left temple, Left lateral cheek, Left jawline", `left profile zones: ${names}`);
                check(!document.querySelector(".o_halley_chart_no_zone"), "the profile is told it has no zone");
            },
        },
        // A point in front of her left ear: the profile's own hit-test names the zone.
        ...tap(108, 130, "Left lateral cheek", 11, "left", 1),
        {
            trigger: ".o_halley_chart_tab[data-diagram=left] .badge:contains('1')",
        },
        {
            content: "Not on the profile today: she deletes its line",
            trigger: `${ROWS} .o_data_row:nth-child(11) .o_list_record_remove button`,
            run: "click",
        },
        {
            trigger: `${ROWS}:not(:has(.o_data_row:nth-child(11)))`,
        },
        {
            trigger: ".o_halley_chart_diagram[data-diagram=left]:not(:has(.o_halley_chart_mark))",
        },
        {
            content: "Zone mode: a tap paints a whole zone...",
            trigger: ".o_halley_chart_mode[data-mode=zone]",
            run: "click",
        },
        {
            trigger: ".o_halley_chart_tab[data-diagram=neck]",
            run: "click",
        },
        {
            trigger: ".o_halley_chart_side:not(:has(.o_halley_chart_no_zone))",
        },
        tapAt(100, 120, "... the neck", "neck"),
        {
            trigger: `${ROWS} .o_data_row:nth-child(11) td[name=zone_id]:contains('Neck')`,
        },
        {
            content: "The neck is painted, its dose drawn in it",
            trigger: ".o_halley_chart_diagram[data-diagram=neck] .o_halley_chart_painted polygon",
        },
        {
            trigger: ".o_halley_chart_tab[data-diagram=neck] .badge:contains('1')",
        },
        {
            content: "Not the neck after all: she deletes its line",
            trigger: `${ROWS} .o_data_row:nth-child(11) .o_list_record_remove button`,
            run: "click",
        },
        {
            trigger: `${ROWS}:not(:has(.o_data_row:nth-child(11)))`,
        },
        {
            trigger: ".o_halley_chart_diagram[data-diagram=neck]:not(:has(.o_halley_chart_painted polygon))",
        },
        {
            content: "Back to the face, in points",
            trigger: ".o_halley_chart_tab[data-diagram=front]",
            run: "click",
        },
        {
            trigger: ".o_halley_chart_mode[data-mode=point]",
            run: "click",
        },
        {
            trigger: ".o_halley_chart_mode[data-mode=point].active",
        },
        {
            content: "Each point copied the lot, the dose and the depth of the one before",
            trigger: `${ROWS} .o_data_row:nth-child(10) td[name=lot_id]:contains('RJ24A017')`,
            run() {
                const rows = document.querySelectorAll(`${ROWS} .o_data_row`);
                check(rows.length === 10, `${rows.length} entries`);
                for (const row of rows) {
                    const text = (name) => row.querySelector(`td[name=${name}]`).textContent.trim();
                    check(text("product_id") === "Rejuran Healer 2 ml vial", `product ${text("product_id")}`);
                    check(text("lot_id") === "RJ24A017", `lot ${text("lot_id")}`);
                    check(text("quantity") === "0.20", `quantity ${text("quantity")}`);
                    check(text("dose_uom_id") === "mL", `unit ${text("dose_uom_id")}`);
                    check(text("depth") === "Intradermal", `depth ${text("depth")}`);
                }
            },
        },
        {
            content: "Ten points on the face, each with its dose",
            trigger: ".o_halley_chart_marks:not(:has(.o_halley_chart_mark:nth-child(11)))",
            run() {
                const doses = [...this.anchor.querySelectorAll(".o_halley_chart_mark text")].map((t) => t.textContent);
                check(doses.length === 10 && doses.every((dose) => dose === "0.2"), `doses: ${doses}`);
            },
        },
        {
            content: "The totals: 2 mL of lot RJ24A017, ten entries",
            trigger: ".o_halley_chart_totals .o_halley_chart_count:contains('10 entries')",
            run() {
                const rows = document.querySelectorAll(".o_halley_chart_total");
                check(rows.length === 1, `${rows.length} total lines`);
                const text = (selector) => rows[0].querySelector(selector).textContent.trim();
                check(text(".o_halley_chart_total_product") === "Rejuran Healer 2 ml vial", "product");
                check(text(".o_halley_chart_total_lot") === "RJ24A017", "lot");
                check(text(".o_halley_chart_total_quantity") === "2", `total ${text(".o_halley_chart_total_quantity")}`);
                check(rows[0].textContent.includes("mL"), "unit");
            },
        },
        {
            content: "The front tab counts its ten entries",
            trigger: ".o_halley_chart_tab[data-diagram=front] .badge:contains('10')",
        },
        {
            content: "On a portrait tablet the chart fits and every control takes a fingertip",
            trigger: ".o_halley_chart",
            run: assertFits,
        },
        {
            content: "The chart, for the screenshot",
            trigger: ".o_halley_chart",
            async run() {
                for (const close of document.querySelectorAll(".o_notification .o_notification_close")) {
                    close.click();
                }
                document.activeElement?.blur();
                document.querySelector(".o_notebook").scrollIntoView({ block: "start" });
                console.log("halley:screenshot");
                await new Promise((resolve) => setTimeout(resolve, 1500));
            },
        },
        {
            trigger: "button[name=action_done]",
            run: "click",
        },
        {
            content: "Done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
        {
            content: "Done, the chart is kept as charted and can no longer be tapped",
            trigger: ".o_halley_chart_diagram:not(.o_halley_chart_tappable) .o_halley_chart_mark:nth-child(10)",
        },
    ],
});
