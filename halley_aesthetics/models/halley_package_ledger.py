from odoo import fields, models, tools


class HalleyPackageLedger(models.Model):
    """Every movement of the package liability: sales, sessions delivered, revenue
    recognised, refunds. Summed up to a date, it gives the sessions still owed and
    their value per patient and per package at that date (Billing > Package
    liability); its value column matches the deferred-revenue account."""

    _name = "halley.package.ledger"
    _description = "Package liability movements"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "package_id"
    # What the view reads: flushed before every search on it.
    _depends = {
        "halley.patient.package": [
            "date_purchase", "product_id", "patient_id", "company_id", "invoice_line_id",
            "sessions_total", "amount_total", "date_refunded", "refund_line_id",
            "sessions_refunded", "amount_refunded",
        ],
        "halley.treatment.session": ["date_done", "package_id", "package_redeemed"],
        "account.move.line": [
            "date", "move_id", "balance", "parent_state", "account_id",
            "halley_package_id", "treatment_session_id",
        ],
        "res.company": ["halley_deferred_account_id"],
    }

    date = fields.Date(readonly=True)
    kind = fields.Selection(
        [
            ("sale", "Sold"),
            ("session", "Session delivered"),
            ("revenue", "Revenue recognised"),
            ("refund", "Refunded"),
        ],
        readonly=True,
    )
    package_id = fields.Many2one("halley.patient.package", readonly=True)
    product_id = fields.Many2one("product.product", string="Package product", readonly=True)
    patient_id = fields.Many2one("res.partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    session_id = fields.Many2one("halley.treatment.session", readonly=True)
    move_id = fields.Many2one("account.move", string="Entry", readonly=True)
    sessions = fields.Integer(string="Sessions owed", readonly=True, aggregator="sum")
    amount = fields.Monetary(string="Value owed", readonly=True, aggregator="sum")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                -- ids stable across queries: 4 x the source row's id + its kind
                SELECT *
                  FROM (
                    SELECT p.id * 4 AS id, p.date_purchase AS date, 'sale' AS kind, p.id AS package_id,
                           p.product_id, p.patient_id, p.company_id,
                           NULL::integer AS session_id, i.id AS move_id,
                           p.sessions_total AS sessions, p.amount_total AS amount
                      FROM halley_patient_package p
                      LEFT JOIN account_move_line il ON il.id = p.invoice_line_id
                      LEFT JOIN account_move i ON i.id = il.move_id
                    UNION ALL
                    SELECT s.id * 4 + 1, (s.date_done AT TIME ZONE 'UTC')::date, 'session', p.id,
                           p.product_id, p.patient_id, p.company_id,
                           s.id, NULL, -1, 0
                      FROM halley_treatment_session s
                      JOIN halley_patient_package p ON p.id = s.package_id
                     WHERE s.package_redeemed
                    UNION ALL
                    SELECT l.id * 4 + 2, l.date, 'revenue', p.id,
                           p.product_id, p.patient_id, p.company_id,
                           l.treatment_session_id, l.move_id, 0, -l.balance
                      FROM account_move_line l
                      JOIN halley_patient_package p ON p.id = l.halley_package_id
                      JOIN res_company c ON c.id = p.company_id
                     WHERE l.parent_state = 'posted'
                       AND l.account_id = c.halley_deferred_account_id
                    UNION ALL
                    SELECT p.id * 4 + 3, p.date_refunded, 'refund', p.id,
                           p.product_id, p.patient_id, p.company_id,
                           NULL, r.move_id, -p.sessions_refunded, -p.amount_refunded
                      FROM halley_patient_package p
                      JOIN account_move_line r ON r.id = p.refund_line_id
                  ) AS movements
            )
            """
        )
