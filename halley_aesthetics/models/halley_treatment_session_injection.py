from collections import defaultdict

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..tools import CLINICIAN_GROUPS
from .halley_session_injection import CLOSED_STATES, _fmt

# What a chart entry copies from a protocol's default chart or her last chart.
COPIED_FIELDS = ("sequence", "zone_id", "x", "y", "painted", "product_id", "quantity", "depth", "device", "gauge")


class HalleyTreatmentSession(models.Model):
    """The session's injection chart: where each injectable went, how much, from
    which lot. For the protocol's charted products, the chart is the session's
    consumption: while the session is in progress (and again at Done, under its
    locks) the chart's totals per product and lot become the lines of their
    consumption moves, which Odoo's transfer then consumes with its own checks
    (stock per lot, expiry) and the deviation reason asked when they differ from
    the protocol. A session without any chart entry consumes the protocol's
    quantities, as before charts existed. Components that are not charted keep
    the protocol's quantities (and what the practitioner records on them)."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    injection_ids = fields.One2many(
        "halley.session.injection", "session_id", string="Injection chart", groups=CLINICIAN_GROUPS, copy=False
    )

    # ------------------------------------------------------------------ totals

    def _halley_chart_totals(self):
        """{session_id: {(product_id, lot_id or False): quantity in the product's
        stock unit}} of the sessions' charts, from one grouped read of their
        entries, with the caller's rights (callers that print or export for the
        clinic check access first, then call it as superuser). The dose is summed
        per product and lot, then converted (rounded up: an opened vial is used up)."""
        result = {session_id: {} for session_id in self.ids}
        if not self.ids:
            return result
        Entry = self.env["halley.session.injection"]
        Entry.flush_model(["session_id", "product_id", "lot_id", "quantity"])
        groups = Entry._read_group(
            [("session_id", "in", self.ids)], ["session_id", "product_id", "lot_id"], ["quantity:sum"]
        )
        for session, product, lot, quantity in groups:
            result[session.id][(product.id, lot.id or False)] = product.sudo().product_tmpl_id._halley_dose_to_stock(
                quantity
            )
        return result

    def _halley_chart_components(self):
        """The session's components charted on the injection chart: its consumption
        moves' products once booked (a replaced component included), else its
        protocol's."""
        self.ensure_one()
        session = self.sudo()
        products = session.move_ids.filtered(lambda m: m.state != "cancel").product_id
        if not products:
            products = session.protocol_id.bom_line_ids.product_id
        return products.filtered("halley_charted").with_env(self.env)

    # ------------------------------------------------------------------ the room

    def _halley_room_lots(self, products):
        """{(session_id, product_id): [(lot, free quantity in the product's unit)]}
        of the lots of ``products`` in each session's room (and its sublocations),
        not expired, first expiry first (FEFO): free is what the room holds of the
        lot less what others hold (this session's own reservation counts as free)."""
        sessions = self.sudo()
        rooms = sessions.room_id
        if not rooms or not products:
            return {}
        now = fields.Datetime.now()
        quants = self.env["stock.quant"].sudo().search([
            ("product_id", "in", products.ids),
            ("location_id", "child_of", rooms.ids),
            ("lot_id", "!=", False),
            ("quantity", ">", 0),
        ])
        mine = sessions._halley_reserved_here()
        result = {}
        for session in sessions:
            prefix = session.room_id.parent_path
            by_lot = defaultdict(lambda: [0.0, 0.0])  # lot: [on hand, reserved]
            for quant in quants:
                if quant.location_id.parent_path.startswith(prefix):
                    by_lot[quant.lot_id][0] += quant.quantity
                    by_lot[quant.lot_id][1] += quant.reserved_quantity
            for lot, (on_hand, reserved) in by_lot.items():
                if lot.expiration_date and lot.expiration_date <= now:
                    continue
                held = max(reserved - mine.get((session.id, lot.product_id.id, lot.id), 0.0), 0.0)
                result.setdefault((session.id, lot.product_id.id), []).append((lot, on_hand - held))
            for lots in result.values():
                lots.sort(key=lambda pair: (
                    pair[0].removal_date or pair[0].expiration_date or fields.Datetime.to_datetime("9999-12-31"),
                    pair[0].name, pair[0].id,
                ))
        return result

    def _halley_reserved_here(self):
        """{(session_id, product_id, lot_id or False): quantity} this session's open
        consumption lines hold (reserve) in its room, in the product's unit."""
        held = defaultdict(float)
        for line in self.sudo().move_ids.filtered(lambda m: m.state not in ("done", "cancel")).move_line_ids:
            held[(line.move_id.treatment_session_id.id, line.product_id.id, line.lot_id.id or False)] += (
                line.quantity_product_uom
            )
        return held

    def _halley_check_room_supply(self, totals=None):
        """Refuse, in words, a chart its room cannot supply: per product and lot,
        the whole chart (this session's other entries included) against what the
        room holds of the lot less what other sessions and transfers hold; a lot
        not in the room at all is named as such. Sessions already done or cancelled
        are not checked (their chart is kept as it was). ``totals``: the sessions'
        chart totals when the caller has them (Done reads them once for both steps)."""
        sessions = self.sudo().filtered(lambda s: s.state not in CLOSED_STATES)
        if not sessions:
            return
        if totals is None:
            totals = sessions._halley_chart_totals()
        products = self.env["product.product"].sudo().browse(
            {product_id for chart in totals.values() for product_id, _lot in chart}
        )
        if not products:
            return
        groups = self.env["stock.quant"].sudo()._read_group(
            [("product_id", "in", products.ids), ("location_id", "child_of", sessions.room_id.ids)],
            ["location_id", "product_id", "lot_id"],
            ["quantity:sum", "reserved_quantity:sum"],
        )
        mine = sessions._halley_reserved_here()
        for session in sessions:
            prefix = session.room_id.parent_path
            stock = defaultdict(lambda: [0.0, 0.0])
            for location, product, lot, quantity, reserved in groups:
                if location.parent_path.startswith(prefix):
                    key = (product.id, lot.id or False) if product.tracking != "none" else (product.id, False)
                    stock[key][0] += quantity
                    stock[key][1] += reserved
            for (product_id, lot_id), needed in totals.get(session.id, {}).items():
                product = products.browse(product_id)
                on_hand, reserved = stock.get((product_id, lot_id), (0.0, 0.0))
                held = max(reserved - mine.get((session.id, product_id, lot_id), 0.0), 0.0)
                free = on_hand - held
                if float_compare(needed, free, precision_rounding=product.uom_id.rounding) <= 0:
                    continue
                lot = self.env["stock.lot"].sudo().browse(lot_id)
                name = product.with_context(display_default_code=False).display_name
                if lot and float_compare(on_hand, 0.0, precision_rounding=product.uom_id.rounding) <= 0:
                    raise UserError(
                        self.env._(
                            "Lot %(lot)s of %(product)s is not in %(room)s: chart a lot the room holds.",
                            lot=lot.name,
                            product=name,
                            room=session.room_id.name,
                        )
                    )
                raise UserError(
                    self.env._(
                        "%(room)s cannot supply what the chart of %(session)s takes of %(product)s%(lot)s: "
                        "%(needed)s %(uom)s charted, %(free)s %(uom)s free in the room (it holds %(on_hand)s, "
                        "%(held)s of which other sessions or transfers hold).",
                        room=session.room_id.name,
                        session=session.with_env(self.env).display_name,
                        product=name,
                        lot=self.env._(" (lot %(lot)s)", lot=lot.name) if lot else "",
                        needed=_fmt(needed),
                        free=_fmt(max(free, 0.0)),
                        on_hand=_fmt(on_hand),
                        held=_fmt(held),
                        uom=product.uom_id.name,
                    )
                )
            # Within the protocol's most used of each component (stock_move.py).
            by_product = defaultdict(float)
            for (product_id, _lot_id), needed in totals.get(session.id, {}).items():
                by_product[product_id] += needed
            for move in session.move_ids.filtered(lambda m: m.state not in ("done", "cancel")):
                if move.product_id.id in by_product:
                    move._halley_check_most_used(
                        move.product_id.uom_id._compute_quantity(by_product[move.product_id.id], move.product_uom)
                    )

    # ------------------------------------------------------------------ consumption

    def _halley_apply_chart(self, totals=None):
        """The chart's totals become the lot lines of the charted components'
        moves of the sessions in progress: a lot charted gets its line (from the
        room's place that holds it), a lot no longer charted loses its line, and a
        charted component the chart does not mention is used at zero. Nothing is
        written when the lines already say so; a session without a chart keeps its
        lines. Runs as the workflow (superuser) once the caller may change the
        sessions."""
        sessions = self.sudo().filtered(lambda s: s.state == "in_progress")
        if not sessions:
            return
        if totals is None:
            totals = sessions._halley_chart_totals()
        places = self._halley_lot_places(sessions, totals)
        for session in sessions:
            chart = totals.get(session.id)
            if not chart:
                continue
            moves = session.move_ids.filtered(
                lambda m: m.state not in ("done", "cancel") and m.product_id.halley_charted
            )
            seen = set()
            for move in moves:
                product = move.product_id
                wanted = {} if product.id in seen else {
                    lot_id: qty for (product_id, lot_id), qty in chart.items() if product_id == product.id
                }
                seen.add(product.id)
                commands = []
                kept = set()
                for line in move.move_line_ids:
                    lot_id = line.lot_id.id or False
                    if lot_id not in wanted or lot_id in kept:
                        commands.append(Command.delete(line.id))
                        continue
                    kept.add(lot_id)
                    quantity = product.uom_id._compute_quantity(wanted[lot_id], line.product_uom_id)
                    if float_compare(quantity, line.quantity, precision_rounding=line.product_uom_id.rounding):
                        commands.append(Command.update(line.id, {"quantity": quantity}))
                for lot_id, quantity in wanted.items():
                    if lot_id in kept:
                        continue
                    commands.append(Command.create({
                        "product_id": product.id,
                        "lot_id": lot_id,
                        "product_uom_id": product.uom_id.id,
                        "quantity": quantity,
                        "location_id": places.get((session.id, product.id, lot_id), session.room_id).id,
                        "location_dest_id": move.location_dest_id.id,
                        "picking_id": move.picking_id.id,
                    }))
                if commands:
                    move.write({"move_line_ids": commands})

    def _halley_lot_places(self, sessions, totals):
        """{(session_id, product_id, lot_id): location} where each session's room
        (or a place in it) holds the most of each charted lot."""
        lot_ids = {lot_id for chart in totals.values() for (_p, lot_id) in chart if lot_id}
        if not lot_ids:
            return {}
        quants = self.env["stock.quant"].sudo().search(
            [("lot_id", "in", list(lot_ids)), ("location_id", "child_of", sessions.room_id.ids), ("quantity", ">", 0)],
            order="quantity desc, id",
        )
        places = {}
        for session in sessions:
            prefix = session.room_id.parent_path
            for quant in quants:
                key = (session.id, quant.product_id.id, quant.lot_id.id)
                if key not in places and quant.location_id.parent_path.startswith(prefix):
                    places[key] = quant.location_id
        return places

    def action_start(self):
        res = super().action_start()
        # Started: what Odoo reserved first expiry first gives way to the lots charted.
        self.filtered(lambda s: s.state == "in_progress")._halley_apply_chart()
        return res

    def _halley_prepare_done(self):
        res = super()._halley_prepare_done()
        # The chart read once, under Done's locks, for the check and the lot lines.
        totals = self.sudo().filtered(lambda s: s.state not in CLOSED_STATES)._halley_chart_totals()
        self._halley_check_room_supply(totals)
        self._halley_apply_chart(totals)
        return res

    # ------------------------------------------------------------------ templates

    def action_chart_from_protocol(self):
        """Start the chart from the protocol's default chart (lots: the room's,
        first expiry first)."""
        self._halley_check_chart_empty()
        vals_list = []
        for session in self:
            entries = session.sudo().protocol_id.halley_injection_ids
            if not entries:
                raise UserError(
                    self.env._(
                        "The protocol %(protocol)s has no default chart: a clinic manager adds one on the protocol.",
                        protocol=session.protocol_id.clinic_name or session.protocol_id.display_name,
                    )
                )
            vals_list += session._halley_copied_entries(entries)
        self.env["halley.session.injection"].create(vals_list)
        return True

    def action_chart_same_as_last_time(self):
        """Chart as at her previous session of the same protocol in this clinic
        (completed): the same zones, products, quantities and technique; the lots
        are today's, first expiry first."""
        self._halley_check_chart_empty()
        Entry = self.env["halley.session.injection"]
        vals_list = []
        for session in self:
            previous = self.search(
                [
                    ("patient_id", "=", session.patient_id.id),
                    ("protocol_id", "=", session.protocol_id.id),
                    ("company_id", "=", session.company_id.id),
                    ("state", "=", "done"),
                    ("id", "!=", session.id),
                    ("scheduled_start", "<", session.scheduled_start),
                    ("injection_ids", "!=", False),
                ],
                order="scheduled_start desc, id desc",
                limit=1,
            )
            if not previous:
                raise UserError(
                    self.env._(
                        "%(patient)s has no earlier charted session of %(protocol)s: start from the "
                        "protocol's chart instead.",
                        patient=session.patient_id.name,
                        protocol=session.protocol_id.clinic_name or session.protocol_id.display_name,
                    )
                )
            entries = Entry.search([("session_id", "=", previous.id)])
            vals_list += session._halley_copied_entries(entries, note=True)
        Entry.create(vals_list)
        return True

    def _halley_check_chart_empty(self):
        self.check_access("write")
        for session in self:
            if session.state in CLOSED_STATES:
                self.env["halley.session.injection"]._halley_check_open(session)
            if session.injection_ids:
                raise UserError(
                    self.env._(
                        "%(session)s is already charted: delete its entries first to start the chart again.",
                        session=session.display_name,
                    )
                )

    def _halley_copied_entries(self, entries, note=False):
        """New entries of this session copied from ``entries`` (a protocol's or
        another session's), the components the session does not chart left out."""
        self.ensure_one()
        components = self._halley_chart_components()
        vals_list = []
        for entry in entries:
            if entry.product_id not in components:
                continue
            vals = {name: entry[name].id if name.endswith("_id") else entry[name] for name in COPIED_FIELDS}
            if note and entry.note:
                vals["note"] = entry.note
            vals["session_id"] = self.id
            vals_list.append(vals)
        if not vals_list:
            raise UserError(
                self.env._(
                    "None of the entries to copy is a component %(session)s charts.",
                    session=self.display_name,
                )
            )
        return vals_list
