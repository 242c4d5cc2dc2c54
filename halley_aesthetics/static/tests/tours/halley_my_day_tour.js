/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * The practitioner's day on a portrait tablet (820 px): her sessions of the day,
 * earliest first, the patient's and the treatment's names whole, no reference
 * nor billing columns.
 */
registry.category("web_tour.tours").add("halley_my_day_tour", {
    steps: () => [
        {
            content: "Today's and her own sessions (the default filters)",
            trigger: ".o_searchview .o_facet_values:contains('Today')",
        },
        {
            trigger: ".o_searchview .o_facet_values:contains('Mine')",
        },
        {
            content: "Earliest first, patient and treatment read whole, no reference nor billing column",
            trigger: ".o_halley_today_list .o_data_row:eq(1)",
            run() {
                const list = document.querySelector(".o_halley_today_list");
                const rows = [...list.querySelectorAll(".o_data_row")];
                if (rows.length !== 2 || !rows[0].textContent.includes("Early Patient")) {
                    throw new Error(`not earliest first: ${rows.map((row) => row.textContent).join(" | ")}`);
                }
                for (const name of ["name", "invoice_status", "package_id"]) {
                    if (list.querySelector(`th[data-name=${name}]`)) {
                        throw new Error(`the ${name} column is shown`);
                    }
                }
                for (const row of rows) {
                    for (const name of ["patient_id", "protocol_id"]) {
                        const cell = row.querySelector(`.o_data_cell[name=${name}]`);
                        if (cell.scrollWidth > cell.clientWidth + 1) {
                            throw new Error(`${name} is cut: ${cell.textContent}`);
                        }
                    }
                }
                const wrapped = rows[0].querySelector(".o_data_cell[name=patient_id]").textContent;
                if (!wrapped.includes("Early Patient Josephine Alexandra Wong-Abdullah")) {
                    throw new Error(`the patient's name: ${wrapped}`);
                }
                if (document.documentElement.scrollWidth > window.innerWidth + 1) {
                    throw new Error("the page scrolls sideways");
                }
            },
        },
    ],
});
