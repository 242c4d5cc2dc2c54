/** @odoo-module **/

import { onWillStart, useState } from "@odoo/owl";
import { makeContext } from "@web/core/context";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat } from "@web/core/utils/numbers";
import { X2ManyField, x2ManyField } from "@web/views/fields/x2many/x2many_field";

/** The diagrams of the chart, each an outline drawing in a 200 x 240 viewBox. */
export const DIAGRAMS = ["front", "left", "right", "neck"];
const ARTWORK = {
    front: "/halley_aesthetics/static/src/chart/face_front.svg",
    left: "/halley_aesthetics/static/src/chart/face_left.svg",
    right: "/halley_aesthetics/static/src/chart/face_right.svg",
    neck: "/halley_aesthetics/static/src/chart/neck.svg",
};
/** One colour per product of the chart, in the order they first appear. */
const COLOURS = ["#c2185b", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f"];
/** What a new entry copies from the one before it. */
const COPIED = ["product_id", "lot_id", "quantity", "depth", "device", "gauge"];

/** A many2one value ([id, name] or false): its id. */
function idOf(value) {
    return value ? value[0] : false;
}

/** "x1,y1 x2,y2 ..." -> [[x1, y1], [x2, y2], ...] (a shape that does not parse: no points). */
export function parseShape(shape) {
    const points = [];
    for (const pair of (shape || "").trim().split(/\s+/)) {
        const [x, y] = pair.split(",").map(Number);
        if (pair && Number.isFinite(x) && Number.isFinite(y)) {
            points.push([x, y]);
        }
    }
    return points.length >= 3 ? points : [];
}

/** Whether (x, y) lies inside the polygon (ray casting; concave shapes too). */
export function insidePolygon(x, y, points) {
    let inside = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
        const [xi, yi] = points[i];
        const [xj, yj] = points[j];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) {
            inside = !inside;
        }
    }
    return inside;
}

/** Distance from (x, y) to the segment (a, b). */
function segmentDistance(x, y, [ax, ay], [bx, by]) {
    const dx = bx - ax;
    const dy = by - ay;
    const length = dx * dx + dy * dy;
    const t = length ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / length)) : 0;
    return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/**
 * Where a zone's name and painted dose go: the point of the zone farthest from its
 * edges (so a U-shaped zone such as the jawline is labelled on the band, not in its
 * hollow), on a 1-unit grid.
 */
export function labelPoint(points) {
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    let best = [xs.reduce((a, b) => a + b, 0) / xs.length, ys.reduce((a, b) => a + b, 0) / ys.length];
    let bestDistance = -1;
    for (let x = Math.min(...xs); x <= Math.max(...xs); x += 1) {
        for (let y = Math.min(...ys); y <= Math.max(...ys); y += 1) {
            if (!insidePolygon(x, y, points)) {
                continue;
            }
            let distance = Infinity;
            for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
                distance = Math.min(distance, segmentDistance(x, y, points[j], points[i]));
            }
            if (distance > bestDistance) {
                bestDistance = distance;
                best = [x, y];
            }
        }
    }
    return best;
}

/**
 * The session's injection chart: the face (front, left and right profiles) and the
 * neck with the clinic's zones; a tap adds an injection point in the zone tapped
 * (product, lot, quantity and technique copied from the entry before), the zone
 * mode paints a whole zone. Points carry their dose; the entries are the editable
 * list below the diagram (Odoo's own one2many list), the totals per product and lot
 * beside it.
 */
export class InjectionChartField extends X2ManyField {
    static template = "halley_aesthetics.InjectionChartField";

    setup() {
        super.setup();
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.artwork = ARTWORK;
        this.chart = useState({ diagram: "front", mode: "point", zones: [], busy: false });
        onWillStart(async () => {
            const zones = await this.orm.searchRead(
                "halley.chart.zone",
                [],
                ["name", "diagram", "shape", "sequence"],
                { order: "sequence, id" }
            );
            this.chart.zones = zones
                .map((zone) => {
                    const points = parseShape(zone.shape);
                    const [cx, cy] = labelPoint(points);
                    return {
                        ...zone,
                        points,
                        polygon: points.map((p) => p.join(",")).join(" "),
                        cx,
                        cy,
                        words: zone.name.split(/\s+/),
                    };
                })
                .filter((zone) => zone.points.length);
        });
    }

    get canChart() {
        return !this.props.readonly;
    }

    get diagramTabs() {
        const selection = this.list.fields.diagram?.selection || [];
        const labels = Object.fromEntries(selection);
        return DIAGRAMS.map((key) => ({
            key,
            label: labels[key] || key,
            count: this.list.records.filter((r) => this.diagramOf(r) === key).length,
        }));
    }

    get zones() {
        return this.chart.zones.filter((zone) => zone.diagram === this.chart.diagram);
    }

    zoneById(id) {
        return this.chart.zones.find((zone) => zone.id === id);
    }

    diagramOf(record) {
        const zone = this.zoneById(idOf(record.data.zone_id));
        return record.data.diagram || zone?.diagram;
    }

    formatDose(value) {
        return formatFloat(value || 0, { digits: [16, 2] }).replace(/([.,]\d*?)0+$/, "$1").replace(/[.,]$/, "");
    }

    /** One colour per product, in the order the products first appear in the chart. */
    get productColours() {
        const colours = {};
        for (const record of this.list.records) {
            const id = idOf(record.data.product_id);
            if (id && !(id in colours)) {
                colours[id] = COLOURS[Object.keys(colours).length % COLOURS.length];
            }
        }
        return colours;
    }

