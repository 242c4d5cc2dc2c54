"""18.0.1.6.0 -> 18.0.1.7.0 (the injection chart, issue 22). Why this script is
so small: the chart brings new tables only (halley_chart_zone,
halley_session_injection, halley_protocol_injection), which Odoo creates, data
(the standard zones and the mL unit, noupdate), which Odoo loads, and three new
columns on product_template:

- ``halley_charted``: False, Odoo's default; the upgrade charts no product (the
  clinic manager ticks the injectables her practitioners chart);
- ``halley_dose_per_unit``: 1.0, filled by Odoo from the field's default as the
  column is created;
- ``halley_dose_uom_id``: the product's own unit, filled by
  ``product.template._auto_init`` in one UPDATE as the column is created.

No session, lot link, package, accounting entry or template is touched: no
existing data changes shape. What is left is a check that every product has a
dose unit whatever created the column (it did exist before the filling UPDATE
ran, say): the products left without one get their own unit, in one statement
that changes nothing when run again or after a normal upgrade."""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE product_template
           SET halley_dose_uom_id = uom_id
         WHERE halley_dose_uom_id IS NULL AND uom_id IS NOT NULL
        """
    )
    if cr.rowcount:
        _logger.info("Injection chart: %s products given their own unit as dose unit", cr.rowcount)
