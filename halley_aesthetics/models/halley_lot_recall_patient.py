from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..tools import CLINICIAN_GROUPS
from .halley_treatment_session_injection_records import zone_doses_text

# What a lot recall reads: the done move lines of lots that completed treatment
# sessions consumed (a consumption move line carries its session; returns do not),
# with the session's patient, company, date and practitioner (RECALL_LINES_SQL),
# and the same grouped per session and lot (RECALL_USAGE_SQL: a session counts once
# however many lines of the lot it used). Every filter on a lot or a company is
# pushed down to the move lines (their lot index), so a recall reads the lines of
# its lots only, whatever the size of the stock history, and never the moves.
RECALL_LINES_SQL = """
    SELECT sml.id AS move_line_id, sml.lot_id, sml.quantity_product_uom AS quantity,
           s.id AS session_id, s.patient_id, s.company_id, s.scheduled_start, s.practitioner_id
      FROM stock_move_line sml
      JOIN halley_treatment_session s ON s.id = sml.treatment_session_id
     WHERE sml.lot_id IS NOT NULL
       AND sml.state = 'done'
       AND s.state = 'done'
       AND sml.company_id = s.company_id
"""
RECALL_USAGE_SQL = f"""
    SELECT min(l.move_line_id) AS move_line_id, l.lot_id, sum(l.quantity) AS quantity,
           l.session_id, l.patient_id, l.company_id, l.scheduled_start, l.practitioner_id
      FROM ({RECALL_LINES_SQL}) l
  GROUP BY l.session_id, l.lot_id, l.patient_id, l.company_id, l.scheduled_start, l.practitioner_id
"""


class HalleyLotRecallPatient(models.Model):
    """The patients who received a lot: one row per patient, lot and company, with
    her sessions (how many, first and last date, last practitioner), the quantity
    she received and how to reach her. A SQL view: Lot recall's *Find patients*
    lists it for the lots found, paginated by the list view, whatever their size.

    Clinic managers only (access rights); rows of the user's companies only
    (record rule on ``company_id``)."""

    _name = "halley.lot.recall.patient"
    _description = "Patient who received a recalled lot"
    _auto = False
    _order = "last_date desc, id desc"
    _rec_name = "patient_id"
    # What the view reads: flushed before every search on it.
    _depends = {
        "stock.move.line": ["lot_id", "treatment_session_id", "state", "quantity_product_uom", "company_id"],
        "halley.treatment.session": ["state", "patient_id", "company_id", "scheduled_start", "practitioner_id"],
    }

    patient_id = fields.Many2one("res.partner", readonly=True)
    # Read for the rows shown only (a page), not joined in the view.
    email = fields.Char(related="patient_id.email")
    phone = fields.Char(related="patient_id.phone")
    lot_id = fields.Many2one("stock.lot", readonly=True)
    product_id = fields.Many2one(related="lot_id.product_id")
    company_id = fields.Many2one("res.company", readonly=True)
    session_count = fields.Integer(string="Sessions", readonly=True, aggregator="sum")
    first_date = fields.Datetime(string="First session", readonly=True)
    last_date = fields.Datetime(string="Last session", readonly=True)
    practitioner_id = fields.Many2one("res.users", string="Last practitioner", readonly=True)
    quantity = fields.Float(readonly=True, digits="Product Unit of Measure", aggregator="sum")
    # Where the lot went on her face, from the injection charts of her done
    # sessions: read for the rows shown, in one query for the page.
    zone_doses = fields.Char(
        string="Zones treated", compute="_compute_zone_doses", groups=CLINICIAN_GROUPS,
        help="The zones of her chart that received the lot, with the dose (her done sessions).",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    -- One row per patient, lot and company: its id is its first move
                    -- line's, stable across queries. The last practitioner is the one
                    -- of the latest session (date, then id).
                    SELECT min(u.move_line_id) AS id,
                           u.patient_id, u.lot_id, u.company_id,
                           count(*) AS session_count,
                           min(u.scheduled_start) AS first_date,
                           max(u.scheduled_start) AS last_date,
                           (max(ARRAY[extract(epoch FROM u.scheduled_start)::bigint, u.session_id,
                                      u.practitioner_id]))[3] AS practitioner_id,
                           sum(u.quantity) AS quantity
                      FROM (%s) u
                     GROUP BY u.patient_id, u.lot_id, u.company_id
                )
                """,
                SQL.identifier(self._table),
                SQL(RECALL_USAGE_SQL),
            )
        )

    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        """Fetch every column of the rows found in the search's own query: a row is
        read by id only through a full aggregation of the view (its id is an
        aggregate), which the record rule's check of ``company_id`` would otherwise
        do for the page just found."""
        field_names = list(field_names)
        field_names += [name for name, field in self._fields.items() if field.store and name not in field_names]
        return super().search_fetch(domain, field_names, offset=offset, limit=limit, order=order)

    @api.model
    @api.readonly
    def web_search_read(self, domain, specification, offset=0, limit=None, order=None, count_limit=None):
        """A page of the list and how many rows there are, in one query (the count
        as a window over the rows found): the view aggregates the lots' move lines
        once per page, not again for Odoo's separate count."""
        query = self._search(domain, offset=offset, limit=limit, order=order or self._order)
        if query.is_empty() or not limit:
            return super().web_search_read(domain, specification, offset, limit, order, count_limit)
        fields = [field for field in self._fields.values() if field.store and field.column_type and field.name != "id"]
        rows = self.env.execute_query(
            query.select(
                SQL.identifier(self._table, "id"),
                *(SQL.identifier(self._table, field.name) for field in fields),
                SQL("count(*) OVER ()"),
            )
        )
        if not rows:
            return {"length": 0, "records": []}
        columns = list(zip(*rows, strict=True))
        records = self.browse(columns[0])
        for field, values in zip(fields, columns[1:], strict=False):
            self.env.cache.insert_missing(records, field, values)
        length = columns[-1][0]
        if count_limit and length > count_limit:  # as Odoo's count: up to the limit
            length = max(count_limit, offset + len(rows))
        return {"length": length, "records": records.web_read(specification)}

    def _compute_zone_doses(self):
        doses = self.env["halley.treatment.session"]._halley_lot_zone_doses(
            [(row.patient_id.id, row.lot_id.id, row.company_id.id) for row in self]
        )
        for row in self:
            row.zone_doses = zone_doses_text(
                self.env, doses.get((row.patient_id.id, row.lot_id.id, row.company_id.id), [])
            )

    @api.model
    def _halley_count(self, lots):
        """``(patients, sessions)`` that received ``lots`` in the user's companies
        (the view's record rule), counted in one query without grouping."""
        self.check_access("read")
        if not lots:
            return 0, 0
        # What the query reads (not a flush of everything: this runs in the recall
        # wizard's stored compute, itself part of a flush).
        for model, names in self._depends.items():
            self.env[model].flush_model(names)
        self.env.cr.execute(
            SQL(
                """
                SELECT count(DISTINCT u.patient_id), count(DISTINCT u.session_id)
                  FROM (%s) u
                 WHERE u.lot_id = ANY(%s) AND u.company_id = ANY(%s)
                """,
                SQL(RECALL_LINES_SQL),
                lots.ids,
                self.env.companies.ids,
            )
        )
        return self.env.cr.fetchone()
