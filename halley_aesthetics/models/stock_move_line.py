from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.sql import column_exists, create_column, create_index


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # The session whose consumption this line is (its move's): a lot recall reads
    # the lot's lines and their sessions without going through the moves.
    treatment_session_id = fields.Many2one(
        related="move_id.treatment_session_id", store=True, index="btree_not_null", string="Treatment session"
    )

    def _auto_init(self):
        """The column created and filled in one UPDATE when the addon is installed on
        (or upgraded from a release without it on) a database with stock history,
        instead of the ORM recomputing every move line."""
        cr = self.env.cr
        if not column_exists(cr, self._table, "treatment_session_id"):
            create_column(cr, self._table, "treatment_session_id", "int4")
            if column_exists(cr, "stock_move", "treatment_session_id"):
                cr.execute(
                    """
                    UPDATE stock_move_line sml
                       SET treatment_session_id = m.treatment_session_id
                      FROM stock_move m
                     WHERE m.id = sml.move_id AND m.treatment_session_id IS NOT NULL
                    """
                )
        return super()._auto_init()

    def init(self):
        """A lot recall reads the move lines of a lot: Odoo does not index them by
        lot. Created at install and at every upgrade of the addon (when missing)."""
        res = super().init()
        create_index(
            self.env.cr, "stock_move_line_halley_lot_id_index", self._table, ["lot_id"], where="lot_id IS NOT NULL"
        )
        return res

    @api.constrains("location_id", "location_dest_id", "move_id")
    def _check_treatment_room(self):
        """A session's consumption is taken from its room (and its sublocations) and
        goes where its transfer goes: never from another room's stock."""
        for line in self.sudo():
            move = line.move_id
            session = move.treatment_session_id
            if not session:
                continue
            room = session.room_id
            if not line.location_id.parent_path.startswith(room.parent_path) or (
                line.location_dest_id != move.location_dest_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(product)s used in %(session)s is taken from %(room)s, not from "
                        "%(location)s.",
                        product=line.product_id.display_name,
                        session=session.name,
                        room=room.display_name,
                        location=line.location_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # No line is added to a completed session's consumption (a move of it,
            # or its transfer).
            self.env["stock.move"].browse(
                [vals["move_id"] for vals in vals_list if vals.get("move_id")]
            )._halley_check_frozen()
            self.env["stock.picking"].browse(
                [vals["picking_id"] for vals in vals_list if vals.get("picking_id")]
            )._halley_check_frozen()
            treatment = set(
                self.env["stock.move"].browse([v["move_id"] for v in vals_list if v.get("move_id")])
                .sudo().filtered("treatment_session_id").ids
            )
            for vals in vals_list:
                if vals.get("move_id") in treatment and vals.get("quantity") is not None:
                    self._halley_check_quantity(vals["quantity"])
        return super().create(vals_list)

    def write(self, vals):
        self._halley_check_frozen()
        if not self.env.su and self.move_id.treatment_session_id:
            if "quantity" in vals:
                self._halley_check_quantity(vals["quantity"])
            if {"location_id", "location_dest_id", "move_id"} & set(vals):
                # Refused before Odoo moves the reservation to the new place.
                self._check_treatment_room_values(vals)
        return super().write(vals)

    def unlink(self):
        # Before Odoo's own refusal of done lines, which does not name the session.
        self._halley_check_frozen()
        return super().unlink()

    def _halley_check_frozen(self):
        """Each line of a completed session's consumption is kept as recorded: see
        ``stock.move._halley_check_frozen``."""
        if self.env.su or not self:
            return
        lines = self.exists().sudo()
        session = lines.move_id._halley_frozen_session() or lines.picking_id._halley_frozen_session()
        if session:
            lines.with_env(self.env).check_access("read")
            raise UserError(self.env["stock.move"]._halley_frozen_message(session))

    def _check_treatment_room_values(self, vals):
        for line in self:
            new = line.new({
                "move_id": vals.get("move_id", line.move_id.id),
                "location_id": vals.get("location_id", line.location_id.id),
                "location_dest_id": vals.get("location_dest_id", line.location_dest_id.id),
                "product_id": line.product_id.id,
            })
            new._check_treatment_room()

    def _halley_check_quantity(self, quantity):
        if isinstance(quantity, bool) or not isinstance(quantity, int | float) or quantity < 0:
            raise UserError(
                self.env._("A quantity used is a number and never negative (not %(value)r).", value=quantity)
            )
