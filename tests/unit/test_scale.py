"""What keeps the big reads fast, checked without timing anything: the queries /stats, /export,
/card, /find and /myreports run are answered from indexes (no whole-table scan, no sort of a
whole period per page), and /export's pages cover a period exactly once."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from benchmarks.seed import NOW, RESIDENT_BASE, build
from bot.services import export as export_module
from bot.services.desk import DeskService
from bot.services.export import ExportService
from bot.services.stats import Period, StatsService
from bot.storage.db import Database
from bot.storage.repositories import ReportRepository

ZONE = ZoneInfo("Asia/Almaty")
MONTH = Period(date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture
async def seeded(tmp_path: Path) -> Database:
    path = tmp_path / "seeded.db"
    await build(path, reports=2000, residents=100, helpers=5, precincts=5, months=3)
    database = Database(path)
    await database.connect()
    yield database  # type: ignore[misc]
    await database.close()


async def _statements(db: Database, work: object) -> list[str]:
    """Every statement `work` (a coroutine) runs, with its values in place."""
    seen: list[str] = []
    await db.conn.set_trace_callback(seen.append)
    try:
        await work  # type: ignore[misc]
    finally:
        await db.conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith("SELECT")]


def _plan(path: Path, statement: str, top: bool = False) -> list[str]:
    """The query plan's steps (`top`: only those of the statement itself, not of a subquery
    run once per row)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("EXPLAIN QUERY PLAN " + statement).fetchall()
    finally:
        conn.close()
    return [row[3] for row in rows if not top or row[1] == 0]


async def test_the_big_reads_are_answered_from_indexes(seeded: Database, tmp_path: Path) -> None:
    clock = lambda: NOW  # noqa: E731
    stats = StatsService(seeded, clock, ZONE)
    exports = ExportService(seeded, clock, ZONE)
    desk = DeskService(seeded, clock)
    works = {
        "stats": lambda: stats.compute(MONTH),
        "stats of a precinct": lambda: stats.compute(MONTH, "p1"),
        "export": lambda: exports.reports(MONTH, tmp_path / "r.csv"),
        "audit": lambda: exports.events(MONTH, tmp_path / "e.csv"),
        "card": lambda: desk.card(1500),
        "find": lambda: desk.find("+77011234567"),
    }
    checked = 0
    for name, work in works.items():
        for statement in await _statements(seeded, work()):
            plan = _plan(seeded.path, statement)
            scans = [step for step in plan if step.startswith("SCAN")]
            assert not scans, (name, statement, plan)
            # a sort of one report's few events is fine; a sort of the whole period is not
            top = _plan(seeded.path, statement, top=True)
            one_report = any("(report_id=?" in step for step in top)
            sorts = any("TEMP B-TREE" in step for step in top)
            assert one_report or not sorts, (name, statement, plan)
            checked += 1
    assert checked >= 10


async def test_myreports_reads_the_residents_index(seeded: Database) -> None:
    async def mine() -> None:  # what ResidentReports.mine reads
        repo = ReportRepository()
        async with seeded.read() as conn:
            assert await repo.count_by_reporter(conn, RESIDENT_BASE) > 5
            assert len(await repo.by_reporter(conn, RESIDENT_BASE, 0, 5)) == 5

    statements = await _statements(seeded, mine())
    assert len(statements) == 2
    for statement in statements:
        plan = _plan(seeded.path, statement)
        assert any("reports_reporter" in step for step in plan), plan
        assert not any(step.startswith("SCAN") for step in plan), plan


async def test_export_pages_cover_the_month_once_and_in_order(
    seeded: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_module, "PAGE", 7)  # many pages, and ties across their edges
    exports = ExportService(seeded, lambda: NOW, ZONE)
    rows = await exports.reports(MONTH, tmp_path / "r.csv")
    events = await exports.events(MONTH, tmp_path / "e.csv")

    since, until = "2026-09-30T19:00:00+00:00", "2026-10-31T19:00:00+00:00"
    conn = sqlite3.connect(seeded.path)
    expected = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM reports WHERE created_at >= ? AND created_at < ?"
            " ORDER BY created_at, id",
            (since, until),
        )
    ]
    event_count = conn.execute(
        "SELECT (SELECT count(*) FROM report_events WHERE at >= ? AND at < ?)"
        " + (SELECT count(*) FROM staff_audit WHERE at >= ? AND at < ?)",
        (since, until, since, until),
    ).fetchone()[0]
    conn.close()
    assert 500 < len(expected) == rows, "about a third of 2,000 reports over three months"
    written = list(
        csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text("utf-8-sig")), delimiter=";")
    )
    assert [int(r["number"]) for r in written] == expected
    audit = list(
        csv.DictReader(io.StringIO((tmp_path / "e.csv").read_text("utf-8-sig")), delimiter=";")
    )
    assert len(audit) == events == event_count
    report_part = [r["at"] for r in audit if r["subject"].startswith("report:")]
    assert report_part == sorted(report_part), "the report events in time order"


async def test_a_late_export_page_costs_what_the_first_one_does(seeded: Database) -> None:
    """Keyset pages enter the index at their cursor: page 200 reads no more than page 1 (a
    page that walked again from the period's start would read 200 pages' worth)."""
    from datetime import datetime, time

    from bot.storage.repositories import StatsRepository

    repo = StatsRepository()
    since = datetime.combine(MONTH.first, time(0), ZONE)
    until = datetime.combine(date(2026, 11, 1), time(0), ZONE)
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    async with seeded.read() as conn:
        await conn.set_progress_handler(count, 10)
        costs = []
        for page_of in (repo.events_page, repo.export_page):
            after = None
            pages = []
            while True:
                steps = 0
                rows = await page_of(conn, since, until, after, 5)
                pages.append(steps)
                if len(rows) < 5:
                    break
                after = rows[-1].position
            assert len(pages) > 100, "enough pages to tell"
            costs.append((pages[0], max(pages[len(pages) // 2 :])))
        await conn.set_progress_handler(None, 0)
    for first, late in costs:
        assert late <= 3 * first + 50, costs
