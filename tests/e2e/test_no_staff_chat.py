"""Without STAFF_CHAT_ID no police chat would see a report: the operator is warned at start, and
a resident who tries to report is told plainly that reports cannot be accepted yet (with the
emergency numbers) instead of being promised an answer; nothing is stored."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.resources import demo_directory_path
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot
from tests.e2e.scenarios import onboard, submit_report

NOT_YET = {
    "kk": "Кешіріңіз, бот әзірге хабарламаларды қабылдай алмайды",
    "ru": "Извините, бот пока не может принимать сообщения",
}


@pytest.fixture
async def unconfigured(tg: FakeTelegram, tmp_path: Path) -> Any:
    running = RunningBot(tg, tmp_path / "data" / "sakshy.db")
    try:
        yield running
    finally:
        await running.stop()


async def reports_stored(bot: RunningBot) -> int:
    assert bot.app is not None
    async with bot.app.db.read() as conn:
        row = await (await conn.execute("SELECT count(*) FROM reports")).fetchone()
    return int(row[0])


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_reporting_is_refused_plainly_with_the_emergency_numbers(
    tg: FakeTelegram, unconfigured: RunningBot, lang: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    await unconfigured.start(staff_chat_id=None)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(w.startswith("STAFF_CHAT_ID is not set: no staff group gets") for w in warnings)

    user = tg.user(9801, first_name="Aruzhan", language_code=lang)
    await onboard(user, lang)
    before = len(user.messages)
    await user.send("/report")
    answer = await user.next_message()
    assert answer.text.startswith(NOT_YET[lang])
    assert "102" in answer.text and "112" in answer.text
    assert answer.reply_markup is not None and "keyboard" in answer.reply_markup, "main menu"
    await user.send("/help")
    await user.next_message()  # the bot went on: no category question came in between
    assert len(user.messages) == before + 2, [m.text for m in user.messages[before:]]
    assert await reports_stored(unconfigured) == 0
    assert tg.group(STAFF_CHAT).messages == []


async def test_a_report_no_police_chat_would_see_is_not_accepted_at_send(
    tg: FakeTelegram, unconfigured: RunningBot
) -> None:
    """A precinct has a chat of its own, so the wizard runs; a report from elsewhere (a typed
    address) would reach nobody: it is not taken, and the resident is told so."""
    precinct_chat = tg.group(-1002000000077, title="МЖК учаскесі", bot_is_admin=True)
    app = await unconfigured.start(staff_chat_id=None)
    data = json.loads(demo_directory_path().read_text("utf-8"))
    for feature in data["features"]:
        if feature["properties"]["id"] == "mzhk":
            feature["properties"]["staff_chat_id"] = precinct_chat.chat_id
    assert (await app.directory.import_text(json.dumps(data), "d.geojson")).applied

    user = tg.user(9802, first_name="Dias", language_code="ru")
    await onboard(user, "ru")
    answer = await submit_report(
        user, "ru", description="Шумят соседи", address="мкр. Нурсат, дом 5"
    )
    assert answer.text.startswith(NOT_YET["ru"]), answer.text
    assert "Ничего не отправлено" in answer.text and "102" in answer.text
    assert not any("принято" in (m.text or "") for m in user.messages), "no receipt, no number"
    assert await reports_stored(unconfigured) == 0
    assert precinct_chat.messages == []
