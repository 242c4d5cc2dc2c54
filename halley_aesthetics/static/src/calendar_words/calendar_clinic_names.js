/** @odoo-module **/

import { CalendarModel } from "@web/views/calendar/calendar_model";
import { patch } from "@web/core/utils/patch";

/**
 * Odoo's calendar reads its records without the action's context, so the clinic's
 * names (``halley_clinic_names``: rooms as "Treatment Room 1", not
 * "WH/Stock/Treatment Room 1") would be lost on its blocks and its side filters.
 * A calendar opened by one of the clinic's actions reads them with it; every other
 * calendar is untouched.
 */
patch(CalendarModel.prototype, {
    fetchRecords(data) {
        if (!this.meta.context?.halley_clinic_names) {
            return super.fetchRecords(data);
        }
        const { fieldNames, resModel } = this.meta;
        return this.orm.searchRead(
            resModel,
            this.computeDomain(data),
            [...new Set([...fieldNames, ...Object.keys(this.meta.activeFields)])],
            { context: { halley_clinic_names: true } }
        );
    },
});
