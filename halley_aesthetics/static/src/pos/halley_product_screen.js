import { patch } from "@web/core/utils/patch";
import { ProductScreen } from "@point_of_sale/app/screens/product_screen/product_screen";

patch(ProductScreen.prototype, {
    /** Her recommended home-care products are offered first on the product screen. */
    get productsToDisplay() {
        const products = super.productsToDisplay;
        const recommended = this.pos.get_order()?.uiState.halleyRecommendedIds || [];
        if (!recommended.length || this.searchWord !== "") {
            return products;
        }
        const rank = (product) => {
            const index = recommended.indexOf(product.id);
            return index === -1 ? recommended.length : index;
        };
        return [...products].sort((a, b) => rank(a) - rank(b));
    },
});
