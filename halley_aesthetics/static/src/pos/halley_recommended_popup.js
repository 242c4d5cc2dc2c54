import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { Dialog } from "@web/core/dialog/dialog";
import { usePos } from "@point_of_sale/app/store/pos_hook";

/**
 * The home-care products her treatments recommend (retail creams first), one tap to
 * add each to her order; the dialog stays open to add several.
 */
export class HalleyRecommendedPopup extends Component {
    static template = "halley_aesthetics.RecommendedPopup";
    static components = { Dialog };
    static props = { close: Function };

    setup() {
        this.pos = usePos();
        this.state = useState({ added: {} });
    }

    get title() {
        const partner = this.pos.get_order()?.get_partner();
        return partner
            ? _t("Recommended for %(patient)s", { patient: partner.name })
            : _t("Recommended for her");
    }

    get products() {
        return this.pos.halleyRecommendedProducts();
    }

    async add(product) {
        await this.pos.addLineToCurrentOrder({ product_id: product }, {});
        this.state.added[product.id] = (this.state.added[product.id] || 0) + 1;
    }
}
