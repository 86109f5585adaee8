"""GET /healthz in polling mode: HEALTH_PORT starts a small listener with the webhook server's
checks (200 when all is well, 503 with what failed); without HEALTH_PORT nothing listens."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bot.domain.outbox import NewMessage
from bot.services.clock import WorldClock
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.timeouts import scaled
from tests.e2e.conftest import RunningBot, free_port
from tests.e2e.scenarios import onboard


async def get_healthz(port: int) -> tuple[int, dict[str, Any]]:
    timeout = aiohttp.ClientTimeout(total=scaled(10))
    async with (
        aiohttp.ClientSession(timeout=timeout) as http,
        http.get(f"http://127.0.0.1:{port}/healthz") as response,
    ):
        return response.status, json.loads(await response.text())


async def test_healthz_in_polling_mode_tells_when_messages_are_stuck(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    port = free_port()
    clock = WorldClock(datetime(2026, 12, 7, 6, 0, tzinfo=UTC))  # 11:00 in Almaty
    running = RunningBot(tg, tmp_path / "data" / "sakshy.db")
    try:
        app = await running.start(clock=clock, health_port=port)
        user = tg.user(9701, first_name="Dana", language_code="ru")
        await onboard(user, "ru")  # polling works
        assert tg.calls_of("getUpdates"), "polling mode"
        status, body = await get_healthz(port)
        assert (status, body) == (
            200,
            {"status": "ok", "database": "ok", "outbox": "ok", "oldest_waiting_seconds": 0.0},
        )

        # Telegram makes a message to the resident wait an hour, and 11 minutes pass
        tg.fail_next("sendMessage", error_code=429, retry_after=3600)
        async with app.db.transaction() as conn:
            await app.outbox.add(
                conn, NewMessage(9701, "sendMessage", {"chat_id": 9701, "text": "Жауап"})
            )
        app.outbox.notify()
        await tg.wait_for(lambda: any(not c.ok for c in tg.calls_of("sendMessage")), timeout=10)
        clock.now += timedelta(minutes=11)
        status, body = await get_healthz(port)
        assert status == 503
        waited = body.pop("oldest_waiting_seconds")
        assert body == {"status": "failing", "database": "ok", "outbox": "stalled"}
        assert 660.0 <= waited < 660.0 + scaled(60)  # the clock runs on from 11 minutes
    finally:
        await running.stop()
    try:
        await get_healthz(port)
    except aiohttp.ClientConnectionError:
        pass
    else:
        raise AssertionError("the listener is closed with the bot")


async def test_without_health_port_nothing_listens(tg: FakeTelegram, tmp_path: Path) -> None:
    running = RunningBot(tg, tmp_path / "data" / "sakshy.db")
    app = await running.start()
    try:
        user = tg.user(9702, first_name="Asel", language_code="kk")
        await onboard(user, "kk")
        assert app.settings.health_port is None and app.health_server is None
    finally:
        await running.stop()
