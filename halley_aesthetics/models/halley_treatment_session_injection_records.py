import logging
import re
from collections import defaultdict

from lxml import etree
from markupsafe import Markup

from odoo import api, models
from odoo.tools import SQL, file_open
from odoo.tools.misc import formatLang

from ..tools import CLINICIAN_GROUPS

_logger = logging.getLogger(__name__)

# Every diagram of the chart is drawn in this coordinate space (the zones' shapes
# and the points she tapped).
VIEWBOX_WIDTH, VIEWBOX_HEIGHT = 200, 240
DIAGRAMS = ("front", "left", "right", "neck")
# The outline artwork of each diagram (the chart widget's), drawn under the zones
# when the addon carries it.
ARTWORK_PATH = "halley_aesthetics/static/src/chart/{name}.svg"
ARTWORK_NAMES = {"front": "face_front", "left": "face_left", "right": "face_right", "neck": "neck"}
_ARTWORK = {}
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
# Context key set by the patient portal only, after it checked that the request is
# the patient's (her login or her email's access token): her own aftercare sheet,
# rendered as superuser, lists the zones treated.
PATIENT_SESSION_KEY = "halley_chart_patient_session"


def chart_readable(env, sessions=None):
    """Whether ``env`` may read the injection chart: clinicians (practitioners and
    clinic managers) and the workflow itself (the superuser: the aftercare job).
    Never anyone else, even through ``sudo()`` (billing printing, exporting or
    recalling through a superuser path gets no zone), except the patient herself on
    her own aftercare sheet (the portal's ``PATIENT_SESSION_KEY``, for ``sessions``
    that are exactly hers)."""
    user = env.user
    if user._is_superuser() or user.has_group(CLINICIAN_GROUPS):
        return True
    patient_session = env.context.get(PATIENT_SESSION_KEY)
    return bool(
        env.su
        and sessions
        and patient_session
        and (user._is_portal() or user._is_public())
        and sessions.ids == [patient_session]
    )


def dose_text(env, quantity, uom_name):
    """A dose as the reader writes numbers, without trailing zeros: "0.8 mL"."""
    lang = env["res.lang"]._get_data(code=env.lang or "en_US")
    text = formatLang(env, quantity, digits=3)
    point = lang.decimal_point or "."
    if point in text:
        text = text.rstrip("0").rstrip(point)
    return f"{text} {uom_name or ''}".strip()


def zone_doses_text(env, doses):
    """``[(zone name, quantity, unit name)]`` in words: "Left cheek (0.8 mL), Forehead (0.4 mL)"."""
    return ", ".join(
        env._("%(zone)s (%(dose)s)", zone=zone, dose=dose_text(env, quantity, unit)) for zone, quantity, unit in doses
    )


def translated(value, lang):
    """A translated column (jsonb) read in ``lang``, else in English."""
    if not isinstance(value, dict):
        return value or ""
    return value.get(lang) or value.get("en_US") or next(iter(value.values()), "")


def _points(shape):
    """The polygon points of a zone's shape ("x1,y1 x2,y2 ..."), numbers only: a
    shape typed wrong draws nothing rather than anything else."""
    points = []
    for pair in (shape or "").split():
        coords = pair.split(",")
        if len(coords) != 2 or not all(_NUMBER.match(c) for c in coords):
            return ""
        points.append(f"{float(coords[0]):g},{float(coords[1]):g}")
    return " ".join(points) if len(points) >= 3 else ""


def _artwork(diagram):
    """The diagram's outline artwork as inline SVG markup (read once), or nothing."""
    if diagram not in _ARTWORK:
        markup = Markup("")
        try:
            with file_open(ARTWORK_PATH.format(name=ARTWORK_NAMES.get(diagram, diagram)), "rb") as file:
                root = etree.fromstring(file.read(), etree.XMLParser(remove_comments=True, resolve_entities=False))
            root.set("x", "0")
            root.set("y", "0")
            root.set("width", str(VIEWBOX_WIDTH))
            root.set("height", str(VIEWBOX_HEIGHT))
            markup = Markup(etree.tostring(root, encoding="unicode"))
        except (OSError, FileNotFoundError, etree.XMLSyntaxError):
            _logger.debug("No chart artwork for %s", diagram)
        _ARTWORK[diagram] = markup
    return _ARTWORK[diagram]


