/** @odoo-module */

import { PortalHomeCounters } from "@portal/js/portal";

/**
 * A patient's portal home shows only what she has: Odoo's Sales and Invoicing keep
 * their "Your Orders" and "Invoices" entries on every portal home, even at zero
 * documents; for a patient of the clinic (the page's data-halley-patient), every
 * entry follows its counter, as the clinic's own entries do.
 */
PortalHomeCounters.include({
    _getCountersAlwaysDisplayed() {
        const always = this._super(...arguments);
        return this.el.querySelector("[data-halley-patient]") ? [] : always;
    },
});
