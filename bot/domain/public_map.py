"""What the public may see of reports on a map (issue 25): never a home.

Each report's place is snapped to a square cell of about `CELL_METRES` on a grid fixed for the
service area; a cell is published only when at least `MIN_REPORTS` reports fell in it, and
then only as counts by category, status (open or closed) and month. No text, no photo, no
number, no name, no exact place, no typed address: a report without a shared location is not
on the map at all. The public page, the open data and Open311 all publish through this one
rule (tests/unit/test_public_map.py checks it as a property, for any set of reports).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.reports import OPEN, ServiceArea, Status

#: the side of a cell: large enough that it cannot point to a home
CELL_METRES = 150
#: a cell with fewer reports than this is not published at all
MIN_REPORTS = 3
#: metres in a degree of latitude (and of longitude at the equator)
METRES_PER_DEGREE = 111_320


@dataclass(frozen=True, slots=True)
class Placed:
    """What the rule reads of a report (nothing else of it reaches the rule)."""

    latitude: float
    longitude: float
    category: str
    status: Status
    #: the month it came in, YYYY-MM, in the service's time zone
    month: str


@dataclass(frozen=True, slots=True)
class Cell:
    """A grid square, named by its centre."""

    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class PublicCount:
    """How many reports of a category and status were made in a month in a cell."""

    cell: Cell
    category: str
    status: str  # "open" or "resolved"
    month: str  # YYYY-MM
    count: int


@dataclass(frozen=True)
class Grid:
    """Square cells of `metres` over `area`: the same squares for every report, every day
    (longitude's degrees are narrower than latitude's: measured at the area's middle)."""

    area: ServiceArea
    metres: float = CELL_METRES

    @property
    def step_latitude(self) -> float:
        return self.metres / METRES_PER_DEGREE

    @property
    def step_longitude(self) -> float:
        middle = math.radians((self.area.south + self.area.north) / 2)
        return self.metres / (METRES_PER_DEGREE * math.cos(middle))

    def cell(self, latitude: float, longitude: float) -> Cell:
        row = math.floor((latitude - self.area.south) / self.step_latitude)
        column = math.floor((longitude - self.area.west) / self.step_longitude)
        return Cell(
            round(self.area.south + (row + 0.5) * self.step_latitude, 6),
            round(self.area.west + (column + 0.5) * self.step_longitude, 6),
        )


def publish(reports: Iterable[Placed], grid: Grid) -> list[PublicCount]:
    """The counts the public may see: open and resolved reports (a withdrawn or rejected one is
    not «what the police did»), per cell holding at least MIN_REPORTS of them, by category,
    open or resolved, and month; in a stable order."""
    by_cell: dict[Cell, Counter[tuple[str, str, str]]] = defaultdict(Counter)
    for report in reports:
        if report.status not in OPEN and report.status is not Status.RESOLVED:
            continue
        if not grid.area.contains(report.latitude, report.longitude):
            continue  # outside the service area: not ours to publish
        state = "open" if report.status in OPEN else "resolved"
        key = (report.category, state, report.month)
        by_cell[grid.cell(report.latitude, report.longitude)][key] += 1
    counts = []
    for cell, kinds in sorted(
        by_cell.items(), key=lambda item: (item[0].latitude, item[0].longitude)
    ):
        if sum(kinds.values()) < MIN_REPORTS:
            continue
        for (category, state, month), count in sorted(kinds.items()):
            counts.append(PublicCount(cell, category, state, month, count))
    return counts
