from odoo import fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL


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

    package_open = fields.Boolean(
        string="Open package",
        compute="_compute_package_open",
        search="_search_package_open",
        help="The package still owes sessions or value at the date the liability is read at (the "
        "end of the day asked, else today): closed packages (used up, refunded, expired with "
        "nothing owed) owe nothing and add nothing to it.",
    )

    def _liability_date(self):
        """The date the liability is read at: the one asked (Package liability at a
        date), else today."""
        return self.env.context.get("halley_liability_date") or fields.Date.context_today(self)

    def _open_package_ids(self, package_ids=None):
        """Packages whose movements up to the liability date leave sessions or
        value owed, in one query (of ``package_ids`` only, if given)."""
        where = SQL("date <= %s", fields.Date.to_date(self._liability_date()))
        if package_ids is not None:
            where = SQL("%s AND package_id IN %s", where, tuple(package_ids) or (None,))
        for model_name, field_names in self._depends.items():  # what the view reads
            self.env[model_name].flush_model(field_names)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT package_id
                  FROM %s
                 WHERE %s
              GROUP BY package_id
                HAVING SUM(sessions) <> 0 OR ROUND(SUM(amount)::numeric, 2) <> 0
                """,
                SQL.identifier(self._table),
                where,
            )
        )
        return [package_id for (package_id,) in rows]

    def _compute_package_open(self):
        open_ids = set(self._open_package_ids(self.package_id.ids))
        for row in self:
            row.package_open = row.package_id.id in open_ids

    def _search_package_open(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search only for open or closed packages."))
        positive = (operator == "=") == value
        return [("package_id", "in" if positive else "not in", self._open_package_ids())]

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
