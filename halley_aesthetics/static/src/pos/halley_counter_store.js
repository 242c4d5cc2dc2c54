import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";
import { RPCError } from "@web/core/network/rpc";
import { PosStore } from "@point_of_sale/app/store/pos_store";
import { handleRPCError } from "@point_of_sale/app/errors/error_handlers";

/**
 * The clinic's front counter (issue 23). When billing picks a patient, the counter
 * asks the server what she owes today (`res.partner.halley_counter_due`): her done
 * pay-per-session treatments not yet invoiced, one line each in the clinic's words
 * (treatment, day, practitioner), carrying the session they charge
 * (`pos.order.line.halley_session_id`), and the home-care products her treatments
 * recommend. The server decides and guards everything; a refusal is shown in its own
 * words, never as a traceback.
 */
patch(PosStore.prototype, {
    async selectPartner() {
        const order = this.get_order();
        const before = order?.get_partner();
        const result = await super.selectPartner(...arguments);
        const partner = order?.get_partner();
        if (partner && partner !== before) {
            await this.halleyLoadDue(order);
        } else if (!partner && order) {
            order.uiState.halleyRecommendedIds = [];
        }
        return result;
    },

    /**
     * Fetch what the order's patient owes today and add the lines not yet on the
     * order. Returns the number of lines added, or false when nothing could be asked.
     */
    async halleyLoadDue(order = this.get_order()) {
        const partner = order?.get_partner();
        if (!partner || order.finalized) {
            return false;
        }
        let due;
        try {
            due = await this.data.call("res.partner", "halley_counter_due", [
                [partner.id],
                this.config.id,
            ]);
        } catch (error) {
            if (error instanceof RPCError) {
                handleRPCError(error, this.dialog);
                return false;
            }
            throw error;
        }
        if (order.get_partner() !== partner) {
            return false; // another patient was picked meanwhile
        }
        order.uiState.halleyRecommendedIds = due.recommended_product_ids || [];
        const onOrder = new Set(order.lines.map((line) => line.halleySessionId).filter(Boolean));
        const toAdd = due.lines.filter(
            (line) => !line.halley_session_id || !onOrder.has(line.halley_session_id)
        );
        await this.halleyEnsureProducts([
            ...toAdd.map((line) => line.product_id),
            ...order.uiState.halleyRecommendedIds,
        ]);
        for (const line of toAdd) {
            const vals = {
                product_id: this.models["product.product"].get(line.product_id),
                qty: line.qty,
                price_unit: line.price_unit,
                full_product_name: line.name,
            };
            for (const field of ["halley_session_id", "halley_deposit_session_id"]) {
                if (line[field]) {
                    vals[field] = line[field];
                }
            }
            await this.addLineToOrder(vals, order, {}, false);
        }
        if (toAdd.length) {
            this.notification.add(
                _t("%(patient)s: %(count)s line(s) due today added.", {
                    patient: due.patient,
                    count: toAdd.length,
                }),
                { type: "info" }
            );
        }
        return toAdd.length;
    },

    /** Load the products the counter has not loaded yet (a treatment, a cream). */
    async halleyEnsureProducts(productIds) {
        const Product = this.models["product.product"];
        const missing = [...new Set(productIds)].filter((id) => !Product.get(id));
        if (missing.length) {
            await this.data.read("product.product", missing, [], {
                context: { display_default_code: false },
            });
        }
    },

    /** The products recommended for the order's patient, as loaded records. */
    halleyRecommendedProducts(order = this.get_order()) {
        const Product = this.models["product.product"];
        return (order?.uiState.halleyRecommendedIds || [])
            .map((id) => Product.get(id))
            .filter(Boolean);
    },
});
