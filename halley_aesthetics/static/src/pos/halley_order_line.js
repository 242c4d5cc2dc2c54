import { patch } from "@web/core/utils/patch";
import { PosOrderline } from "@point_of_sale/app/models/pos_order_line";

// The counter lines' links to the clinic's sessions. The POS does not load the sessions
// themselves: the links are kept as plain ids (the record's raw value survives a reload
// of the page from the browser's own storage) and sent back to the server as such.
const SESSION_LINKS = ["halley_session_id", "halley_deposit_session_id"];

function linkedId(line, field) {
    const value = line[field];
    return (value && (value.id ?? value)) || line.raw?.[field] || false;
}

patch(PosOrderline.prototype, {
    /** The treatment session this line charges (its id), or false. */
    get halleySessionId() {
        return linkedId(this, "halley_session_id");
    },

    get halleyIsSessionLine() {
        return SESSION_LINKS.some((field) => linkedId(this, field));
    },

    /** A course of sessions (Baby Skin Trio...): the order's invoice makes it her package. */
    get halleyIsCourse() {
        return this.product_id?.clinic_role === "package";
    },

    set_full_product_name() {
        // A session line keeps the clinic's words given by the server (treatment, day,
        // practitioner), not the bare product name.
        if (this.halleyIsSessionLine && this.full_product_name) {
            return;
        }
        return super.set_full_product_name(...arguments);
    },

    can_be_merged_with(orderline) {
        // One line per session: never merged with another line of the same treatment.
        if (this.halleyIsSessionLine || orderline.halleyIsSessionLine) {
            return false;
        }
        return super.can_be_merged_with(...arguments);
    },

    serialize(options = {}) {
        const data = super.serialize(...arguments);
        for (const field of SESSION_LINKS) {
            if (field in this.model.modelFields) {
                data[field] = linkedId(this, field);
            }
        }
        return data;
    },

    /** The line as the patient reads it: the clinic's words, no internal [codes]. */
    get halleyWords() {
        const name = this.get_full_product_name();
        const code = this.product_id?.default_code;
        return code && name.startsWith(`[${code}] `) ? name.slice(code.length + 3) : name;
    },

    getDisplayData() {
        return { ...super.getDisplayData(...arguments), productName: this.halleyWords };
    },
});
