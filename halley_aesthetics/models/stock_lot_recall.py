from collections import defaultdict

from odoo import models


class StockLot(models.Model):
    """A lot recall: which treatment sessions used a lot."""

    _inherit = "stock.lot"

    def _halley_recall_sessions(self):
        """The completed treatment sessions that used these lots, with how much:
        ``{(session, lot): quantity}``, in the product's unit.

        Only the user's companies (``self.env.companies``): a recall never shows
        another company's patients, even for a lot both companies share. What a
        session used is the done move lines of its Treatment consumption transfer
        (read as superuser: practitioners and managers need no stock rights for
        it); the sessions and lots are returned in the caller's environment."""
        companies = self.env.companies.ids
        rows = defaultdict(float)
        for move, lot, quantity in self.env["stock.move.line"].sudo()._read_group(
            [
                ("lot_id", "in", self.ids),
                ("state", "=", "done"),
                ("company_id", "in", companies),
                ("move_id.treatment_session_id.state", "=", "done"),
                ("move_id.treatment_session_id.company_id", "in", companies),
                ("move_id.picking_type_id.is_treatment_consumption", "=", True),
            ],
            ["move_id", "lot_id"],
            ["quantity:sum"],
        ):
            rows[(move.treatment_session_id.id, lot.id)] += quantity
        # Records iterated from one recordset read their fields together.
        sessions = {s.id: s for s in self.env["halley.treatment.session"].browse({s for s, _lot in rows})}
        lots = {lot.id: lot for lot in self.browse({lot for _s, lot in rows})}
        return {(sessions[session_id], lots[lot_id]): qty for (session_id, lot_id), qty in rows.items()}
