"""The legal clock of an appeal: when its answer is due, how far it may be extended, and how
late an answer was (issue 23).

The Administrative Procedural Code (art. 76, as commonly quoted) gives a body 15 working days
to answer an appeal, 3 to pass one outside its competence to the body that handles it, and lets
the answer be extended, with notice to the applicant, up to 2 months from the appeal. Sakshy
counts in working days of its `WorkCalendar`, in the city's time zone: an appeal received on a
Friday evening starts counting on Monday, and a report due on 31 December is on time until the
end of that day in Shymkent, whatever the server's clock says.

Every category can have terms of its own (`answer_days`, `refer_days` in the categories file);
the rest take the operator's defaults.
"""

from __future__ import annotations

import calendar as _months
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.workdays import WorkCalendar


@dataclass(frozen=True, slots=True)
class Terms:
    """Working days to answer and to refer; months an answer may be extended up to."""

    answer_days: int = 15
    refer_days: int = 3
    extend_months: int = 2


@dataclass(frozen=True, slots=True)
class Answered:
    """How an answer kept the clock: working days it took, and working days past the due
    date (0: in time)."""

    days: int
    late: int


class ExtensionRefused(ValueError):
    """`reason`: "not later" (the new date is not after the current one), "too late" (past the
    legal maximum, `latest`), "past" (a day already gone)."""

    def __init__(self, reason: str, latest: date) -> None:
        super().__init__(reason)
        self.reason = reason
        self.latest = latest


def add_months(day: date, months: int) -> date:
    """The same day `months` later (31 January + 1 month: the last day of February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _months.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class LegalClock:
    calendar: WorkCalendar
    zone: ZoneInfo
    terms: Terms = Terms()
    #: category key -> its own terms
    by_category: Mapping[str, Terms] = field(default_factory=dict)

    def terms_for(self, category: str) -> Terms:
        return self.by_category.get(category, self.terms)

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def due(self, category: str, received: datetime) -> date:
        """The last day of the answer's term for an appeal received at `received`."""
        return self.calendar.add(self.local_day(received), self.terms_for(category).answer_days)

    def refer_by(self, category: str, received: datetime) -> date:
        """The last day to pass an appeal to the competent body."""
        return self.calendar.add(self.local_day(received), self.terms_for(category).refer_days)

    def latest(self, category: str, received: datetime) -> date:
        """The furthest an extension may take the answer's term."""
        months = self.terms_for(category).extend_months
        return add_months(self.local_day(received), months)

    def extended(
        self, category: str, received: datetime, due_on: date, new_due: date, now: datetime
    ) -> date:
        """`new_due` if the law allows it; otherwise ExtensionRefused saying why."""
        latest = self.latest(category, received)
        if new_due <= self.local_day(now):
            raise ExtensionRefused("past", latest)
        if new_due <= due_on:
            raise ExtensionRefused("not later", latest)
        if new_due > latest:
            raise ExtensionRefused("too late", latest)
        return new_due

    def later_by(self, due_on: date, working_days: int) -> date:
        """`working_days` working days after the current due date."""
        return self.calendar.add(due_on, working_days)

    def overdue_at(self, due_on: date) -> datetime:
        """The first moment the appeal is overdue: the start of the day after its due date, in
        the city's time zone."""
        return datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=self.zone)

    def is_overdue(self, due_on: date | None, now: datetime) -> bool:
        return due_on is not None and self.local_day(now) > due_on

    def answered(self, received: datetime, due_on: date, answered: datetime) -> Answered:
        """Working days from receipt to the answer, and past the due date."""
        day = self.local_day(answered)
        return Answered(
            self.calendar.count(self.local_day(received), day), self.calendar.count(due_on, day)
        )

    def referred(self, category: str, received: datetime, at: datetime) -> Answered:
        """A referral is the police's answer to an appeal that is not theirs: working days
        from receipt, and past the term to refer."""
        return self.answered(received, self.refer_by(category, received), at)


@dataclass(frozen=True, slots=True)
class TermFigures:
    """How a precinct keeps the legal clock: answers given in a period, those in time, the
    median working days they took, and open reports past their term now. `precinct_id` None:
    reports no precinct was found for."""

    precinct_id: str | None
    answered: int = 0
    in_time: int = 0
    median_days: float | None = None
    overdue: int = 0
