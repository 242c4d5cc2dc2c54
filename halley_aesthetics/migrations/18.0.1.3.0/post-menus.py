"""18.0.1.2.0 -> 18.0.1.3.0 (appointment book): *Clinic > Sessions* became a menu of
its own entries (*Appointment book*, *Sessions*).

Odoo's menu loader never clears an action a menu had: on an upgraded database the
parent would keep opening the sessions' action. It loses it here, as on new
databases.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE ir_ui_menu
           SET action = NULL
         WHERE id IN (SELECT res_id FROM ir_model_data
                       WHERE module = 'halley_aesthetics' AND model = 'ir.ui.menu'
                         AND name = 'halley_treatment_session_menu')
        """
    )
