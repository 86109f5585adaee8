"""Following an area through the real bot: opt in by location or by name, in Kazakh and in
Russian; an alert when a report there is resolved (category, area, outcome, nothing about the
reporter) reaches only those who opted in for alerts; switching alerts off or stopping stops
the messages."""

from __future__ import annotations

from typing import Any

from bot.telegram.callbacks import StaffCb, SubRemoveCb, SubSwitchCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot
from tests.e2e.scenarios import button_shown, onboard
from tests.e2e.test_desk import located_report


async def resolve(tg: FakeTelegram, post: Any, officer: Any, number: int) -> None:
    staff = tg.group(STAFF_CHAT)
    await staff.press(officer, post, data=StaffCb(action="take", report=number, seen="n"))
    await button_shown(tg, post, StaffCb(action="resolve", report=number, seen="t"))
    await staff.press(officer, post, data=StaffCb(action="resolve", report=number, seen="t"))
    await button_shown(tg, post, StaffCb(action="rs_plain", report=number, seen="t"))
    await staff.press(officer, post, data=StaffCb(action="rs_plain", report=number, seen="t"))


async def test_opt_in_alerts_and_opt_out(tg: FakeTelegram, bot: RunningBot, db_of: Any) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9751, first_name="Officer", language_code="kk")
    staff.add_member(officer)
    kk = tg.user(9752, first_name="Aigerim", language_code="kk")
    ru = tg.user(9753, first_name="Boris", language_code="ru")
    quiet = tg.user(9754, first_name="Dana", language_code="ru")  # never opted in
    for user, lang in ((kk, "kk"), (ru, "ru"), (quiet, "ru")):
        await onboard(user, lang)

    await kk.send("/subscriptions")
    assert (await kk.next_message()).text.startswith("Сіз әзірге ешбір аумаққа жазылмағансыз")
    await kk.send("/subscribe")
    await kk.next_message()
    await kk.send_location(42.300, 69.610)  # ЖД вокзал
    assert (await kk.next_message()).text.startswith(
        "🔔 Енді Сіз ЖД вокзал жаңалықтарына жазылдыңыз"
    )
    await ru.send("/subscribe")
    await ru.next_message()
    await ru.send("вокзал")
    assert (await ru.next_message()).text.startswith("🔔 Вы подписались на новости: ЖД вокзал")
    await ru.send("/subscribe")
    await ru.next_message()
    await ru.send("Нигдевилль")
    assert (await ru.next_message()).text.startswith("Такой территории не нашлось")
    await ru.send("/cancel")
    await ru.next_message()

    reporter = tg.user(9755, first_name="Reporter", language_code="ru")
    await onboard(reporter, "ru")
    await located_report(reporter, 42.3000, 69.6100)
    await staff.next_message(timeout=10)  # the pin
    post = await staff.next_message(timeout=10)
    await resolve(tg, post, officer, 1000)
    await reporter.next_message(timeout=10)  # taken
    await reporter.next_message(timeout=10)  # resolved: the reporter gets no alert of it
    alert_kk = await kk.next_message(timeout=10)
    assert alert_kk.text.startswith("🔔 ЖД вокзал: полиция «🔊 Шу, тыныштықты бұзу» санатындағы")
    alert_ru = await ru.next_message(timeout=10)
    assert alert_ru.text.startswith("🔔 ЖД вокзал: полиция решила вопрос по сообщению")
    assert "Reporter" not in alert_ru.text and "1000" not in alert_ru.text, "nothing personal"
    assert quiet.unread() == [], "nobody is messaged without opting in"
    assert reporter.unread() == []

    # the Russian speaker switches alerts off; the Kazakh speaker stops following
    await ru.send("/subscriptions")
    card = await ru.next_message()
    assert "✅ решённые сообщения рядом" in card.button_texts
    await ru.press(card, data=SubSwitchCb(kind="alerts", subscription=2, on=False))
    await tg.wait_for(lambda: "⬜ решённые сообщения рядом" in card.button_texts, timeout=5)
    query = await ru.press_stale("sb:alerts:2.0", card)  # a double tap: still off
    await ru.answer_of(query)
    await kk.send("/subscriptions")
    card_kk = await kk.next_message()
    await kk.press(card_kk, data=SubRemoveCb(subscription=1))
    await tg.wait_for(lambda: "аумаққа жазылым тоқтатылды" in card_kk.text, timeout=5)
    query = await ru.press_stale("sb:remove:1", card)
    assert "устарела" in (await ru.answer_of(query))["text"], "not someone else's"

    await located_report(reporter, 42.3001, 69.6101)
    await staff.next_message(timeout=10)
    second = await staff.next_message(timeout=10)
    await resolve(tg, second, officer, 1001)
    await reporter.next_message(timeout=10)  # taken
    await reporter.next_message(timeout=10)  # resolved
    assert kk.unread() == [] and ru.unread() == []
    rows = await db_of("SELECT user_id, alerts FROM subscriptions ORDER BY id")
    assert [tuple(r) for r in rows] == [(9753, 0)]


async def test_published_priorities_reach_the_card_and_the_followers(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9761, first_name="Officer", language_code="ru")
    staff.add_member(officer)
    follower = tg.user(9762, first_name="Aigerim", language_code="kk")
    other = tg.user(9763, first_name="Boris", language_code="ru")
    await onboard(follower, "kk")
    await onboard(other, "ru")
    await follower.send("/subscribe")
    await follower.next_message()
    await follower.send_location(42.300, 69.610)  # ЖД вокзал
    await follower.next_message()

    await staff.send(officer, "/priorities add zhd-vokzal\nkk: Түнгі шу — кешкі рейдтер")
    assert (await staff.next_message()).text.startswith("Напишите на обоих языках")
    await staff.send(
        officer,
        "/priorities add zhd-vokzal\nkk: Вокзал маңындағы түнгі шу — кешкі рейдтер\n"
        "ru: Ночной шум у вокзала — вечерние рейды <каждую пятницу>",
    )
    assert (await staff.next_message()).text.startswith("✅ Приоритет #1 опубликован")
    told = await follower.next_message(timeout=10)
    assert told.text.startswith("📌 ЖД вокзал: полицияның жергілікті басымдықтары өзгерді.")
    assert "Вокзал маңындағы түнгі шу — кешкі рейдтер" in told.text
    assert other.unread() == [], "only those who follow the area"

    await other.send("/inspector")
    await other.next_message()
    await other.send_location(42.300, 69.610)
    card = await other.next_message()
    assert "Чем здесь занимается полиция" in card.text
    assert "Ночной шум у вокзала — вечерние рейды <каждую пятницу>" in card.text

    await staff.send(officer, "/priorities")
    assert "#1 · ЖД вокзал" in (await staff.next_message()).text
    await staff.send(officer, "/priorities remove 1")
    assert (await staff.next_message()).text.startswith("Приоритет #1 снят")
    again = await follower.next_message(timeout=10)
    assert "Қазір бұл аумақта жарияланған басымдық жоқ." in again.text


async def test_following_an_area_needs_consent(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(9771, first_name="Nurlan", language_code="ru")
    await onboard(user, "ru", consent="no")
    await user.send("/subscribe")
    assert (await user.next_message()).text.startswith("Чтобы присылать новости территории")
    question = await user.next_message()
    assert "consent:yes" in str(question.reply_markup)
    await user.send_location(42.300, 69.610)
    await user.next_message()
    assert await db_of("SELECT id FROM subscriptions") == [], "nothing kept without consent"
