import { patch } from "@web/core/utils/patch";
import { deserializeDateTime } from "@web/core/l10n/dates";
import { pyToJsLocale } from "@web/core/l10n/utils/locales";
import { PosOrder } from "@point_of_sale/app/models/pos_order";

const { DateTime } = luxon;

patch(PosOrder.prototype, {
    /** The order sells a course of sessions (it becomes her package when invoiced). */
    get halleySellsCourse() {
        return this.lines.some((line) => line.halleyIsCourse && line.qty > 0);
    },

    /**
     * The order's date and time as the patient's language writes them (day first in
     * Singapore's English, 2026年12月8日 in Chinese), in the counter's time zone,
     * without seconds; in the counter user's language when she has none.
     */
    halleyPatientDate() {
        if (!this.date_order) {
            return "";
        }
        const lang = this.partner_id?.lang;
        let date = deserializeDateTime(this.date_order);
        if (lang) {
            date = date.setLocale(pyToJsLocale(lang));
        }
        return date.toLocaleString(DateTime.DATETIME_MED);
    },

    export_for_printing() {
        const data = super.export_for_printing(...arguments);
        // The receipt in the clinic's words: who she is, dates as she writes them, and
        // the package terms (cooling-off, refunds) when she buys a course.
        data.halley = {
            patient: this.partner_id?.name || "",
            date: this.halleyPatientDate(),
            packageTerms: (this.halleySellsCourse && this.config.halley_package_terms) || "",
        };
        return data;
    },
});
