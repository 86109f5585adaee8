"""The public map's rule (issue 25) as a property: for any set of reports, what is published
holds no cell with fewer than three reports, nothing but a cell's centre, a category, open or
resolved and a month, and every count is the reports that fell in that cell; a published centre
is within half a cell of each report it counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import fields

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.public_map import MIN_REPORTS, Grid, Placed, PublicCount, publish
from bot.domain.reports import ServiceArea, Status

SHYMKENT = ServiceArea(south=42.20, west=69.45, north=42.45, east=69.80)
GRID = Grid(SHYMKENT)
CATEGORIES = ["noise", "litter", "parking"]

# reports crowd into a few streets (so that cells with three and more occur), a few anywhere
streets = st.sampled_from([(42.3177, 69.5862), (42.3301, 69.6012), (42.2999, 69.6099)])
near = streets.flatmap(
    lambda p: st.tuples(
        st.floats(p[0] - 0.002, p[0] + 0.002), st.floats(p[1] - 0.002, p[1] + 0.002)
    )
)
anywhere = st.tuples(st.floats(42.15, 42.50), st.floats(69.40, 69.85))
reports = st.lists(
    st.builds(
        lambda place, category, status, month: Placed(place[0], place[1], category, status, month),
        st.one_of(near, near, anywhere),
        st.sampled_from(CATEGORIES),
        st.sampled_from(list(Status)),
        st.sampled_from(["2026-10", "2026-11", "2026-12"]),
    ),
    max_size=80,
)


def published_reports(items: list[Placed]) -> list[Placed]:
    return [
        r
        for r in items
        if r.status in (Status.NEW, Status.TAKEN, Status.REFERRED, Status.RESOLVED)
        and SHYMKENT.contains(r.latitude, r.longitude)
    ]


@settings(max_examples=300, deadline=None)
@given(reports)
def test_nothing_published_can_point_to_a_home(items: list[Placed]) -> None:
    counts = publish(items, GRID)
    per_cell: Counter[object] = Counter()
    for count in counts:
        assert [f.name for f in fields(count)] == ["cell", "category", "status", "month", "count"]
        assert [f.name for f in fields(count.cell)] == ["latitude", "longitude"]
        assert count.status in ("open", "resolved")
        assert count.count >= 1
        per_cell[count.cell] += count.count
    assert all(total >= MIN_REPORTS for total in per_cell.values()), "no cell under three"
    # every count is exactly the eligible reports of its cell, and a centre is no report's place
    eligible = published_reports(items)
    expected: Counter[tuple[object, str, str, str]] = Counter(
        (
            GRID.cell(r.latitude, r.longitude),
            r.category,
            "open" if r.status is not Status.RESOLVED else "resolved",
            r.month,
        )
        for r in eligible
    )
    cells_total = Counter(GRID.cell(r.latitude, r.longitude) for r in eligible)
    assert {(c.cell, c.category, c.status, c.month): c.count for c in counts} == {
        key: n for key, n in expected.items() if cells_total[key[0]] >= MIN_REPORTS
    }
    for count in counts:
        members = [r for r in eligible if GRID.cell(r.latitude, r.longitude) == count.cell]
        for r in members:  # within half a cell (and a rounding) of the centre, each way
            assert abs(r.latitude - count.cell.latitude) <= GRID.step_latitude / 2 + 1e-6
            assert abs(r.longitude - count.cell.longitude) <= GRID.step_longitude / 2 + 1e-6


def test_a_cell_is_about_150_metres_and_the_same_every_time() -> None:
    assert round(GRID.step_latitude * 111_320) == 150
    assert 149 < GRID.step_longitude * 111_320 * 0.739 < 152  # cos(42.3°) ≈ 0.74
    here = GRID.cell(42.31771, 69.58621)
    assert GRID.cell(42.31771, 69.58621) == here == GRID.cell(here.latitude, here.longitude)


def test_two_reports_in_a_cell_are_not_published_three_are() -> None:
    one = Placed(42.3177, 69.5862, "noise", Status.NEW, "2026-12")
    assert publish([one, one], GRID) == []
    counted = publish([one, one, one], GRID)
    assert counted == [PublicCount(GRID.cell(42.3177, 69.5862), "noise", "open", "2026-12", 3)]
    withdrawn = Placed(42.3177, 69.5862, "noise", Status.WITHDRAWN, "2026-12")
    assert publish([one, one, withdrawn], GRID) == [], "a withdrawn report does not count"
