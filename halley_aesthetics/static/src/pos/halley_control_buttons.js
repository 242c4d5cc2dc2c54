import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";
import { ControlButtons } from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";
import { HalleyRecommendedPopup } from "./halley_recommended_popup";

patch(ControlButtons.prototype, {
    /** "Due today": ask the server again what the patient owes today. */
    async clickHalleyDue() {
        const added = await this.pos.halleyLoadDue(this.currentOrder);
        if (added === 0) {
            this.notification.add(
                _t("Nothing more is due today for %(patient)s.", { patient: this.partner.name }),
                { type: "info" }
            );
        }
        this.props.close?.();
    },

    /** "Recommended for her": her home-care products, one tap to add. */
    clickHalleyRecommended() {
        this.props.close?.();
        this.dialog.add(HalleyRecommendedPopup);
    },
});
