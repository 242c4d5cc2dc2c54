from odoo import fields, models, tools


class HalleyConsumptionCost(models.Model):
    """What the treatment sessions consumed, at its stock valuation: one row per
    valuation layer of a session's consumption move (and of its return, which
    gives the cost back), with the session's protocol and the month. Clinic >
    Overview graphs it per protocol per month. A SQL view over Odoo's stock
    valuation layers; clinic managers only, the user's companies only."""

    _name = "halley.consumption.cost"
    _description = "Consumption cost of treatment sessions"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "protocol_id"
    # What the view reads: flushed before every search on it.
    _depends = {
        "stock.valuation.layer": ["stock_move_id", "value", "quantity", "product_id", "company_id"],
        "stock.move": ["treatment_session_id", "origin_returned_move_id", "date", "location_id"],
        "halley.treatment.session": ["protocol_id", "room_id"],
        "res.company": ["currency_id"],
    }

    date = fields.Date(readonly=True)
    session_id = fields.Many2one("halley.treatment.session", readonly=True)
    protocol_id = fields.Many2one("mrp.bom", readonly=True)
    room_id = fields.Many2one("stock.location", readonly=True)
    product_id = fields.Many2one("product.product", string="Consumable", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    quantity = fields.Float(readonly=True, digits="Product Unit of Measure", aggregator="sum")
    cost = fields.Monetary(readonly=True, aggregator="sum")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT svl.id AS id,
                       (m.date AT TIME ZONE 'UTC')::date AS date,
                       s.id AS session_id, s.protocol_id, s.room_id,
                       svl.product_id, svl.company_id, c.currency_id,
                       -svl.quantity AS quantity, -svl.value AS cost
                  FROM stock_valuation_layer svl
                  JOIN stock_move m ON m.id = svl.stock_move_id
             LEFT JOIN stock_move o ON o.id = m.origin_returned_move_id
                  JOIN halley_treatment_session s ON s.id = COALESCE(m.treatment_session_id, o.treatment_session_id)
                  JOIN res_company c ON c.id = svl.company_id
            )
            """
        )
