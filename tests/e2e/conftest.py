"""The real application, polling over real HTTP a strict fake Telegram on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import SakshyApp
from bot.config import Settings
from bot.services.clock import WorldClock
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.timeouts import scaled
from tests.speedups import compiled_catalogs_once  # noqa: F401 (autouse: compiled once)

TOKEN = "123456789:TEST-token-for-the-fake-telegram"
STAFF_CHAT = -1001000000001
#: Users in tests act within milliseconds: Telegram's clock (the fake's limits and the bot's
#: own limiter) runs 1000 times faster. A benchmark runs them at real pace.
TIME_SCALE = 0.001
#: The bots' world in tests: a Wednesday at 11:00 in Almaty (outside the quiet hours), never
#: the machine's date or time of day. It runs on at real pace; a test moves it with
#: `clock.set(...)` or `clock.advance(...)` (the `clock` fixture is the bot's clock).
PINNED_START = datetime(2026, 11, 18, 11, 0, tzinfo=ZoneInfo("Asia/Almaty"))


class RunningBot:
    """Starts, stops and restarts the real app on one database, like a process would."""

    def __init__(self, fake: FakeTelegram, db_path: Path, clock: Any = None) -> None:
        self.fake = fake
        self.db_path = db_path
        self.app: SakshyApp | None = None
        self.task: asyncio.Task[None] | None = None
        self.with_directory = True
        self.clock: Any = clock if clock is not None else WorldClock(PINNED_START)

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "bot_token": TOKEN,
            "telegram_api_url": self.fake.url,
            "database_path": self.db_path,
            "staff_chat_id": STAFF_CHAT,
            "default_locale": "kk",
            "startup_retry_seconds": 0.2,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    async def start(
        self, request_timeout: float = 5, clock: Any = None, **overrides: Any
    ) -> SakshyApp:
        """`clock`: another clock for the app (kept across restarts once given)."""
        if clock is not None:
            self.clock = clock
        app = SakshyApp(
            self.settings(**overrides),
            clock=self.clock,
            polling_timeout=1,
            request_timeout=request_timeout,
            time_scale=TIME_SCALE,
        )
        app.directory_poll = 0.1  # an import by another process is picked up quickly
        await app.open()
        if self.with_directory and app.directory.current.empty:
            await app.directory.import_demo()  # the Shymkent pilot's squares, fictional people
        self.app = app
        self.task = asyncio.create_task(app.run())
        return app

    async def stop(self) -> None:
        if self.app is not None and self.task is not None:
            await self.app.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self.task, scaled(10))
        self.app = None
        self.task = None

    async def restart(self, **overrides: Any) -> SakshyApp:
        await self.stop()
        return await self.start(**overrides)


#: an earlier name of the bots' clock in tests
MovableClock = WorldClock


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "clock(moment): the bot's world starts at this aware datetime, not PINNED_START"
    )


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram(token=TOKEN, bot_username="sakshy_test_bot", time_scale=TIME_SCALE)
    await fake.start()
    fake.group(STAFF_CHAT, title="Duty unit", bot_is_admin=True)
    try:
        yield fake
        fake.assert_no_unexpected_refusals()
    finally:
        await fake.stop()


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> WorldClock:
    """The bot's clock from its first start: `PINNED_START`, or the moment of the test's
    `@pytest.mark.clock(...)`, running on at real pace from there."""
    marker = request.node.get_closest_marker("clock")
    return WorldClock(marker.args[0] if marker is not None else PINNED_START)


@pytest.fixture
async def bot(tg: FakeTelegram, tmp_path: Path, clock: WorldClock) -> AsyncIterator[RunningBot]:
    running = RunningBot(tg, tmp_path / "data" / "sakshy.db", clock)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def db_of(bot: RunningBot) -> Any:
    """Read the bot's database the way the app does."""

    async def query(sql: str, *args: Any) -> list[Any]:
        assert bot.app is not None
        async with bot.app.db.read() as conn:
            return list(await (await conn.execute(sql, args)).fetchall())

    return query


async def eventually(check: Any, timeout: float = 5.0) -> Any:  # noqa: ASYNC109
    """Wait until an async check returns a truthy value (for effects with no Telegram call),
    and return it; fails the test when it does not come within ``timeout`` (scaled by
    SAKSHY_TEST_TIMEOUT_SCALE). A query's rows are truthy when there is one: write the
    condition into the query (``SELECT 1 WHERE (SELECT count(*) …) = 2``), not into a column."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + scaled(timeout)
    while True:
        result = await check()
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(
                f"{getattr(check, '__name__', 'the check')} did not hold within "
                f"{scaled(timeout):.0f} s (last: {result!r})"
            )
        await asyncio.sleep(0.02)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
