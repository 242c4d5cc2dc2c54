/** @odoo-module **/

import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * A screening answer in one touch: "No" and "Yes" as two buttons, active in
 * every row of the editable list (the row need not be selected first). A click
 * sets the answer on the line (the form saves it with the session, as any
 * button of the form does); clicking the answer already given keeps it. Read
 * only (a session started or closed), the answer is shown as a word.
 */
export class ScreeningAnswerField extends Component {
    static template = "halley_aesthetics.ScreeningAnswerField";
    static props = { ...standardFieldProps };

    get options() {
        return this.props.record.fields[this.props.name].selection;
    }

    get value() {
        return this.props.record.data[this.props.name];
    }

    get label() {
        const option = this.options.find((o) => o[0] === this.value);
        return option ? option[1] : "";
    }

    get hints() {
        const data = this.props.record.data;
        const fields = this.props.record.fields;
        const hints = [];
        for (const [name, label] of [
            ["previous_answer", _t("Last time")],
            ["chart_answer", _t("From her chart")],
        ]) {
            if (!(name in data) || !data[name]) {
                continue;
            }
            const option = fields[name].selection.find((o) => o[0] === data[name]);
            hints.push({ name, text: `${label}: ${option ? option[1] : data[name]}` });
        }
        return hints;
    }

    buttonClass(option) {
        if (option[0] !== this.value) {
            return "btn-outline-secondary";
        }
        return option[0] === "yes" ? "btn-warning active" : "btn-success active";
    }

    async onClick(ev, option) {
        // The answer alone: the list does not also select the row.
        ev.stopPropagation();
        if (this.props.readonly || option[0] === this.value) {
            return;
        }
        await this.props.record.update({ [this.props.name]: option[0] });
    }
}

export const screeningAnswerField = {
    component: ScreeningAnswerField,
    displayName: _t("Screening answer"),
    supportedTypes: ["selection"],
    // Active in every row, not only the row being edited (as Odoo's priority
    // and boolean_toggle widgets): readonly only when the field or list is.
    extractProps: (fieldInfo, dynamicInfo) => ({ readonly: dynamicInfo.readonly }),
};

registry.category("fields").add("halley_screening_answer", screeningAnswerField);
