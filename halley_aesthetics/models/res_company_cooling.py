import bisect
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_date

from ..clinic_time import company_tz

# Singapore's CaseTrust rule for prepaid packages: a cooling-off period of at least
# five working days, with a full refund of what is unused.
MIN_COOLING_OFF_DAYS = 5


def fee_text(percent):
    """A fee percentage as people write it: 10, 12.5 (not 10.0). Outside the
    translated calls: Odoo's term extractor cannot read an f-string argument."""
    return f"{percent:g}"


class ResCompany(models.Model):
    """Cooling-off of prepaid courses (issue 23, design decision 3): how many
    working days a patient may cancel a course for a full refund of what she has
    not used, and the clinic's refund policy after that."""

    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    halley_cooling_off_days = fields.Integer(
        string="Cooling-off (working days)",
        default=MIN_COOLING_OFF_DAYS,
        help="Working days after a course is sold during which the patient may cancel "
        "it for a full refund of the sessions she has not used. Weekends and the "
        "public holidays of the company's working hours are skipped. At least 5 "
        "(CaseTrust).",
    )
    halley_refund_policy = fields.Selection(
        [
            ("fee", "Refund unused sessions less a fee"),
            ("none", "No refund"),
        ],
        string="After cooling-off",
        default="fee",
        required=True,
        help="What a patient gets back when she cancels a course after its cooling-off "
        "period.",
    )
    halley_refund_fee_percent = fields.Float(
        string="Cancellation fee (%)",
        default=10.0,
        help="After cooling-off: the unused sessions are refunded at the course's price "
        "less this share.",
    )

    @api.constrains("halley_cooling_off_days", "halley_refund_fee_percent")
    def _check_halley_cooling_off(self):
        for company in self:
            if company.halley_cooling_off_days < MIN_COOLING_OFF_DAYS:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the cooling-off period of a prepaid course is at least "
                        "%(minimum)s working days (CaseTrust), not %(days)s.",
                        company=company.name,
                        minimum=MIN_COOLING_OFF_DAYS,
                        days=company.halley_cooling_off_days,
                    )
                )
            if not 0.0 <= company.halley_refund_fee_percent <= 100.0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the cancellation fee is a share of the unused sessions' "
                        "price, between 0 and 100 %%, not %(fee)s %%.",
                        company=company.name,
                        fee=fee_text(company.halley_refund_fee_percent),
                    )
                )

    # ------------------------------------------------------------------ working days

    def _halley_cooling_off_ends(self, dates):
        """{sale date: last day of its cooling-off} for ``dates`` (dates sold by
        this company): the Nth working day after the sale day (N the company's
        setting, never fewer than 5) on the company's working hours, skipping its
        days off and its public holidays (Odoo's time off without a resource:
        ``resource.calendar.leaves`` of the company). One computation of the
        working days for all the dates (Odoo's ``_work_intervals_batch``), not one
        per date. Only reads."""
        self.ensure_one()
        dates = sorted({d for d in dates if d})
        if not dates:
            return {}
        days = max(self.halley_cooling_off_days, MIN_COOLING_OFF_DAYS)
        company = self.sudo()
        calendar = company.resource_calendar_id
        # The clinic's working hours and holidays in the clinic's time zone (the
        # company's setting), whatever the calendar's own zone.
        tz = pytz.timezone(company_tz(company))
        first = dates[0] + timedelta(days=1)
        # Enough for N working days after the last date, even across long holidays;
        # widened below in the rare case it is not.
        span = (dates[-1] - first).days + days * 2 + 21
        while True:
            last = first + timedelta(days=span)
            working = self._halley_working_days(calendar, tz, first, last)
            ends = {}
            for sale_date in dates:
                index = bisect.bisect_right(working, sale_date) + days - 1
                if index >= len(working):
                    break
                ends[sale_date] = working[index]
            if len(ends) == len(dates):
                return ends
            if span > 3660:  # a calendar with no working day at all
                return {sale_date: sale_date + timedelta(days=days) for sale_date in dates}
            span *= 2

    def _halley_working_days(self, calendar, tz, first, last):
        """The sorted working days from ``first`` to ``last`` (dates): days with
        working hours left once the company's public holidays are taken out.
        Without working hours: Monday to Friday."""
        if not calendar:
            count = (last - first).days + 1
            return [d for d in (first + timedelta(days=n) for n in range(count)) if d.weekday() < 5]
        start = tz.localize(datetime.combine(first, time.min))
        stop = tz.localize(datetime.combine(last, time.max))
        # Only this company's holidays: Odoo adds the calendar (or none) and "no
        # resource" to this domain.
        domain = [("time_type", "=", "leave"), ("company_id", "=", self.id)]
        intervals = calendar._work_intervals_batch(start, stop, domain=domain, tz=tz)[False]
        return sorted({begin.date() for begin, _end, _meta in intervals})

    # ------------------------------------------------------------------ terms

    def _halley_cooling_off_terms(self, end_date):
        """The cooling-off terms of a course whose cooling-off ends ``end_date``,
        in the environment's language (her language on her invoice), the date as
        that language writes it."""
        self.ensure_one()
        company = self.sudo()
        if company.halley_refund_policy == "none":
            after = self.env._("no refund is given.")
        elif company.halley_refund_fee_percent:
            after = self.env._(
                "the unused sessions are refunded at the course's price less a %(fee)s %% "
                "cancellation fee.",
                fee=fee_text(company.halley_refund_fee_percent),
            )
        else:
            after = self.env._("the unused sessions are refunded at the course's price.")
        return self.env._(
            "Cooling-off: you may cancel this course until %(date)s (%(days)s working days) "
            "for a full refund of the sessions you have not used; after that, %(after)s",
            date=format_date(self.env, end_date),
            days=max(company.halley_cooling_off_days, MIN_COOLING_OFF_DAYS),
            after=after,
        )
