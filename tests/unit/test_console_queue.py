"""The console's queue (issue 24) against a real SQLite database: overdue first (the longest
overdue first), then untaken by age, then high priority, then the rest; closed reports never;
filters; cursor paging that neither skips nor repeats a report when new ones come in between
two pages, and refuses a forged cursor."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.domain.queue import Cursor, QueueFilter
from bot.domain.reports import ReportDraft
from bot.services.console import ConsoleService
from bot.storage.db import Database
from bot.storage.repositories import ReportRepository
from tests.conftest import FixedClock

ZONE = ZoneInfo("Asia/Almaty")


async def report(
    db: Database,
    clock: FixedClock,
    *,
    due: date,
    status: str = "new",
    priority: str = "normal",
    category: str = "noise",
    officer: int | None = None,
    referred_to: str | None = None,
) -> int:
    repo = ReportRepository()
    async with db.transaction() as conn:
        number = await repo.insert(
            conn,
            reporter_id=0,
            draft=ReportDraft(category, "Шумят", key=None),
            language="ru",
            reporter_name=None,
            reporter_username=None,
            now=clock(),
            due_on=due,
        )
        # the state a report reaches through its lifecycle, set directly for the test
        await conn.execute(
            "UPDATE reports SET status = ?, priority = ?, officer_id = ?, referred_to = ?"
            " WHERE id = ?",
            (status, priority, officer, referred_to, number),
        )
    return number


async def test_the_queue_puts_what_needs_attention_first(db: Database, clock: FixedClock) -> None:
    clock.now = datetime(2026, 12, 10, 5, 0, tzinfo=UTC)  # 10 December in Shymkent
    later, past, long_past = date(2026, 12, 30), date(2026, 12, 8), date(2026, 12, 1)
    taken = await report(db, clock, due=later, status="taken", officer=7)
    urgent = await report(db, clock, due=later, status="taken", priority="high", officer=8)
    new_old = await report(db, clock, due=later)
    overdue = await report(db, clock, due=past, status="taken", officer=7)
    new_young = await report(db, clock, due=later)
    overdue_longer = await report(db, clock, due=long_past)
    referred = await report(db, clock, due=later, status="taken", referred_to="akimat")
    await report(db, clock, due=long_past, status="resolved")  # closed: never in the queue
    console = ConsoleService(db, clock, ZONE)

    page = await console.queue(QueueFilter())
    assert [r.id for r in page.reports] == [
        overdue_longer, overdue, new_old, new_young, urgent, taken, referred
    ]  # fmt: skip
    assert (page.total, page.next) == (7, None)

    async def ids(**filters: object) -> list[int]:
        return [r.id for r in (await console.queue(QueueFilter(**filters))).reports]  # type: ignore[arg-type]

    assert await ids(overdue_only=True) == [overdue_longer, overdue]
    assert await ids(status="new") == [overdue_longer, new_old, new_young]
    assert await ids(status="referred") == [referred]
    assert await ids(status="taken") == [overdue, urgent, taken]
    assert await ids(officer_id=7) == [overdue, taken]
    assert await ids(category="litter") == []


async def test_pages_neither_skip_nor_repeat_when_reports_come_in(
    db: Database, clock: FixedClock
) -> None:
    due = date(2026, 12, 30)
    first = [await report(db, clock, due=due) for _ in range(5)]
    console = ConsoleService(db, clock, ZONE)
    page = await console.queue(QueueFilter(), size=2)
    assert [r.id for r in page.reports] == first[:2] and page.total == 5
    assert page.next is not None
    cursor = Cursor.parse(str(page.next))
    assert cursor == page.next, "the cursor survives the URL"
    newer = await report(db, clock, due=due)  # comes in between two pages
    seen = [r.id for r in page.reports]
    while cursor is not None:
        page = await console.queue(QueueFilter(), after=cursor, size=2)
        seen += [r.id for r in page.reports]
        cursor = page.next
    assert seen == [*first, newer]


def test_a_forged_cursor_is_no_cursor() -> None:
    for text in ("", "1..", "9..5", "x.y.z", "1.a.-3", "0." + "9" * 11 + ".1", "1.2.3.4"):
        assert Cursor.parse(text) is None, text
    assert Cursor.parse("0.2026-12-01.1042") == Cursor(0, "2026-12-01", 1042)
