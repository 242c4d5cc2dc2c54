"""18.0.1.7.0 -> 18.0.1.8.0 (the front counter, issue 23).

What the upgrade brings, and who fills it:

- Point of Sale and online payments (``point_of_sale``, ``account_payment``): new
  dependencies, installed by Odoo with the upgrade; billing becomes a Point of Sale user
  and the clinic manager its manager (security/halley_counter_security.xml).
- New columns that are empty on existing rows by design: the session a counter line
  charges, the deposit links of invoices and their lines, the protocols' deposit
  (``none``) and recommended home care, the company's deposit and cooling-off settings
  (their defaults, written by Odoo as the columns are created).
- Each warehouse's retail shelf and each company's "Customer deposits" and "No-show and
  late-cancellation fees" accounts: data functions run at every install and upgrade
  (data/halley_counter_data.xml, data/halley_deposit_data.xml), idempotent.
- ``halley_patient_package.cooling_off_end``: a stored computed date Odoo computes for
  every existing package as the column is created (its sale date plus the company's
  working days). This script makes sure no package sold before the upgrade is left
  without it (a package whose compute was skipped), and says how many have one.

No session, lot link, package balance or accounting entry changes."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Package = env["halley.patient.package"].with_context(active_test=False)
    missing = Package.search([("cooling_off_end", "=", False), ("invoice_id", "!=", False)])
    if missing:
        env.add_to_compute(Package._fields["cooling_off_end"], missing)
        missing.flush_recordset(["cooling_off_end"])
    _logger.info(
        "Front counter: %s packages have their cooling-off end (%s computed here)",
        Package.search_count([("cooling_off_end", "!=", False)]), len(missing),
    )
