"""Duties through the real bot and the strict fake: an officer fills in the form in the staff
group (and is told precisely what is wrong), offers reach only the free active helpers of the
precincts, in their own language; seats fill first come first served and the other offers are
edited to say so; a seat given back is offered again; reminders with a map pin; check-in with
a location, check-out, the hours in /myduties, /profile and /hours; a cancellation reaches
everyone who took a seat."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain.helpers import HelperAction, HelperDraft
from bot.services.clock import WorldClock
from bot.telegram.callbacks import DutyAction, DutyCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually

ALMATY = ZoneInfo("Asia/Almaty")
# Sunday 22.11.2026 11:00 in Almaty; the duty is on Saturday 28.11, 18:00–21:00
NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
STARTS = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)
FORM = """/duty
күні: 28.11.2026
уақыты: 18:00-21:00
учаскелер: mzhk
орны: mpp-zhd
көмекшілер: 1
тапсырма: Вокзал алаңында <кешкі> патрульдеу
жауапты: капитан Серікбаев +77011234567"""


async def active_helper(
    bot: RunningBot, user: Any, lang: str, precincts: tuple[str, ...] = ("mzhk",)
) -> int:
    """A person who has used the bot, applied and been made active by the staff."""
    await user.send("/start")
    await user.next_message()
    await user.next_message()
    app = bot.app
    account = await app.users.get_required(user.id)
    if account.language != lang:
        await app.users.set_language(user.id, lang)
        account = await app.users.get_required(user.id)
    draft = HelperDraft(
        "Серікбаев Ерлан", date(1990, 1, 5), "900105300128", "+77001234567",
        precincts, (5,), ("evening",), "",
    )  # fmt: skip
    helper = await app.helpers.apply(account, draft, date(2026, 11, 22))
    officer = {"officer_id": 1, "officer_name": "Officer"}
    await app.helpers.act(helper.id, HelperAction.CHECK, **officer)
    await app.helpers.act(
        helper.id, HelperAction.REGISTER, registration=("ҚК-1", "25.11.2026"), **officer
    )
    await app.helpers.act(helper.id, HelperAction.ACTIVATE, **officer)
    for _ in range(3):  # checked, registered, active: in their language
        await user.next_message(timeout=10)
    return helper.id


async def reply_in(chat: Any, start: str) -> Any:
    """The next message in `chat` that starts so (daily digests come in between as days pass)."""
    while True:
        message = await chat.next_message(timeout=10)
        if (message.html or "").startswith(start):
            return message


@pytest.mark.clock(NOW)
async def test_a_duty_from_the_form_to_the_hours_served(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, clock: WorldClock
) -> None:
    await bot.restart(followup_tick_seconds=0.1)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9701, first_name="Officer", language_code="kk")
    staff.add_member(officer)
    aliya = tg.user(9702, first_name="Aliya", language_code="kk")
    boris = tg.user(9703, first_name="Boris", language_code="ru")
    elsewhere = tg.user(9704, first_name="Dana", language_code="kk")
    await active_helper(bot, aliya, "kk")
    await active_helper(bot, boris, "ru")
    await active_helper(bot, elsewhere, "kk", precincts=("koksay-1",))
    for _ in range(3):
        await staff.next_message(timeout=10)  # the applications' posts

    await staff.send(officer, "/duty")
    form = await staff.next_message()
    assert "<code>/duty\nкүні: 28.11.2026" in form.html

    await staff.send(
        officer, FORM.replace("mzhk", "mzhk, nowhere").replace("көмекшілер: 1", "көмекшілер: 0")
    )
    problems = await staff.next_message()
    assert problems.text.splitlines()[:3] == [
        "Кезекшілік құрылмады:",
        "• анықтамалықта «nowhere» учаскесі жоқ",
        "• көмекшілер саны 1 немесе одан көп болуы керек, «0» емес",
    ]

    await staff.send(officer, FORM)
    assert (await staff.next_message()).text.startswith("✅ № 1 кезекшілік құрылды.")
    post = await staff.next_message(timeout=10)
    assert post.text.startswith("🛡 № 1 кезекшілік")
    assert "Вокзал алаңында <кешкі> патрульдеу" in post.text, "escaped, shown as written"

    offer_kk = await aliya.next_message(timeout=10)
    offer_ru = await boris.next_message(timeout=10)
    assert offer_kk.text.startswith("🛡 Қоғамдық көмекшілерге арналған № 1 кезекшілік")
    assert "сб, 28 қараша, 18:00–21:00" in offer_kk.text
    assert offer_kk.button_texts == ["✅ Қатысамын", "✖️ Қатыса алмаймын"]
    assert offer_ru.text.startswith("🛡 Дежурство для общественных помощников, № 1")
    assert "сб, 28 ноября, 18:00–21:00" in offer_ru.text
    assert elsewhere.unread() == [], "no offer outside the duty's precincts"

    # first come, first served: Aliya takes the only seat, Boris's offer says so
    assert elsewhere.unread() == [], "not offered outside their precincts"
    await aliya.press(offer_kk, data=DutyCb(action=DutyAction.ACCEPT, duty=1))
    await tg.wait_for(lambda: "Сіз осы кезекшілікке жазылдыңыз" in offer_kk.text, timeout=5)
    assert offer_kk.button_texts == ["↩️ Орнымнан бас тарту"]
    await tg.wait_for(lambda: "Все места заняты" in offer_ru.text, timeout=10)
    assert offer_ru.reply_markup is None
    query = await boris.press_stale("du:accept:1", offer_ru)
    assert (await boris.answer_of(query))["text"].startswith("Все места уже заняты")
    await tg.wait_for(lambda: "1. Серікбаев Ерлан (№ 1)" in post.text, timeout=10)
    assert "+77001234567" not in post.text, "phones only on request"

    # Aliya gives the seat back: it is offered again, and Boris takes it
    await aliya.press(offer_kk, data=DutyCb(action=DutyAction.WITHDRAW, duty=1))
    await tg.wait_for(lambda: "Сіз орныңыздан бас тарттыңыз" in offer_kk.text, timeout=5)
    again = await boris.next_message(timeout=10)
    assert again.text.startswith("🛡 Дежурство для общественных помощников, № 1")
    await boris.press(again, data=DutyCb(action=DutyAction.ACCEPT, duty=1))
    await tg.wait_for(lambda: "Вы записаны на это дежурство" in again.text, timeout=5)
    await tg.wait_for(lambda: "1. Серікбаев Ерлан (№ 2)" in post.text, timeout=10)

    # the day before and the hour before: reminders with the meeting point on the map
    clock.now = STARTS - timedelta(hours=24)
    day_before = await boris.next_message(timeout=10)
    assert day_before.text.startswith("⏰ Завтра у Вас дежурство № 1.")
    assert "Ответственный за дежурство: капитан Серікбаев, +77011234567" in day_before.text
    pin = await boris.next_message(timeout=10)
    assert pin.method == "sendVenue"
    clock.now = STARTS - timedelta(hours=1)
    assert (await boris.next_message(timeout=10)).text.startswith("⏰ Через час у Вас дежурство")
    await boris.next_message(timeout=10)  # its pin
    query = await boris.press_stale("du:withdraw:1", again)
    assert "позвоните ответственному: +77011234567" in (await boris.answer_of(query))["text"]

    # check-in with a location, then check-out
    clock.now = STARTS - timedelta(minutes=14)
    prompt = await boris.next_message(timeout=10)
    assert prompt.button_texts == ["📍 Я на месте"]
    await boris.press(prompt, data=DutyCb(action=DutyAction.HERE, duty=1))
    assert (await boris.next_message()).text.startswith("✅ Вы отмечены на дежурстве № 1.")
    await boris.send_location(42.3200, 69.6300)  # away from the meeting point
    far = await boris.next_message()
    assert far.text == (
        "⚠️ Вы в 2\xa0634 м от места сбора, дальше 300 м. Пожалуйста, подойдите сюда: "
        "Модульный пункт полиции № 1 (демо)."
    )
    clock.now = STARTS + timedelta(hours=3)
    end = await boris.next_message(timeout=10)
    assert end.button_texts == ["🏁 Завершить дежурство"]
    await boris.press(end, data=DutyCb(action=DutyAction.OUT, duty=1))
    assert (await boris.next_message()).text == (
        "🏁 Дежурство завершено. Засчитано: 3 ч. Спасибо за помощь!"
    )
    await boris.send("/myduties")
    mine = await boris.next_message()
    assert (
        "Прошедшие дежурства:" in mine.text
        and "№ 1 · сб, 28 ноября, 18:00–21:00 · 3 ч" in mine.text
    )
    await boris.send("/profile")
    assert "Отработанные часы: 3 ч" in (await boris.next_message()).text

    await staff.send(officer, "/hours 2026-11")
    hours = await reply_in(staff, "<b>Қоғамдық көмекшілердің жұмыс істелген сағаттары")
    assert "№ 2 · Серікбаев Ерлан · 3 сағ · 1 кезекшілік" in hours.text
    await staff.send(officer, "/duty 1")
    card = await reply_in(staff, "🛡 <b>№ 1 кезекшілік")
    assert "+7 700 ••• •• 67" in card.text and "+77001234567" not in card.text
    assert "⚠️ (жиналу орнынан 2\xa0634 м)" in card.text, "a far check-in stands out"
    await staff.send(officer, "/duty 1 телефондар")
    await reply_in(staff, "Әзірге Сізге жеке жаза алмаймын")
    await officer.send("/start")
    await officer.next_message()
    await officer.next_message()
    await staff.send(officer, "/duty 1 phones")
    await reply_in(staff, "Телефондары бар тізім")
    private = await officer.next_message()
    assert "Серікбаев Ерлан (№ 2) · +77001234567" in private.text
    rows = await db_of(
        "SELECT state, minutes, check_in_metres > 1000 FROM duty_offers ORDER BY helper_id"
    )
    assert [tuple(r) for r in rows] == [("withdrawn", None, None), ("accepted", 180, 1)]


@pytest.mark.clock(NOW)
async def test_a_cancelled_duty_reaches_everyone_on_it(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, clock: WorldClock
) -> None:
    await bot.restart(followup_tick_seconds=0.1)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9711, first_name="Officer", language_code="ru")
    staff.add_member(officer)
    aliya = tg.user(9713, first_name="Aliya", language_code="kk")
    await active_helper(bot, aliya, "kk")
    await staff.next_message(timeout=10)  # the application's post
    await staff.send(officer, FORM)
    await staff.next_message()
    await staff.next_message(timeout=10)
    offer = await aliya.next_message(timeout=10)
    await aliya.press(offer, data=DutyCb(action=DutyAction.ACCEPT, duty=1))
    await tg.wait_for(lambda: "Сіз осы кезекшілікке жазылдыңыз" in offer.text, timeout=5)

    # a change reaches everyone on the duty, in their language, with the new time
    await staff.send(officer, "/duty 1\nвремя: 19:00-22:00\nзадача: Патрулирование <рынка>")
    assert (await staff.next_message()).text.startswith("✏️ Дежурство № 1 изменено")
    changed = await aliya.next_message(timeout=10)
    assert changed.text.startswith("✏️ № 1 кезекшілікке өзгеріс енгізілді. Жаңа мәліметтер:")
    assert "сб, 28 қараша, 19:00–22:00" in changed.text and "Патрулирование <рынка>" in changed.text
    assert changed.button_texts == ["↩️ Орнымнан бас тарту"]
    await staff.send(officer, "/duty 1\nпомощники: 0")
    assert (await staff.next_message()).text.startswith("Дежурство не изменено:")
    await staff.send(officer, "/duty 1\nничего")
    assert (await staff.next_message()).text.startswith("Чтобы изменить дежурство")
    rows = await db_of(
        "SELECT due_at FROM followups WHERE kind = 'duty_remind' AND state = 'pending'"
    )
    assert sorted(r[0] for r in rows) == ["2026-11-27T14:00:00+00:00", "2026-11-28T13:00:00+00:00"]

    other = tg.group(-1009999, title="Neighbours")  # not the staff group: no duty powers
    other.add_member(officer)
    await other.send(officer, "/cancelduty 1 storm")
    await staff.send(officer, "/cancelduty 1")
    assert (await staff.next_message()).text.startswith("Напишите /cancelduty")
    await staff.send(officer, "/cancelduty 1 штормовое <предупреждение>")
    assert (await staff.next_message()).text.startswith("Дежурство № 1 отменено")
    assert other.unread() == []
    told = await aliya.next_message(timeout=10)
    assert told.text.startswith("❌ № 1 кезекшілік (сб, 28 қараша, 19:00–22:00) өтпейді")
    assert "штормовое <предупреждение>" in told.text
    query = await aliya.press_stale("du:withdraw:1", offer)
    assert (await aliya.answer_of(query))["text"].startswith("Бұл кезекшілік басталып кеткен")
    clock.now = STARTS - timedelta(hours=1)
    await eventually(
        lambda: db_of("SELECT 1 FROM followups WHERE kind = 'duty_remind' AND state = 'cancelled'")
    )
    assert aliya.unread() == [], "no reminder of a cancelled duty"


@pytest.mark.clock(NOW)
async def test_two_helpers_press_accept_on_the_last_seat_at_once(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    """One takes the seat; the other hears in an alert that the seats are taken, and their
    offer is edited once, by the outbox: no second edit that Telegram would refuse."""
    await bot.restart(followup_tick_seconds=0.1)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9721, first_name="Officer", language_code="kk")
    staff.add_member(officer)
    aliya = tg.user(9722, first_name="Aliya", language_code="kk")
    boris = tg.user(9723, first_name="Boris", language_code="ru")
    await active_helper(bot, aliya, "kk")
    await active_helper(bot, boris, "ru")
    for _ in range(2):
        await staff.next_message(timeout=10)  # the applications' posts
    await staff.send(officer, FORM)  # one seat
    await staff.next_message()
    await staff.next_message(timeout=10)
    offers = {aliya.id: await aliya.next_message(timeout=10)}
    offers[boris.id] = await boris.next_message(timeout=10)
    assert await eventually(
        lambda: first(db_of("SELECT count(message_id) = 2 FROM duty_offers"))
    ), "both offers' messages are known"

    # the late press's own edit, if it made one, lands after the outbox's "all seats taken"
    tg.fail_next("editMessageReplyMarkup", delay=0.5)
    queries = {
        aliya.id: await aliya.press(
            offers[aliya.id], data=DutyCb(action=DutyAction.ACCEPT, duty=1)
        ),
        boris.id: await boris.press(
            offers[boris.id], data=DutyCb(action=DutyAction.ACCEPT, duty=1)
        ),
    }
    answers = {uid: await tg.user(uid).answer_of(q, timeout=10) for uid, q in queries.items()}
    rows = await db_of("SELECT u.id, o.state FROM duty_offers o JOIN helpers h"
                       " ON h.id = o.helper_id JOIN users u ON u.id = h.user_id")  # fmt: skip
    states = {r[0]: r[1] for r in rows}
    assert sorted(states.values()) == ["accepted", "closed"], states
    winner = next(uid for uid, state in states.items() if state == "accepted")
    loser = next(uid for uid, state in states.items() if state == "closed")
    seat_taken = {aliya.id: "Сіз осы кезекшілікке жазылдыңыз", boris.id: "Вы записаны"}
    all_taken = {aliya.id: "Барлық орын", boris.id: "Все места заняты"}
    full_alert = {aliya.id: "Барлық орын", boris.id: "Все места уже заняты"}

    assert answers[winner]["text"] is None
    await tg.wait_for(lambda: seat_taken[winner] in offers[winner].text, timeout=5)
    assert answers[loser]["show_alert"] and answers[loser]["text"].startswith(full_alert[loser])
    await tg.wait_for(lambda: all_taken[loser] in offers[loser].text, timeout=10)
    assert offers[loser].reply_markup is None
    assert await eventually(
        lambda: first(db_of("SELECT count(*) = count(handled_at) FROM inbox")), timeout=10
    ), "both presses handled to the end"
    assert tg.unexpected_refusals == [], "nothing refused by Telegram"


async def first(rows: Any) -> Any:
    """The first column of the first row a query returns."""
    return (await rows)[0][0]


@pytest.mark.clock(datetime(2026, 11, 22, 3, 30, tzinfo=ALMATY))  # Sunday, 03:30
async def test_a_duty_created_at_night_tells_staff_when_the_offers_go(
    tg: FakeTelegram, bot: RunningBot, clock: WorldClock, db_of: Any
) -> None:
    """Offers wait for the end of the quiet hours (22:00-08:00); the officer is told when
    they go, in their language, and they do go then."""
    await bot.restart(followup_tick_seconds=0.1)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9721, first_name="Officer", language_code="ru")
    staff.add_member(officer)
    aliya = tg.user(9722, first_name="Aliya", language_code="kk")
    await active_helper(bot, aliya, "kk")
    await staff.next_message(timeout=10)  # the application's post
    await staff.send(officer, FORM)
    created = await staff.next_message()
    assert created.text == (
        "✅ Дежурство № 1 создано. Ночью предложения не отправляются: первым помощникам "
        "их отправят 22 ноября, 08:00; кто занял место, видно в посте дежурства."
    )
    await staff.next_message(timeout=10)  # the duty's post
    colleague = tg.user(9723, first_name="Colleague", language_code="kk")
    staff.add_member(colleague)
    await staff.send(colleague, FORM.replace("28.11.2026", "29.11.2026"))
    created = await staff.next_message()
    assert created.text == (
        "✅ № 2 кезекшілік құрылды. Түнде ұсыныс жіберілмейді: алғашқы көмекшілерге "
        "жіберу уақыты — 22 қараша, 08:00; кімнің жазылғаны кезекшілік жазбасында көрінеді."
    )
    await staff.next_message(timeout=10)  # its post

    async def held_till_morning() -> bool:  # the wave ran, met the night, and waits for 08:00
        due = await db_of(
            "SELECT due_at FROM followups WHERE kind = 'duty_wave' AND subject = 'duty:2'"
            " AND state = 'pending'"
        )
        return [row[0][:16] for row in due] == ["2026-11-22T03:00"]  # 08:00 in Almaty

    assert await eventually(held_till_morning), "the first wave waits for the morning"
    assert aliya.unread() == [], "nobody is woken at night"

    clock.set(datetime(2026, 11, 22, 8, 0, 1, tzinfo=ALMATY))
    offer = await aliya.next_message(timeout=10)
    assert offer.text.startswith("🛡 Қоғамдық көмекшілерге арналған № ")
