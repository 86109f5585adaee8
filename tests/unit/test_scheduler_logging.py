"""The log at LOG_LEVEL=INFO over several ticks of the real scheduler: nothing from APScheduler
itself (it logged two lines a tick, 17,000 a day), one line of ours per follow-up that did
something, and nothing for the ticks that found nothing due."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from bot.domain.refs import Ref
from bot.scheduler import FollowUpScheduler
from bot.services.followups import FollowUp, FollowUps
from bot.storage.db import Database
from bot.testing.timeouts import scaled
from tests.conftest import FixedClock


async def test_info_log_has_one_line_per_followup_and_none_from_apscheduler(
    db: Database, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    followups = FollowUps(db, clock)
    handled: list[str] = []

    async def ping(conn: Any, followup: FollowUp, _: Any) -> None:
        handled.append(str(followup.subject))

    followups.register("ping", ping)
    async with db.transaction() as conn:
        await followups.schedule(conn, "ping", Ref.report(1042), clock())

    ticks = 0
    enough = asyncio.Event()
    run_due = followups.run_due

    async def counted(limit: int = 100) -> int:
        nonlocal ticks
        done = await run_due(limit)
        ticks += 1
        if ticks >= 6:
            enough.set()
        return done

    followups.run_due = counted  # type: ignore[method-assign]

    async def quiet_housekeeping() -> None:
        return None

    scheduler = FollowUpScheduler(followups, 0.02, maintenance=[(quiet_housekeeping, 0.02)])
    scheduler.start()
    try:
        await asyncio.wait_for(enough.wait(), scaled(10))
    finally:
        await scheduler.aclose()

    assert handled == ["report:1042"], "the follow-up ran once"
    noisy = [r for r in caplog.records if r.name.startswith("apscheduler")]
    assert noisy == [], [r.getMessage() for r in noisy]
    info = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert info == ["follow-up #1 (ping report:1042) done"]