class HalleyTreatmentSession(models.Model):
    """The injection chart in the session's records: the treatment record's picture
    and table, the aftercare sheet's zones treated, the lot recall's zones per
    patient, the PDPA export, and the history beside her photos. Every reader
    goes through ``_halley_chart_entries`` (clinicians only, on every path, and
    the user's companies)."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    def _halley_chart_entries(self):
        """The chart entries of these sessions the user may read (see
        ``chart_readable``), in chart order, read with the user's context (her
        language) whatever the path: none for anyone else."""
        Entry = self.env["halley.session.injection"]
        if not self or not chart_readable(self.env, self):
            return Entry.browse()
        domain = [("session_id", "in", self.ids)]
        if not (self.env.user._is_superuser() or self.env.context.get(PATIENT_SESSION_KEY)):
            domain.append(("company_id", "in", self.env.companies.ids))
        return Entry.sudo().search(domain, order="session_id, sequence, id")

    def _halley_zones_treated(self):
        """The names of the zones treated in this session (in the reader's
        language, the clinic's order), once each."""
        zones = self._halley_chart_entries().zone_id.sorted(lambda z: (z.sequence, z.id))
        return zones.mapped("name")

    @api.model
    def _halley_technique(self, entry):
        """How an entry was injected, in words: "Subdermal, needle 32G"."""
        labels = {
            name: dict(entry._fields[name]._description_selection(self.env)) for name in ("depth", "device", "gauge")
        }
        device = labels["device"].get(entry.device) or ""
        if device and entry.depth:
            device = device.lower()
        device = " ".join(part for part in (device, labels["gauge"].get(entry.gauge)) if part)
        return ", ".join(part for part in (labels["depth"].get(entry.depth), device) if part)

    def _halley_chart_rows(self):
        """The chart's table: a row per entry (zone, product, lot, dose with its
        unit, technique), in the reader's language."""
        return [
            {
                "zone": entry.zone_id.name,
                "product": entry.product_id.name,
                "lot": entry.lot_id.name or "",
                "dose": dose_text(self.env, entry.quantity, entry.dose_uom_id.name or entry.product_id.uom_id.name),
                "technique": self._halley_technique(entry),
                "note": entry.note or "",
            }
            for entry in self._halley_chart_entries()
        ]

    def _halley_chart_svg(self):
        """The chart as pictures: one inline SVG per diagram the session's chart
        uses, its zones drawn (treated zones shaded, painted ones darker) and its
        points with their dose. Empty without entries (or for a reader who may not
        see them)."""
        self.ensure_one()
        entries = self._halley_chart_entries()
        if not entries:
            return Markup("")
        Zone = self.env["halley.chart.zone"].sudo().with_context(active_test=False)
        diagrams = [d for d in DIAGRAMS if d in set(entries.mapped("diagram"))]
        zones = Zone.search(
            [("diagram", "in", diagrams), "|", ("active", "=", True), ("id", "in", entries.zone_id.ids),
             ("company_id", "in", [False, self.company_id.id])],
            order="sequence, id",
        )
        labels = dict(Zone._fields["diagram"]._description_selection(self.env))
        pictures = []
        for diagram in diagrams:
            mine = entries.filtered(lambda e, d=diagram: e.diagram == d)
            treated, painted = mine.zone_id, mine.filtered("painted").zone_id
            shapes = Markup("").join(
                Markup('<polygon points="%s" fill="%s" fill-opacity="%s" stroke="#6c757d" stroke-width="0.8"/>')
                % (
                    _points(zone.shape),
                    "#c0392b" if zone in treated else "none",
                    "0.35" if zone in painted else ("0.12" if zone in treated else "0"),
                )
                for zone in zones
                if zone.diagram == diagram and _points(zone.shape)
            )
            points = Markup("").join(
                Markup(
                    '<circle cx="%(x)s" cy="%(y)s" r="2.6" fill="#c0392b" stroke="#ffffff" stroke-width="0.6"/>'
                    '<text x="%(tx)s" y="%(ty)s" font-size="6" fill="#212529">%(dose)s</text>'
                )
                % {
                    "x": f"{entry.x:g}",
                    "y": f"{entry.y:g}",
                    "tx": f"{entry.x + 3.5:g}",
                    "ty": f"{entry.y - 2:g}",
                    "dose": dose_text(self.env, entry.quantity, ""),
                }
                for entry in mine
                if not entry.painted and 0 <= entry.x <= VIEWBOX_WIDTH and 0 <= entry.y <= VIEWBOX_HEIGHT
            )
            pictures.append(
                Markup(
                    '<div class="o_halley_chart_diagram d-inline-block text-center me-2 mb-2">'
                    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %(w)s %(h)s" width="%(w)s" height="%(h)s" '
                    'role="img" aria-label="%(label)s"><rect x="0" y="0" width="%(w)s" height="%(h)s" fill="#ffffff" '
                    'stroke="#dee2e6"/>%(artwork)s%(shapes)s%(points)s</svg><div class="small">%(label)s</div></div>'
                )
                % {
                    "w": VIEWBOX_WIDTH,
                    "h": VIEWBOX_HEIGHT,
                    "label": labels.get(diagram, diagram),
                    "artwork": _artwork(diagram),
                    "shapes": shapes,
                    "points": points,
                }
            )
        return Markup('<div class="o_halley_chart_picture">%s</div>') % Markup("").join(pictures)

    @api.model
    def _halley_lot_zone_doses(self, keys, by="patient", translate=True):
        """The zones that received each lot, with their dose, in one query whatever
        the number of keys: ``keys`` are (patient, lot, company) ids (``by``
        "patient": what her done sessions of that clinic received of the lot) or
        (session, lot) ids (``by`` "session"). Returns {key: [(zone name, dose,
        unit name)]} in the reader's language, the clinic's zone order; nothing for
        a reader who may not see the chart (see ``chart_readable``); without
        ``translate``, the names in every language (dicts: see ``translated``)."""
        keys = list(dict.fromkeys(keys))
        if not keys or not chart_readable(self.env):
            return {}
        self.env["halley.session.injection"].flush_model()
        self.env["halley.treatment.session"].flush_model(["state", "patient_id", "company_id"])
        columns = list(zip(*keys, strict=True))
        if by == "patient":
            key_sql = SQL("s.patient_id, i.lot_id, s.company_id")
            match = SQL(
                "(s.patient_id, i.lot_id, s.company_id) IN (SELECT * FROM unnest(%s::int[], %s::int[], %s::int[]))",
                list(columns[0]), list(columns[1]), list(columns[2]),
            )
        else:
            key_sql = SQL("s.id, i.lot_id")
            match = SQL("(s.id, i.lot_id) IN (SELECT * FROM unnest(%s::int[], %s::int[]))",
                        list(columns[0]), list(columns[1]))
        walls = SQL("TRUE")
        if not self.env.user._is_superuser():
            walls = SQL("s.company_id = ANY(%s)", self.env.companies.ids)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT %(key)s, z.name, u.name, sum(i.quantity)
                  FROM halley_session_injection i
                  JOIN halley_treatment_session s ON s.id = i.session_id
                  JOIN halley_chart_zone z ON z.id = i.zone_id
                  JOIN product_product pp ON pp.id = i.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom u ON u.id = COALESCE(pt.halley_dose_uom_id, pt.uom_id)
                 WHERE s.state = 'done' AND i.lot_id IS NOT NULL AND %(match)s AND %(walls)s
                 GROUP BY %(key)s, z.id, u.id
                 ORDER BY min(z.sequence), z.id
                """,
                key=key_sql,
                match=match,
                walls=walls,
            )
        )
        lang = self.env.lang or "en_US"
        size = len(keys[0])
        result = defaultdict(list)
        for row in rows:
            zone, unit = row[size], row[size + 1]
            if translate:
                zone, unit = translated(zone, lang), translated(unit, lang)
            result[tuple(row[:size])].append((zone, row[size + 2], unit))
        return dict(result)

    def _halley_dose_per_zone(self):
        """Total dose per zone per session (one read_group over the entries the
        user may read): {session id: [(zone name, dose, unit name)]}."""
        entries = self._halley_chart_entries()
        if not entries:
            return {}
        groups = entries._read_group(
            [("id", "in", entries.ids)], ["session_id", "zone_id", "product_id"], ["quantity:sum"]
        )
        per_session = defaultdict(lambda: defaultdict(float))
        for session, zone, product, quantity in groups:
            unit = product.halley_dose_uom_id or product.uom_id
            per_session[session.id][(zone, unit)] += quantity
        return {
            session_id: [(zone.name, quantity, unit.name)
                         for (zone, unit), quantity in sorted(doses.items(), key=lambda i: (i[0][0].sequence,
                                                                                           i[0][0].id))]
            for session_id, doses in per_session.items()
        }
