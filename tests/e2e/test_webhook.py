"""Webhook mode end to end: the fake posts updates to the bot's own server (as Telegram does
through the operator's TLS proxy), with the secret token; strangers are refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import TOKEN, RunningBot, eventually, free_port
from tests.e2e.scenarios import onboard

PUBLIC = "https://sakshy.example.kz:8443"
WEBHOOK_URL = f"{PUBLIC}/telegram/updates"


@pytest.fixture
async def hooked(tg: FakeTelegram, tmp_path: Path) -> Any:
    port = free_port()
    tg.webhook.route(PUBLIC, f"http://127.0.0.1:{port}")
    running = RunningBot(tg, tmp_path / "data" / "sakshy.db")
    running.port = port  # type: ignore[attr-defined]
    overrides = {"webhook_url": WEBHOOK_URL, "webhook_port": port}
    running.overrides = overrides  # type: ignore[attr-defined]
    await running.start(**overrides)
    await tg.wait_for(lambda: bool(tg.webhook_url), timeout=10)
    try:
        yield running
    finally:
        await running.stop()


async def test_updates_arrive_by_webhook_with_the_secret(tg: FakeTelegram, hooked: Any) -> None:
    user = tg.user(9501, first_name="Aigerim", language_code="kk")
    await onboard(user, "kk")
    await user.send("/help")
    assert "/report" in (await user.next_message()).text
    [call] = tg.calls_of("setWebhook")
    assert call.params["url"] == WEBHOOK_URL
    secret = call.params["secret_token"]
    assert len(secret) == 64 and _not_the_token(secret)
    assert tg.calls_of("getUpdates") == [], "no polling while the webhook is set"
    assert {status for _, status in tg.webhook.state.attempts} == {200}
    assert tg.pending_updates == 0
    info = await _info(tg)
    assert info["url"] == WEBHOOK_URL and "last_error_message" not in info


def _not_the_token(secret: str) -> bool:
    """The derived secret is not the token or a part of it."""
    return TOKEN.split(":")[1] not in secret and secret not in TOKEN


async def _info(tg: FakeTelegram) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http:
        url = f"{tg.url}/bot{tg.token}/getWebhookInfo"
        async with http.get(url) as response:
            return dict((await response.json())["result"])


async def test_a_request_without_the_secret_is_refused_and_changes_nothing(
    tg: FakeTelegram, hooked: Any
) -> None:
    forged = {
        "update_id": 777001,
        "message": {
            "message_id": 1,
            "date": 1_790_000_000,
            "chat": {"id": 9502, "type": "private", "first_name": "Mallory"},
            "from": {"id": 9502, "is_bot": False, "first_name": "Mallory"},
            "text": "/start",
        },
    }
    url = f"http://127.0.0.1:{hooked.port}/telegram/updates"
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
            async with http.post(url, json=forged, headers=headers) as response:
                assert response.status == 401
        # the right secret but not JSON: refused as a bad request, nothing kept
        secret = tg.calls_of("setWebhook")[0].params["secret_token"]
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        async with http.post(url, data=b"{not json", headers=headers) as response:
            assert response.status == 400
        async with http.get(url) as response:
            assert response.status == 405
    app = hooked.app
    async with app.db.read() as conn:
        users = await (await conn.execute("SELECT count(*) FROM users WHERE id > 0")).fetchone()
        kept = await (await conn.execute("SELECT count(*) FROM inbox")).fetchone()
    assert (users[0], kept[0]) == (0, 0)
    assert tg.calls_of("sendMessage") == []


async def test_a_stopping_bot_answers_503_and_telegram_keeps_the_update(
    tg: FakeTelegram, hooked: Any
) -> None:
    app = hooked.app
    assert app.webhook is not None
    await app.webhook.stop_accepting()
    secret = tg.calls_of("setWebhook")[0].params["secret_token"]
    person = {"id": 9504, "first_name": "Late"}
    update = {
        "update_id": 777002,
        "message": {
            "message_id": 1,
            "date": 1_790_000_000,
            "chat": {**person, "type": "private"},
            "from": {**person, "is_bot": False},
            "text": "/start",
        },
    }
    url = f"http://127.0.0.1:{hooked.port}/telegram/updates"
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}) as answer,
    ):
        assert answer.status == 503
    async with app.db.read() as conn:
        kept = await (await conn.execute("SELECT count(*) FROM inbox")).fetchone()
    assert kept[0] == 0, "refused before it was kept: Telegram sends it to the next start"


async def test_healthz_reports_the_database_and_the_outbox(hooked: Any) -> None:
    url = f"http://127.0.0.1:{hooked.port}/healthz"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200
        body = json.loads(await response.text())
    assert body == {
        "status": "ok",
        "database": "ok",
        "outbox": "ok",
        "oldest_waiting_seconds": 0.0,
    }


async def test_updates_wait_at_telegram_while_the_bot_is_down_and_polling_takes_over(
    tg: FakeTelegram, hooked: Any
) -> None:
    user = tg.user(9503, first_name="Dana", language_code="ru")
    await onboard(user, "ru")
    await hooked.stop()
    await user.send("/help")  # the bot is down: Telegram keeps it and fails to deliver
    await tg.wait_for(lambda: tg.webhook.state.last_error_message is not None, timeout=10)
    assert (await _info(tg))["last_error_message"] == "Connection refused"
    assert tg.pending_updates == 1

    await hooked.start()  # polling now: the webhook is removed, nothing pending is dropped
    assert "/report" in (await user.next_message(timeout=10)).text
    [delete] = tg.calls_of("deleteWebhook")
    assert delete.params.get("drop_pending_updates") in (None, "false")
    assert tg.webhook_url == ""


async def test_an_unreadable_update_by_webhook_is_set_aside(tg: FakeTelegram, hooked: Any) -> None:
    async def db_of(sql: str) -> list[Any]:
        async with hooked.app.db.read() as conn:
            return list(await (await conn.execute(sql)).fetchall())

    user = tg.user(9510, first_name="Dana", language_code="kk")
    await onboard(user, "kk")
    odd = tg.send_raw_update(
        "message",
        {"message_id": 9, "date": "yesterday", "chat": {"id": 9510, "type": "private"}},
    )
    await user.send("/help")
    assert "/report" in (await user.next_message(timeout=10)).text
    await tg.wait_for(lambda: tg.pending_updates == 0, timeout=10)

    async def set_aside() -> bool:
        return bool(await db_of(f"SELECT 1 FROM failed_updates WHERE update_id = {odd}"))

    assert await eventually(set_aside)
    [(error,)] = await db_of(f"SELECT error FROM failed_updates WHERE update_id = {odd}")
    assert error.startswith("unreadable: message.date")
    assert {status for _, status in tg.webhook.state.attempts} == {200}, "acknowledged"
    assert not user.unread(), "nothing answered to it"
