"""The staff console's queue (issue 24): which open reports come first, and how to page on.

Open reports (new, taken, referred) in the order a duty officer should look at them:

1. overdue first (past the last day of the answer's term), the longest overdue first;
2. then those nobody has taken, the oldest first;
3. then the rest: high priority first, then the oldest.

Filters live in the URL, so they are plain values here. Paging is by position in that order
(a cursor: the last item's sort key), never by offset, so a page stays as fast at the
thousandth page as at the first and an item is neither skipped nor repeated when reports
come in meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from bot.domain.reports import Report


class Bucket(IntEnum):
    OVERDUE = 0
    UNTAKEN = 1
    OTHER = 2


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the officer narrowed the queue to (None: any)."""

    status: str | None = None  # new, taken, referred
    category: str | None = None
    precinct: str | None = None
    channel: str | None = None  # telegram, phone, walkin
    officer_id: int | None = None  # «taken by me»
    overdue_only: bool = False
    #: only these precincts' reports (a precinct chat's member); None: the whole city
    within: frozenset[str] | None = None
    #: only these reports (those in view on the map, listed for bulk work)
    numbers: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True, order=True)
class Cursor:
    """An item's place in the queue's order: (bucket, key within it, number)."""

    bucket: int
    key: str
    number: int

    def __str__(self) -> str:
        return f"{self.bucket}.{self.key}.{self.number}"

    @classmethod
    def parse(cls, text: str) -> Cursor | None:
        """From the URL; None for anything that is not one (a forged or old link)."""
        parts = text.split(".")
        if len(parts) != 3:
            return None
        try:
            bucket, number = int(parts[0]), int(parts[2])
        except ValueError:
            return None
        if bucket not in tuple(Bucket) or number < 0 or len(parts[1]) > 10:
            return None
        return cls(bucket, parts[1], number)


def place(report: Report, today: date) -> Cursor:
    """Where a report stands in the queue on `today` (the city's date)."""
    if report.due_on is not None and report.due_on < today:
        return Cursor(Bucket.OVERDUE, report.due_on.isoformat(), report.id)
    if report.status.value == "new":
        return Cursor(Bucket.UNTAKEN, "", report.id)
    return Cursor(Bucket.OTHER, "0" if report.priority == "high" else "1", report.id)


@dataclass(frozen=True, slots=True)
class QueuePage:
    reports: tuple[Report, ...]
    #: where the next page starts; None on the last page
    next: Cursor | None
    #: how many open reports the filter matches in all
    total: int
