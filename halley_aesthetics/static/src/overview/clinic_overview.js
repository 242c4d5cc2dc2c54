/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { formatCurrency } from "@web/core/currency";
import { deserializeDate, deserializeDateTime, formatDate } from "@web/core/l10n/dates";
import { formatFloat } from "@web/core/utils/numbers";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * Clinic > Overview: the home of the Clinic app. One call to
 * halley.clinic.overview.get_overview() returns every section the user's role
 * may see; each card opens the list behind it.
 */
export class ClinicOverview extends Component {
    static template = "halley_aesthetics.ClinicOverview";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("halley.clinic.overview", "get_overview", []);
    }

    get todayLabel() {
        return formatDate(deserializeDate(this.state.data.today), { format: "cccc d LLLL yyyy" });
    }

    time(value) {
        return deserializeDateTime(value).toFormat("HH:mm");
    }

    date(value) {
        return formatDate(deserializeDate(value));
    }

    quantity(value) {
        return formatFloat(value, { digits: [16, 2], trailingZeros: false });
    }

    money(amount, currencyId) {
        return formatCurrency(amount, currencyId);
    }

    async openCard(card) {
        const action = await this.orm.call("halley.clinic.overview", "action_open_card", [card]);
        await this.action.doAction(action);
    }

    async openSession(sessionId) {
        await this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "halley.treatment.session",
            res_id: sessionId,
            views: [[false, "form"]],
            context: { halley_clinic_names: true },
        });
    }
}

registry.category("actions").add("halley_clinic_overview", ClinicOverview);
