"""Working days in Kazakhstan: the calendar the legal clock counts in (issue 23).

An appeal is answered within so many *working* days (the Administrative Procedural Code: 15
to answer, 3 to pass it to the competent body). A working day is Monday to Friday, less the
public holidays and the days the law moves a holiday onto (both from the maintained `holidays`
package, which knows Kazakhstan), plus what the operator's file says: a day off the package
does not know yet (a holiday announced this year, a city's own day) or a weekend day the
government made a working day when it moved a holiday (the package does not list those).

The operator's file has a day per line, `YYYY-MM-DD off` or `YYYY-MM-DD work`, and `#` starts
a comment:

    2027-01-03 work   # a Sunday worked, for Monday 4 January off
    2027-03-20 off    # announced in February
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

_LINE = re.compile(r"^\s*(\S+)\s+(\S+)\s*$")
KINDS = ("off", "work")


class CalendarError(ValueError):
    """The operator's file is wrong; the message names the line, in plain words."""


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    #: weekdays that are not worked: the operator's, and the days holidays moved to
    days_off: frozenset[date] = frozenset()
    #: weekend days that are worked (a holiday moved the other way)
    worked: frozenset[date] = frozenset()
    #: the public holidays (the `holidays` package's table, which fills in a year when it is
    #: first asked about one: a bot running for years needs no restart on 1 January)
    public: Container[date] = field(default=frozenset())

    def is_working(self, day: date) -> bool:
        if day in self.worked:
            return True
        return day.weekday() < 5 and day not in self.days_off and day not in self.public

    def add(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (`start` itself is not counted: an appeal
        received on a Friday evening has its first working day on Monday)."""
        if days < 0:
            raise ValueError("working days to add cannot be negative")
        day, left = start, days
        while left:
            day += timedelta(days=1)
            if self.is_working(day):
                left -= 1
        return day

    def count(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; 0 if `end` is not later.
        `count(start, add(start, n)) == n`."""
        if end <= start:
            return 0
        return sum(
            1 for n in range(1, (end - start).days + 1) if self.is_working(start + timedelta(n))
        )


def parse_days(text: str, source: str = "HOLIDAYS_FILE") -> tuple[set[date], set[date]]:
    """The operator's days off and worked days. Every wrong line is named at once."""
    off: set[date] = set()
    work: set[date] = set()
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            problems.append(
                f"{source} line {number}: write a date and off or work, like 2027-03-20 off"
            )
            continue
        when, kind = match.groups()
        try:
            day = date.fromisoformat(when)
        except ValueError:
            problems.append(f"{source} line {number}: {when!r} is not a date (YYYY-MM-DD)")
            continue
        if kind not in KINDS:
            problems.append(f"{source} line {number}: {kind!r} is neither off nor work")
            continue
        (off if kind == "off" else work).add(day)
    both = sorted(off & work)
    if both:
        problems.append(f"{source}: {both[0].isoformat()} is both off and work")
    if problems:
        raise CalendarError("\n".join(problems))
    return off, work


def kazakhstan(years: Iterable[int] = (), operator_text: str | None = None) -> WorkCalendar:
    """Kazakhstan's calendar (`years` filled in at once, any other when first asked), with the
    operator's days on top (they win)."""
    import holidays  # the package's country tables load only here

    known = holidays.country_holidays("KZ", years=list(years))
    off, work = parse_days(operator_text) if operator_text else (set(), set())
    return WorkCalendar(frozenset(off - work), frozenset(work), known)