    /** The entries of the diagram shown: points (where she tapped) and painted zones. */
    get marks() {
        const colours = this.productColours;
        const marks = [];
        for (const record of this.list.records) {
            if (this.diagramOf(record) !== this.chart.diagram) {
                continue;
            }
            const zone = this.zoneById(idOf(record.data.zone_id));
            const painted = record.data.painted || (!record.data.x && !record.data.y);
            marks.push({
                id: record.id,
                painted,
                polygon: painted && zone ? zone.polygon : "",
                x: painted && zone ? zone.cx : record.data.x,
                y: painted && zone ? zone.cy : record.data.y,
                colour: colours[idOf(record.data.product_id)] || "#5f6b7a",
                dose: this.formatDose(record.data.quantity),
            });
        }
        return marks;
    }

    /** Totals per product and lot, in the dose unit she charts in. */
    get totals() {
        const colours = this.productColours;
        const rows = new Map();
        for (const record of this.list.records) {
            const product = record.data.product_id;
            if (!product) {
                continue;
            }
            const lot = record.data.lot_id;
            const key = `${product[0]}-${lot ? lot[0] : 0}`;
            if (!rows.has(key)) {
                rows.set(key, {
                    key,
                    product: product[1],
                    lot: lot ? lot[1] : "",
                    unit: record.data.dose_uom_id ? record.data.dose_uom_id[1] : "",
                    colour: colours[product[0]],
                    quantity: 0,
                    count: 0,
                });
            }
            const row = rows.get(key);
            row.quantity += record.data.quantity || 0;
            row.count += 1;
        }
        return [...rows.values()].map((row) => ({ ...row, total: this.formatDose(row.quantity) }));
    }

    get entryCount() {
        return this.list.records.length;
    }

    selectDiagram(key) {
        this.chart.diagram = key;
    }

    selectMode(mode) {
        this.chart.mode = mode;
    }

    /** Where the tap fell, in the diagram's own coordinates (viewBox 0 0 200 240). */
    toDiagram(ev) {
        const svg = ev.currentTarget;
        const point = svg.createSVGPoint();
        point.x = ev.clientX;
        point.y = ev.clientY;
        const local = point.matrixTransform(svg.getScreenCTM().inverse());
        return [Math.round(local.x * 10) / 10, Math.round(local.y * 10) / 10];
    }

    async onDiagramClick(ev) {
        if (!this.canChart) {
            return;
        }
        // The list below would take a click outside its rows for "leave the line":
        // the chart decides itself what happens to the line being edited.
        ev.stopPropagation();
        if (this.chart.busy) {
            return;
        }
        const [x, y] = this.toDiagram(ev);
        const zone = this.zones.find((z) => insidePolygon(x, y, z.points));
        if (!zone) {
            this.notification.add(_t("Tap inside one of the zones drawn on the diagram."), {
                type: "warning",
            });
            return;
        }
        const painting = this.chart.mode === "zone";
        this.chart.busy = true;
        try {
            await this.addEntry(zone, painting ? { painted: true, x: 0, y: 0 } : { painted: false, x, y });
        } finally {
            this.chart.busy = false;
        }
    }

    /** The session's charted component, when it has exactly one (the first entry's product). */
    async sessionProduct() {
        const sessionId = this.props.record.resId;
        if (!sessionId) {
            return false;
        }
        const moves = await this.orm.searchRead(
            "stock.move",
            [
                ["treatment_session_id", "=", sessionId],
                ["product_id.halley_charted", "=", true],
            ],
            ["product_id"]
        );
        const products = new Set(moves.map((move) => move.product_id[0]));
        return products.size === 1 ? [...products][0] : false;
    }

    /** A new entry in `zone`, with the last entry's product, lot, quantity and technique. */
    async addEntry(zone, where) {
        const list = this.list;
        const edited = list.editedRecord;
        if (edited) {
            // What she typed in the line and did not leave yet counts.
            const proms = [];
            list.model.bus.trigger("NEED_LOCAL_CHANGES", { proms });
            await Promise.all([...proms, edited._updatePromise]);
            if (!edited.data.product_id || !(edited.data.quantity > 0)) {
                this.notification.add(_t("Give the product and the dose of the entry being edited first."), {
                    type: "warning",
                });
                return;
            }
            await list.leaveEditMode({ canAbandon: false });
            if (list.editedRecord) {
                this.notification.add(_t("Finish the entry being edited below first."), {
                    type: "warning",
                });
                return;
            }
        }
        const last = list.records.at(-1);
        const defaults = {
            default_zone_id: zone.id,
            default_painted: where.painted,
            default_x: where.x,
            default_y: where.y,
        };
        if (!last) {
            const product = await this.sessionProduct();
            if (product) {
                defaults.default_product_id = product;
            }
        } else {
            for (const name of COPIED) {
                const value = last.data[name];
                if (Array.isArray(value)) {
                    defaults[`default_${name}`] = value[0];
                } else if (value) {
                    defaults[`default_${name}`] = value;
                }
            }
        }
        const context = makeContext([this.props.context, defaults]);
        const record = await list.addNewRecord({
            context,
            position: "bottom",
            // A copy of a complete entry needs nothing more; the first one is edited below.
            mode: last ? "readonly" : "edit",
        });
        if (!last) {
            // Where she tapped is hers: Odoo drops an untouched new line when the
            // list is left (a tap elsewhere, a closed notification); not this one.
            await record.update({ x: where.x, y: where.y });
        }
        if (last && last.data.lot_id && idOf(record.data.lot_id) !== last.data.lot_id[0]) {
            await record.update({ lot_id: last.data.lot_id });
        }
        if (!record.data.product_id && !record.isInEdition) {
            await list.enterEditMode(record);
        }
    }
}

export const injectionChartField = {
    ...x2ManyField,
    component: InjectionChartField,
    additionalClasses: ["o_field_halley_injection_chart"],
};

registry.category("fields").add("halley_injection_chart", injectionChartField);
