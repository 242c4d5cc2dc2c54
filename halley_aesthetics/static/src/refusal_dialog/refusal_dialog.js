/** @odoo-module **/

import { registry } from "@web/core/registry";
import { WarningDialog } from "@web/core/errors/error_dialogs";

/**
 * The clinic's refusals (tools.ClinicUserError, ClinicValidationError): the
 * dialog's title says what was refused ("Session cannot start"), sent by the
 * server in the exception's context; the message keeps one item per line, its
 * "- " lines shown as a list.
 */
export class ClinicRefusalDialog extends WarningDialog {
    static template = "halley_aesthetics.ClinicRefusalDialog";

    inferTitle() {
        return this.props.data?.context?.halley_title || super.inferTitle();
    }

    /** Paragraphs and lists: [{ text } | { items: [...] }] */
    get blocks() {
        const blocks = [];
        for (const line of (this.message || "").split("\n")) {
            if (line.startsWith("- ")) {
                const last = blocks.at(-1);
                if (last && last.items) {
                    last.items.push(line.slice(2));
                } else {
                    blocks.push({ items: [line.slice(2)] });
                }
            } else if (line.trim()) {
                blocks.push({ text: line });
            }
        }
        return blocks;
    }
}

registry
    .category("error_dialogs")
    .add("odoo.addons.halley_aesthetics.tools.ClinicUserError", ClinicRefusalDialog)
    .add("odoo.addons.halley_aesthetics.tools.ClinicValidationError", ClinicRefusalDialog);
