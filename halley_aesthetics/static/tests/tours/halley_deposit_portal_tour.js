/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A patient pays the deposit of her booked treatment from her portal, with Odoo's
 * demo payment provider (as Odoo's own eCommerce tours pay with it), and sees it paid.
 */
registry.category("web_tour.tours").add("halley_deposit_portal_tour", {
    steps: () => [
        {
            content: "Her treatment's page shows the deposit asked, not paid yet",
            trigger: ".o_halley_portal_deposit_state[data-state='requested']",
        },
        {
            content: "Pay the deposit",
            trigger: "a.o_halley_portal_deposit_pay",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The deposit invoice: Pay Now",
            trigger: "a[data-bs-target='#pay_with']",
            run: "click",
        },
        {
            content: "Choose the demo provider",
            trigger: "#pay_with input[name='o_payment_radio'][data-payment-method-code='demo']",
            run: "click",
        },
        {
            content: "Card number",
            trigger: "#pay_with input[name='customer_input']",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "#pay_with button[name='o_payment_submit_button']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back on the invoice: paid",
            trigger: ".o_portal_sidebar .badge:contains('Paid'), .o_portal_sidebar .badge:contains('Processing Payment')",
        },
    ],
});
