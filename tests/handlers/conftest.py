"""The fast layer: the real application (services, Dispatcher, middlewares, routers, outbox)
against the strict fake Telegram in-process (bot/testing/inprocess.py). The people of the
fake act and read exactly as in tests/e2e, and the helpers of tests/e2e/conftest.py work
here; only HTTP, polling and processes are left out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.services.clock import WorldClock
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.inprocess import InProcessBot, settings_for
from tests.e2e.conftest import PINNED_START, STAFF_CHAT, TIME_SCALE, TOKEN
from tests.speedups import compiled_catalogs_once  # noqa: F401 (autouse: compiled once)


@pytest.fixture
def tg() -> FakeTelegram:
    fake = FakeTelegram(token=TOKEN, bot_username="sakshy_test_bot", time_scale=TIME_SCALE)
    fake.group(STAFF_CHAT, title="Duty unit", bot_is_admin=True)
    return fake


@pytest.fixture
def clock() -> WorldClock:
    return WorldClock(PINNED_START)


@pytest.fixture
async def bot(tg: FakeTelegram, tmp_path: Path, clock: WorldClock) -> AsyncIterator[InProcessBot]:
    settings = settings_for(
        tg, tmp_path / "sakshy.db", staff_chat_id=STAFF_CHAT, default_locale="kk"
    )
    async with InProcessBot(tg, settings, clock, time_scale=TIME_SCALE) as running:
        yield running
    tg.assert_no_unexpected_refusals()


@pytest.fixture
async def db_of(bot: InProcessBot) -> Any:
    async def query(sql: str, *args: Any) -> list[Any]:
        async with bot.app.db.read() as conn:
            return list(await (await conn.execute(sql, args)).fetchall())

    return query
