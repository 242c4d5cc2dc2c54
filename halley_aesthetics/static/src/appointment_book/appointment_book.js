/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { deserializeDateTime, serializeDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

const MODEL = "halley.treatment.session";
const ROW_HEIGHT = 22; // pixels per 15-minute step
const STORAGE_KEY = "halley_appointment_book";

/**
 * The appointment book: one day, one column per room (or per practitioner), rows
 * of 15 minutes over the opening hours, each session a block over its time,
 * coloured by state (cancelled sessions are not drawn), overlapping blocks side
 * by side. A click on a free slot opens a new session there; a block
 * dragged to another slot or column moves the session through the ORM (the
 * model refuses clashes and closed hours, and the book reloads the day).
 */
export class AppointmentBook extends Component {
    static template = "halley_aesthetics.AppointmentBook";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        const saved = JSON.parse(browser.sessionStorage.getItem(STORAGE_KEY) || "{}");
        this.state = useState({ day: saved.day || false, by: saved.by || "room", data: null, dragging: false });
        this.rowHeight = ROW_HEIGHT;
        onWillStart(() => this.load());
    }

    async load(day = this.state.day, by = this.state.by) {
        const data = await this.orm.call(MODEL, "appointment_book_day", [], { day: day || false, by });
        this.state.data = data;
        this.state.day = data.day;
        this.state.by = data.by;
        browser.sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ day: data.day, by: data.by }));
    }

    // ------------------------------------------------------------ layout

    get rows() {
        const { first, last, step } = this.state.data;
        const rows = [];
        for (let minute = first; minute < last; minute += step) {
            rows.push({ minute, label: minute % 60 === 0 ? this.clock(minute) : "" });
        }
        return rows;
    }

    clock(minute) {
        const hours = String(Math.floor(minute / 60)).padStart(2, "0");
        return `${hours}:${String(minute % 60).padStart(2, "0")}`;
    }

    isOpen(column, minute) {
        if (!column.hours) {
            return true;
        }
        const stop = minute + this.state.data.step;
        return column.hours.some(([open, close]) => open <= minute && stop <= close);
    }

    sessionsOf(column) {
        return this.state.data.sessions.filter((session) => session.column === column.id);
    }

    blockStyle(session) {
        const { first, step } = this.state.data;
        const top = ((session.start - first) / step) * ROW_HEIGHT;
        const height = Math.max(((session.stop - session.start) / step) * ROW_HEIGHT - 2, ROW_HEIGHT - 2);
        // Overlapping sessions share the column's width side by side (the server's
        // lanes, as Odoo's calendar lays out its events): no block covers another.
        const lanes = session.lanes || 1;
        const share = 100 / lanes;
        const left = `calc(${share * (session.lane || 0)}% + 2px)`;
        const width = `calc(${share}% - 4px)`;
        return `top: ${top}px; height: ${height}px; left: ${left}; width: ${width};`;
    }

    at(minute) {
        return deserializeDateTime(this.state.data.day_start).plus({ minutes: minute });
    }

    canMove(session) {
        return !this.state.data.readonly && ["draft", "confirmed", "in_progress"].includes(session.state);
    }

    // ------------------------------------------------------------ navigation

    shiftDay(days) {
        const day = luxon.DateTime.fromISO(this.state.data.day).plus({ days }).toISODate();
        return this.load(day);
    }

    today() {
        return this.load(false);
    }

    toggle(by) {
        return this.load(this.state.day, by);
    }

    async openCalendar(scale) {
        const action = await this.orm.call(MODEL, "action_appointment_calendar", [], {
            scale,
            day: this.state.day,
        });
        return this.action.doAction(action);
    }

    // ------------------------------------------------------------ booking

    onSlotClick(column, minute) {
        if (this.state.data.readonly) {
            return;
        }
        const context = {
            halley_clinic_names: true,
            default_scheduled_start: serializeDateTime(this.at(minute)),
            default_scheduled_end: serializeDateTime(this.at(minute + 30)),
        };
        if (this.state.by === "room") {
            context.default_room_id = column.id;
        } else {
            context.default_practitioner_id = column.id || false;
        }
        return this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("New session"),
            res_model: MODEL,
            views: [[false, "form"]],
            target: "current",
            context,
        });
    }

    openSession(session) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: MODEL,
            res_id: session.id,
            views: [[false, "form"]],
            target: "current",
            context: { halley_clinic_names: true },
        });
    }

    // ------------------------------------------------------------ rescheduling

    onDragStart(ev, session) {
        // Where in the block it was taken: the block's start keeps that distance.
        const top = ev.currentTarget.getBoundingClientRect().top;
        const offset = Math.floor((ev.clientY - top) / ROW_HEIGHT) * this.state.data.step;
        ev.dataTransfer.setData("text/plain", JSON.stringify({ id: session.id, offset }));
        ev.dataTransfer.effectAllowed = "move";
        // Once the drag has started, the blocks let the slots under them take the drop.
        browser.setTimeout(() => (this.state.dragging = true));
    }

    onDragEnd() {
        this.state.dragging = false;
    }

    onDragOver(ev) {
        if (!this.state.data.readonly) {
            ev.preventDefault();
        }
    }

    async onDrop(ev, column, minute) {
        ev.preventDefault();
        this.state.dragging = false;
        const { id, offset } = JSON.parse(ev.dataTransfer.getData("text/plain") || "{}");
        const session = this.state.data.sessions.find((s) => s.id === id);
        if (!session) {
            return;
        }
        await this.move(session, column, minute - (offset || 0));
    }

    /** Move ``session`` to ``column`` at ``minute``, keeping its length. */
    async move(session, column, minute) {
        const start = Math.max(minute, 0);
        const values = {
            scheduled_start: serializeDateTime(this.at(start)),
            scheduled_end: serializeDateTime(this.at(start + session.stop - session.start)),
        };
        const field = this.state.by === "room" ? "room_id" : "practitioner_id";
        if (column.id !== session.column) {
            values[field] = column.id || false;
        }
        try {
            await this.orm.write(MODEL, [session.id], values);
            this.notification.add(_t("%(session)s moved to %(time)s.", {
                session: session.name,
                time: this.clock(start),
            }), { type: "success" });
        } catch (error) {
            // The model's refusal (a clash, closed hours) in its own words; the
            // block goes back where it was.
            const message = error.data?.message || error.message;
            this.notification.add(message, { type: "danger", sticky: true, title: _t("Not moved") });
        }
        await this.load();
    }
}

registry.category("actions").add("halley_appointment_book", AppointmentBook);
