"""The outbox stall alert: what people wait for, unsent longer than the threshold, is told to
the staff group's administrators once per episode (bulk rows do not count), and logged."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from bot.domain.outbox import NewMessage
from bot.domain.refs import Ref
from bot.services.alerts import OpsAlerts
from bot.services.outbox import Outbox
from bot.services.users import UserService
from bot.storage.db import Database
from tests.conftest import FixedClock

STAFF = -1001


class Renderer:
    def group_lost(self, user_id: int, language: str, chat_id: int) -> NewMessage:
        return NewMessage(user_id, "sendMessage", {"text": f"lost {language}"}, ref=Ref.ops("lost"))

    def outbox_stalled(self, user_id: int, language: str, minutes: int) -> NewMessage:
        return NewMessage(
            user_id, "sendMessage", {"text": f"stalled {minutes} {language}"}, ref=Ref.ops("stall")
        )


async def alerts_of(db: Database, clock: FixedClock) -> tuple[OpsAlerts, Outbox]:
    async def staff() -> int:
        return STAFF

    outbox = Outbox(clock)
    alerts = OpsAlerts(db, outbox, clock, Renderer(), staff, timedelta(minutes=10), "kk")
    users = UserService(db, clock, "kk")
    await users.seen(1, "ru")  # an administrator who uses the bot
    await alerts.remember_admins(STAFF, [(1, "Admin"), (2, "Never wrote")])
    return alerts, outbox


async def told(db: Database) -> list[tuple[Any, ...]]:
    async with db.read() as conn:
        cur = await conn.execute("SELECT chat_id, payload FROM outbox WHERE ref = 'ops:stall'")
        return [tuple(r) for r in await cur.fetchall()]


async def test_a_stalled_outbox_is_told_once_per_episode(
    db: Database, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    alerts, outbox = await alerts_of(db, clock)
    async with db.transaction() as conn:
        await outbox.add(conn, NewMessage(42, "sendMessage", {"text": "a bulk offer"}, priority=1))
    clock.now += timedelta(minutes=30)
    await alerts.check_outbox()
    assert await told(db) == [], "bulk rows may wait (a broadcast takes its time)"
    async with db.transaction() as conn:
        await outbox.add(conn, NewMessage(42, "sendMessage", {"text": "a receipt"}))
    clock.now += timedelta(minutes=9)
    await alerts.check_outbox()
    assert await told(db) == []
    clock.now += timedelta(minutes=2)
    with caplog.at_level(logging.ERROR):
        await alerts.check_outbox()
        await alerts.check_outbox()
    assert await told(db) == [(1, '{"text":"stalled 11 ru"}')], "once, to the admin who can hear"
    assert "the outbox is stalled" in caplog.text
    async with db.transaction() as conn:
        await conn.execute("UPDATE outbox SET state = 'done' WHERE ref IS NULL")
    await alerts.check_outbox()  # it moves again: the episode ends
    async with db.transaction() as conn:
        await outbox.add(conn, NewMessage(42, "sendMessage", {"text": "another"}))
    clock.now += timedelta(minutes=11)
    await alerts.check_outbox()
    assert len(await told(db)) == 2, "a new episode, a new alert"


async def test_health_says_when_the_outbox_is_stalled(db: Database, clock: FixedClock) -> None:
    alerts, outbox = await alerts_of(db, clock)
    assert await alerts.health() == (
        True,
        {"database": "ok", "outbox": "ok", "oldest_waiting_seconds": 0.0},
    )
    async with db.transaction() as conn:
        await outbox.add(conn, NewMessage(42, "sendMessage", {"text": "a receipt"}))
    clock.now += timedelta(minutes=10, seconds=30)
    ok, details = await alerts.health()
    assert (ok, details["outbox"], details["oldest_waiting_seconds"]) == (False, "stalled", 630.0)
