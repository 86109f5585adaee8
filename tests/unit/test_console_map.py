"""The console map's data against a real SQLite database: open reports with a place (referred
ones too) and those closed in the last week as markers, overdue marked, typed addresses and
withdrawn or old closed reports left out, the limit kept (open first); the heat counted per
cell of rounded coordinates over the period, of one category or all; the tile server's
origin for the Content-Security-Policy."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.console_map import tile_origin
from bot.domain.reports import ReportDraft
from bot.services.console import ConsoleService
from bot.storage.db import Database
from bot.storage.repositories import QueueRepository, ReportRepository
from tests.conftest import FixedClock
from tests.unit.test_console_queue import ZONE


async def placed(
    db: Database,
    clock: FixedClock,
    where: tuple[float, float] | None,
    *,
    status: str = "new",
    category: str = "noise",
    due: date = date(2026, 12, 30),
    age: timedelta = timedelta(0),
) -> int:
    repo = ReportRepository()
    draft = ReportDraft(
        category,
        "Шумят",
        latitude=where[0] if where else None,
        longitude=where[1] if where else None,
        address=None if where else "Тұран 12",
    )
    async with db.transaction() as conn:
        number = await repo.insert(
            conn,
            reporter_id=0,
            draft=draft,
            language="ru",
            reporter_name=None,
            reporter_username=None,
            now=clock() - age,
            due_on=due,
        )
        # a referred report is stored as taken, with the body (migration 0032)
        await conn.execute(
            "UPDATE reports SET status = ?, referred_to = ?, updated_at = created_at WHERE id = ?",
            (
                "taken" if status == "referred" else status,
                "akimat" if status == "referred" else None,
                number,
            ),
        )
    return number


async def test_the_markers_are_open_reports_and_the_week_s_closed_ones(
    db: Database, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 12, 10, 5, 0, tzinfo=UTC)
    here = (42.3177, 69.5862)
    fresh = await placed(db, clock, here)
    overdue = await placed(db, clock, here, status="taken", due=date(2026, 12, 1))
    referred = await placed(db, clock, here, status="referred")
    closed = await placed(db, clock, here, status="resolved", age=timedelta(days=2))
    await placed(db, clock, here, status="resolved", age=timedelta(days=20))  # closed long ago
    await placed(db, clock, here, status="withdrawn")
    await placed(db, clock, None)  # a typed address: no place on the map
    found = await ConsoleService(db, clock, ZONE).map(30)
    assert [(m.number, m.status, m.overdue) for m in found.markers] == [
        (referred, "referred", False),
        (overdue, "taken", True),
        (fresh, "new", False),
        (closed, "resolved", False),
    ]
    assert found.total == 4

    repo = QueueRepository()
    async with db.read() as conn:
        limited, total = await repo.map_markers(
            conn, date(2026, 12, 10), clock() - timedelta(days=7), 2
        )
    assert [m.number for m in limited] == [referred, overdue] and total == 4, "open first"


async def test_the_heat_counts_reports_per_cell_over_the_period(
    db: Database, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 12, 10, 5, 0, tzinfo=UTC)
    for where in [(42.31771, 69.58621), (42.31774, 69.58618), (42.3301, 69.6012)]:
        await placed(db, clock, where, status="resolved", age=timedelta(days=3))
    await placed(db, clock, (42.3301, 69.6012), category="litter", age=timedelta(days=40))
    await placed(db, clock, (42.3301, 69.6012), age=timedelta(days=100))  # before 90 days
    console = ConsoleService(db, clock, ZONE)
    month = {(c.latitude, c.longitude): c.count for c in (await console.map(30)).heat}
    assert month == {(42.318, 69.586): 2, (42.33, 69.601): 1}
    quarter = {(c.latitude, c.longitude): c.count for c in (await console.map(90)).heat}
    assert quarter == {(42.318, 69.586): 2, (42.33, 69.601): 2}
    litter = (await console.map(90, "litter")).heat
    assert [(c.latitude, c.longitude, c.count) for c in litter] == [(42.33, 69.601, 1)]


def test_the_tile_server_s_origin() -> None:
    assert tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://tile.openstreetmap.org"
    )
    assert tile_origin("https://tile{s}.maps.2gis.com/tiles?x={x}&y={y}&z={z}") == (
        "https://*.maps.2gis.com"
    )
    assert tile_origin("http://127.0.0.1:8080/t/{z}/{x}/{y}.png") == "http://127.0.0.1:8080"
    for wrong in ("https://tiles.example/{z}/{x}.png", "ftp://t/{z}/{x}/{y}", "{z}{x}{y}"):
        with pytest.raises(ValueError):
            tile_origin(wrong)
