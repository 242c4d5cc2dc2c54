"""18.0.1.1.0 -> 18.0.1.2.0 (issue: the session owns its records; no getter creates
records).

1. The treatment operation types belong to each warehouse (stock.warehouse's
   ``halley_consumption_type_id`` and ``halley_return_type_id``), created with it,
   instead of one pair per company created at the first booking. The types the
   previous release created are linked to their warehouse, not duplicated: every
   transfer already done keeps its type and a recall finds it. Warehouses without
   them (a company's second warehouse) get new ones.
2. The "Deferred treatment revenue" account is created with a company's chart of
   accounts instead of at the first package sale: the companies with a chart and
   no such account get it now.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def _link_existing_types(env):
    """Each warehouse takes the consumption type of the previous release that
    belongs to it (the oldest if several), and that type's return type."""
    PickingType = env["stock.picking.type"].with_context(active_test=False)
    Warehouse = env["stock.warehouse"].with_context(active_test=False)
    linked = Warehouse
    for warehouse in Warehouse.search([("halley_consumption_type_id", "=", False)]):
        consumption = PickingType.search(
            [("is_treatment_consumption", "=", True), ("warehouse_id", "=", warehouse.id)], order="id", limit=1
        )
        if not consumption:
            continue
        values = {"halley_consumption_type_id": consumption.id}
        returns = consumption.return_picking_type_id
        if returns and not warehouse.halley_return_type_id and returns.warehouse_id == warehouse:
            values["halley_return_type_id"] = returns.id
        warehouse.write(values)
        linked |= warehouse
    if linked:
        _logger.info("Treatment operation types of the previous release linked to warehouses %s", linked.ids)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    _link_existing_types(env)
    missing = env["stock.warehouse"].search(
        ["|", ("halley_consumption_type_id", "=", False), ("halley_return_type_id", "=", False)]
    )
    env["stock.warehouse"]._halley_create_treatment_types()
    if missing:
        _logger.info("Treatment operation types created for warehouses %s", missing.ids)
    companies = env["res.company"].search([("chart_template", "!=", False), ("halley_deferred_account_id", "=", False)])
    env["res.company"]._halley_create_deferred_accounts()
    if companies:
        _logger.info("Deferred treatment revenue accounts created for companies %s", companies.ids)
