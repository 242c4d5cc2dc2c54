{
    "name": "Halley Aesthetics",
    "summary": "Aesthetic clinic: protocols as kits, sessions consuming stock by lot, "
    "prepaid treatment packages with deferred revenue",
    "version": "18.0.1.0.0",
    "category": "Services/Clinic",
    "author": "Halley Medical Aesthetics",
    "website": "https://github.com/halley-aesthetics/halley_aesthetics",
    "license": "LGPL-3",
    "depends": ["mrp", "product_expiry", "mail", "sale"],
    "data": [
        "security/halley_aesthetics_groups.xml",
        "security/ir.model.access.csv",
        "security/halley_treatment_session_security.xml",
        "data/halley_aesthetics_data.xml",
        "views/halley_treatment_session_views.xml",
        "views/res_partner_views.xml",
        "views/mrp_bom_views.xml",
        "views/stock_location_views.xml",
        "views/product_template_views.xml",
        "views/halley_patient_package_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/halley_session_deviation_views.xml",
        "wizard/halley_package_liability_views.xml",
        "views/halley_aesthetics_menus.xml",
    ],
    "demo": [
        "demo/halley_catalogue_demo.xml",
        "demo/halley_clinic_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "halley_aesthetics/static/tests/tours/**/*",
        ],
    },
    "application": True,
    "installable": True,
}
