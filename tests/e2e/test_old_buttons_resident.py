"""Buttons a resident got before 0.1.0 still work: each is pressed with the literal callback
data it was drawn with then (an old keyboard in an old chat), and does what it did.

The strings are written out on purpose, never built with today's callback classes: a change
to the packing that forgets its legacy translation (bot/telegram/legacy_buttons.py) or
changes a packing kept compatible (an enum value renamed) fails here."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.services.clock import WorldClock
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import RunningBot
from tests.e2e.scenarios import onboard, submit_report
from tests.e2e.test_followups import SATURDAY, reported_and_resolved

STALE_RU = "устарела"
STALE_KK = "ескірген"


async def press_old(user: Any, message: Any, data: str) -> dict[str, Any]:
    """Press `data` as an old keyboard of `message` had it; the answer the bot gave."""
    query = await user.press_stale(data, message)
    return await user.answer_of(query)


async def test_my_reports_page_open_write_and_withdraw(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(9801, first_name="Saltanat", language_code="ru")
    await onboard(user, "ru")
    await submit_report(user, "ru")
    await user.send("/myreports")
    listing = await user.next_message()
    assert listing.text.startswith("Ваши сообщения, сначала новые (страница 1 из 1)")

    await press_old(user, listing, "mr:open:1000")
    await tg.wait_for(lambda: "отправлено" in listing.text, timeout=5)
    assert listing.button_texts == [
        "✍️ Написать сотруднику",
        "↩️ Отозвать сообщение",
        "⬅️ К списку",
    ]
    await press_old(user, listing, "mr:page:0")
    await tg.wait_for(lambda: listing.text.startswith("Ваши сообщения, сначала новые"), timeout=5)
    assert listing.button_texts == ["№ 1000 · 🔊 Шум, нарушение тишины · новое"]

    await press_old(user, listing, "mr:write:1000")
    assert "1000" in (await user.next_message()).text, "the officer's prompt"
    await user.send("/cancel")
    await user.next_message()

    await press_old(user, listing, "mr:open:1000")
    await tg.wait_for(lambda: "отправлено" in listing.text, timeout=5)
    answer = await press_old(user, listing, "mr:withdraw:1000")
    assert answer["text"] == "Сообщение № 1000 отозвано."
    rows = await db_of("SELECT id, status FROM reports")
    assert [tuple(r) for r in rows] == [(1000, "withdrawn")]
    assert STALE_RU in (await press_old(user, listing, "mr:close:1000"))["text"]


async def test_an_inspector_page_pick_and_report_here(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(9802, first_name="Aigerim", language_code="kk")
    await onboard(user, "kk")
    await user.send("/inspector")
    await user.next_message()
    await user.tap("📋 Тізімнен таңдау")
    listing = await user.next_message()
    names = [
        "ЖД вокзал",
        "Көксай-1 шағынауданы",
        "МЖК шағынауданы",
        "Юбилейный шағынауданы",
    ]
    assert listing.button_texts == names

    await press_old(user, listing, "in:page:1")  # past the last page: the way back only
    await tg.wait_for(lambda: listing.button_texts == ["⬅️"], timeout=5)
    await press_old(user, listing, "in:page:0")
    await tg.wait_for(lambda: listing.button_texts == names, timeout=5)

    await press_old(user, listing, "in:pick:mzhk")
    card = await user.next_message()
    assert "Әбдіров Дәурен (демо)" in card.text
    await user.next_message()  # contact
    await user.next_message()  # venue

    await press_old(user, card, "in:report:42.30000,69.61000")
    category = await user.next_message()
    assert "rc:noise" in str(category.reply_markup), "the wizard asks the category"
    await user.press(category, data="rc:noise")
    await user.next_message()  # what happened?
    await user.send("Түнде вокзал маңында шу")
    assert (await user.next_message()).text.startswith("📍 Орны:"), "the place came with it"
    await user.next_message()  # photos
    await user.tap("⏭ Өткізіп жіберу")
    await press_old(user, await user.next_message(), "rs:anonymous")
    await user.next_message()
    await user.tap("⏭ Өткізіп жіберу")
    summary = await user.next_message()
    assert "42.30000, 69.61000" in summary.text
    await press_old(user, summary, "rs:send")
    await user.next_message(timeout=10)
    rows = await db_of("SELECT precinct_id, latitude, longitude, anonymous FROM reports")
    assert [tuple(r) for r in rows] == [("zhd-vokzal", 42.3, 69.61, 1)]

    for unreadable in ("in:page:x", "in:report:42.3", "in:pick:mzhk:extra"):
        assert STALE_KK in (await press_old(user, listing, unreadable))["text"], unreadable


async def test_a_following_added_switched_and_removed(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(9803, first_name="Dana", language_code="kk")
    await onboard(user, "kk")
    await user.send("/subscribe")
    await user.next_message()
    await user.send("шағынауданы")  # three microdistricts: a list to choose from
    which = await user.next_message()
    assert "sb" in str(which.reply_markup)

    await press_old(user, which, "sb:add:mzhk")
    assert (await user.next_message()).text.startswith("🔔 Енді Сіз МЖК шағынауданы")
    rows = await db_of("SELECT id, precinct_id, surveys, priorities, alerts FROM subscriptions")
    assert [tuple(r) for r in rows] == [(1, "mzhk", 1, 1, 1)]

    await user.send("/subscriptions")
    card = await user.next_message()
    await press_old(user, card, "sb:alerts:1.0")
    await tg.wait_for(lambda: card.button_texts[2].startswith("⬜"), timeout=5)
    await press_old(user, card, "sb:surveys:1.0")
    await tg.wait_for(lambda: card.button_texts[0].startswith("⬜"), timeout=5)
    await press_old(user, card, "sb:surveys:1.1")
    await tg.wait_for(lambda: card.button_texts[0].startswith("✅"), timeout=5)
    rows = await db_of("SELECT surveys, priorities, alerts FROM subscriptions")
    assert [tuple(r) for r in rows] == [(1, 1, 0)]

    await press_old(user, card, "sb:remove:1")
    await tg.wait_for(lambda: "аумаққа жазылым тоқтатылды" in card.text, timeout=5)
    assert await db_of("SELECT id FROM subscriptions") == []
    for unreadable in ("sb:alerts:1.7", "sb:loud:1.0", "sb:remove:x"):
        assert STALE_KK in (await press_old(user, card, unreadable))["text"], unreadable


@pytest.mark.clock(SATURDAY)
async def test_the_survey_answers(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, clock: WorldClock
) -> None:
    await bot.restart(followup_tick_seconds=0.1)
    resident = await reported_and_resolved(tg, bot, 9804, "ru", 9890)
    clock.now += timedelta(hours=2, minutes=1)
    survey = await resident.next_message(timeout=10)
    assert "sv:s:1000:partly" in str(survey.reply_markup), "drawn as before"

    await press_old(resident, survey, "sv:s:1000:partly")
    await tg.wait_for(lambda: "sv:r:1000:4" in str(survey.reply_markup), timeout=5)
    await press_old(resident, survey, "sv:r:1000:4")
    await tg.wait_for(lambda: "sv:c:1000:-" in str(survey.reply_markup), timeout=5)
    await press_old(resident, survey, "sv:c:1000:-")
    await tg.wait_for(lambda: survey.text.startswith("Спасибо за ответы"), timeout=5)
    rows = await db_of("SELECT solved, rating, comment FROM surveys")
    assert [tuple(r) for r in rows] == [("partly", 4, None)]
    assert STALE_RU in (await press_old(resident, survey, "sv:r:1000:9"))["text"]


async def test_language_consent_and_forgetting(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(9805, first_name="Boris", language_code="kk")
    await user.send("/start")
    await user.next_message()  # the welcome
    picker = await user.next_message()
    await press_old(user, picker, "lang:ru")
    assert (await user.next_message()).text.startswith("Язык")
    question = await user.next_message()
    await press_old(user, question, "consent:no")
    await user.next_message()
    row = (
        await db_of(
            "SELECT language, consent_at, consent_declined_version FROM users WHERE id = 9805"
        )
    )[0]
    assert row[0] == "ru" and row[1] is None and row[2] is not None

    await user.send("/privacy")
    privacy = await user.next_message()
    await press_old(user, privacy, "consent:yes")
    await user.next_message()
    assert (await db_of("SELECT consent_at FROM users WHERE id = 9805"))[0][0] is not None
    await user.send("/privacy")
    privacy = await user.next_message()
    await press_old(user, privacy, "consent:withdraw")
    await user.next_message()
    assert (await db_of("SELECT consent_at FROM users WHERE id = 9805"))[0][0] is None

    await user.send("/forgetme")
    question = await user.next_message()
    await press_old(user, question, "forget:no")
    await tg.wait_for(lambda: question.text == "Ничего не удалено.", timeout=5)
    assert await db_of("SELECT id FROM users WHERE id = 9805") != []
    await user.send("/forgetme")
    question = await user.next_message()
    await press_old(user, question, "forget:yes")
    await tg.wait_for(lambda: question.text.startswith("Ваши данные удалены."), timeout=5)
    assert await db_of("SELECT id FROM users WHERE id = 9805") == []
    # a language no longer offered; a forgotten user is new again, in Telegram's language
    assert STALE_KK in (await press_old(user, picker, "lang:en"))["text"]
