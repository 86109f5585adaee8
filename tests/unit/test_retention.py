"""Retention: closed reports older than the period lose their reporter's identity and exact
place (statistics stay); open or recent ones keep everything; old sent messages lose their
text but keep their Telegram ids."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.domain.outbox import NewMessage
from bot.domain.reports import ReportDraft
from bot.services.outbox import Outbox
from bot.services.retention import RetentionService
from bot.services.users import UserService
from bot.storage.db import Database
from bot.storage.repositories import ReportRepository
from tests.conftest import FixedClock


async def test_old_closed_reports_lose_who_and_exactly_where(
    db: Database, clock: FixedClock
) -> None:
    await UserService(db, clock, "kk").seen(42, "kk")
    repo = ReportRepository()
    draft = ReportDraft(
        category="noise", description="Шу", latitude=42.312345, longitude=69.598765,
        address="Тұран 12, пәтер 5", phone="+77011234567",
    )  # fmt: skip
    async with db.transaction() as conn:
        for _ in range(3):
            await repo.insert(
                conn, reporter_id=42, draft=draft, language="kk", reporter_name="Айгерім",
                reporter_username="aigerim", now=clock.now,
            )  # fmt: skip
        await conn.execute("UPDATE reports SET status = 'resolved' WHERE id IN (1000, 1001)")
        await conn.execute(
            "UPDATE reports SET updated_at = ? WHERE id = 1001",
            ((clock.now + timedelta(days=300)).isoformat(),),
        )
        outbox = Outbox(clock)
        await outbox.add(conn, NewMessage(-1001, "sendMessage", {"text": "Айгерім +7701…"}))
        await conn.execute("UPDATE outbox SET state = 'done', telegram_message_id = 77")
    clock.now += timedelta(days=400)
    reports, messages = await RetentionService(db, clock, 365).run()
    assert (reports, messages) == (1, 1)
    async with db.read() as conn:
        rows = await (
            await conn.execute(
                "SELECT id, reporter_name, reporter_username, phone, address, latitude,"
                " longitude, category, status, anonymised_at IS NOT NULL FROM reports ORDER BY id"
            )
        ).fetchall()
        sent = await (
            await conn.execute("SELECT payload, telegram_message_id FROM outbox")
        ).fetchall()
    assert tuple(rows[0]) == (
        1000, None, None, None, None, 42.31, 69.6, "noise", "resolved", 1,
    ), "closed more than a year ago: who and exactly where are gone, the figures stay"  # fmt: skip
    assert tuple(rows[1])[1] == "Айгерім", "closed 100 days ago: kept"
    assert tuple(rows[2])[1] == "Айгерім", "still open: kept"
    assert [tuple(r) for r in sent] == [("{}", 77)], "the id stays (replies are traced by it)"
    assert await RetentionService(db, clock, 365).run() == (0, 0), "once"


async def test_an_old_copy_keeps_its_source_not_the_caption_written_over_it(
    db: Database, clock: FixedClock
) -> None:
    async with db.transaction() as conn:
        outbox = Outbox(clock)
        copy = {"from_chat_id": 42, "message_id": 9, "caption": "💬 № 1000\nАйгерім, +7701…"}
        await outbox.add(conn, NewMessage(-1001, "copyMessage", copy))
        plain = {"from_chat_id": 42, "message_id": 10}  # an album's other photo: no caption
        await outbox.add(conn, NewMessage(-1001, "copyMessage", plain))
        await conn.execute("UPDATE outbox SET state = 'done', telegram_message_id = id + 70")
    clock.now += timedelta(days=400)
    assert await RetentionService(db, clock, 365).run() == (0, 1)
    async with db.read() as conn:
        rows = await (
            await conn.execute("SELECT payload, telegram_message_id FROM outbox ORDER BY id")
        ).fetchall()
    kept = [(json.loads(r[0]), r[1]) for r in rows]
    assert kept == [
        ({"from_chat_id": 42, "message_id": 9}, 71),
        ({"from_chat_id": 42, "message_id": 10}, 72),
    ], "a reply to the copy is still traced to its source; the words are gone"
    assert await RetentionService(db, clock, 365).run() == (0, 0), "once"
