"""Buttons a helper got before the presses became typed (0.1.0) still work: each is pressed
here with the literal string it was packed with then (`vo:…` in the application wizard,
`pf:…` under /profile, `du:…` under a duty offer and a check-in prompt), through the real bot
and the strict fake, and what the person sees and what the database holds is checked.

These strings are also what the buttons are packed with today (the actions' enum values are
the old strings): if a rename changed them, the old buttons in people's chats would be
answered as stale, and this file fails. The strings are those of ac3b677 (before the change):
its bot/telegram/callbacks.py and the keyboards of the wizard, the card and the offers."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.domain.helpers import HelperAction
from bot.services.clock import WorldClock
from bot.testing.directories import grid
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.test_duties import FORM, NOW, STARTS, active_helper
from tests.e2e.test_helpers import buttons, to_the_precincts_step

IIN = "900105300128"
STALE = ("устарела", "ескірген")


async def pressed(user: Any, message: Any, data: str) -> dict[str, Any]:
    """Press, on `message`, a button packed as `data` long ago: the string is sent as it is,
    whatever the message's keyboard holds today (an old button in a chat keeps its old data).
    The answer to the press, which is never the stale-button one."""
    answer = await user.answer_of(await user.press_stale(data, message))
    assert not any(w in (answer.get("text") or "") for w in STALE), (data, answer)
    return answer


async def wizard_holds(db_of: Any, user_id: int, check: Callable[[dict[str, Any]], bool]) -> None:
    """Wait until the application draft in the FSM (written when the update is done) holds."""

    async def holds() -> bool:
        rows = await db_of("SELECT data FROM fsm_states WHERE key LIKE ?", f"%{user_id}%")
        draft = dict(json.loads(rows[0][0]).get("helper") or {}) if rows else {}
        return check(draft)

    await eventually(holds)


async def no_application_under_way(db_of: Any, user_id: int) -> bool:
    rows = await db_of("SELECT state FROM fsm_states WHERE key LIKE ?", f"%{user_id}%")
    return all(not (r[0] or "").startswith("HelperForm") for r in rows)


async def test_the_application_wizard_and_the_profile_with_old_strings(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(9981, first_name="Erlan", language_code="ru")
    await user.send("/start")
    await user.next_message()
    await user.next_message()

    await user.send("/volunteer")
    intro = await user.next_message()
    await pressed(user, intro, "vo:cancel:")
    assert (await user.next_message()).text.startswith("Заявка отменена")
    assert await eventually(lambda: no_application_under_way(db_of, user.id))

    await user.send("/volunteer")
    intro = await user.next_message()
    await pressed(user, intro, "vo:consent:yes")
    assert (await user.next_message()).text.startswith("Шаг 1/7.")
    await wizard_holds(db_of, user.id, lambda d: "consent_at" in d)
    await user.send("Серікбаев Ерлан Болатұлы")
    await user.next_message()
    await user.send("05.01.1990")
    await user.next_message()
    await user.send(IIN)
    await user.next_message()
    await user.send_contact(phone_number="+77011112233", first_name="Me")
    await user.next_message()
    listing = await user.next_message()
    await pressed(user, listing, "vo:precinct:mzhk")
    await tg.wait_for(lambda: "✅" in str(listing.reply_markup), timeout=5)
    await wizard_holds(db_of, user.id, lambda d: d.get("precincts") == ["mzhk"])
    await pressed(user, listing, "vo:precincts_done:")
    when = await user.next_message()
    assert when.text.startswith("Шаг 6/7.")
    await pressed(user, when, "vo:day:5")
    await tg.wait_for(lambda: "✅" in str(when.reply_markup), timeout=5)
    await pressed(user, when, "vo:band:evening")
    await tg.wait_for(lambda: "✅ " in str(when.reply_markup), timeout=5)
    await wizard_holds(
        db_of, user.id, lambda d: (d.get("days"), d.get("bands")) == ([5], ["evening"])
    )
    await pressed(user, when, "vo:availability_done:")
    await user.next_message()  # the note
    await user.tap("⏭ Пропустить")
    summary = await user.next_message()
    await pressed(user, summary, "vo:send:")
    assert "№ 1" in (await user.next_message(timeout=10)).text
    rows = await db_of("SELECT status, precincts, days, bands FROM helpers")
    assert tuple(rows[0]) == ("applied", '["mzhk"]', "[5]", '["evening"]')
    await tg.group(STAFF_CHAT).next_message(timeout=10)
    officer = {"officer_id": 1, "officer_name": "Officer"}
    await bot.app.helpers.act(1, HelperAction.CHECK, **officer)
    await bot.app.helpers.act(
        1, HelperAction.REGISTER, registration=("ҚК-1", "25.11.2026"), **officer
    )
    await bot.app.helpers.act(1, HelperAction.ACTIVATE, **officer)
    for _ in range(3):  # checked, registered, active
        await user.next_message(timeout=10)

    # /profile: change when free, then step down
    await user.send("/profile")
    card = await user.next_message()
    await pressed(user, card, "pf:edit:")
    await tg.wait_for(lambda: "pf:day:0" in str(card.reply_markup), timeout=5)
    await pressed(user, card, "pf:day:0")
    await tg.wait_for(lambda: "Пн" in card.text, timeout=5)
    await pressed(user, card, "pf:band:morning")
    await tg.wait_for(lambda: "утро" in card.text.lower(), timeout=5)
    rows = await db_of("SELECT days, bands FROM helpers")
    assert tuple(rows[0]) == ("[0, 5]", '["evening", "morning"]')
    await pressed(user, card, "pf:show:")
    await tg.wait_for(lambda: "pf:edit:" in str(card.reply_markup), timeout=5)
    await pressed(user, card, "pf:retire:")
    await tg.wait_for(lambda: "pf:retire_yes:" in str(card.reply_markup), timeout=5)
    assert (await db_of("SELECT status FROM helpers"))[0][0] == "active"
    await pressed(user, card, "pf:retire_yes:")
    assert await eventually(lambda: db_of("SELECT 1 FROM helpers WHERE status = 'retired'"))
    await tg.wait_for(lambda: card.reply_markup is None, timeout=5)


async def test_a_page_of_precincts_with_an_old_string(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    text, _bounds = grid(20, west=69.5, south=42.25)  # 20 precincts: three pages
    assert (await bot.app.directory.import_text(text, "city.geojson")).applied
    user = tg.user(9986, first_name="Dana", language_code="ru")
    listing = await to_the_precincts_step(user)
    await pressed(user, listing, "vo:page:1")
    await tg.wait_for(lambda: ("2 / 3", "vo:page:1") in buttons(listing), timeout=5)
    await wizard_holds(db_of, user.id, lambda d: d.get("page") == 1)


@pytest.mark.clock(NOW)
async def test_a_duty_offer_and_the_check_in_with_old_strings(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, clock: WorldClock
) -> None:
    await bot.restart(followup_tick_seconds=0.1)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9982, first_name="Officer", language_code="kk")
    staff.add_member(officer)
    aliya = tg.user(9983, first_name="Aliya", language_code="kk")
    boris = tg.user(9984, first_name="Boris", language_code="ru")
    dana = tg.user(9985, first_name="Dana", language_code="ru")
    await active_helper(bot, aliya, "kk")
    await active_helper(bot, boris, "ru")
    await active_helper(bot, dana, "ru")
    for _ in range(3):
        await staff.next_message(timeout=10)  # the applications' posts
    await staff.send(officer, FORM.replace("көмекшілер: 1", "көмекшілер: 3"))
    await staff.next_message()
    await staff.next_message(timeout=10)
    offer_kk = await aliya.next_message(timeout=10)
    offer_ru = await boris.next_message(timeout=10)
    offer_dana = await dana.next_message(timeout=10)

    await pressed(aliya, offer_kk, "du:accept:1")
    await tg.wait_for(lambda: "Сіз осы кезекшілікке жазылдыңыз" in offer_kk.text, timeout=5)
    assert offer_kk.button_texts == ["↩️ Орнымнан бас тарту"]
    await pressed(boris, offer_ru, "du:decline:1")
    await tg.wait_for(lambda: offer_ru.reply_markup is None, timeout=5)
    await pressed(dana, offer_dana, "du:accept:1")
    await tg.wait_for(lambda: "Вы записаны на это дежурство" in offer_dana.text, timeout=5)
    await pressed(dana, offer_dana, "du:withdraw:1")
    await tg.wait_for(lambda: offer_dana.reply_markup is None, timeout=5)
    rows = await db_of("SELECT helper_id, state FROM duty_offers ORDER BY helper_id")
    assert [tuple(r) for r in rows] == [(1, "accepted"), (2, "declined"), (3, "withdrawn")]

    clock.now = STARTS - timedelta(minutes=14)
    prompt = await reply_in(aliya, "📍")
    await pressed(aliya, prompt, "du:here:1")
    assert (await aliya.next_message()).text.startswith("✅ № 1")
    clock.now = STARTS + timedelta(hours=3)
    end = await reply_in(aliya, "🏁")
    await pressed(aliya, end, "du:out:1")
    assert (await aliya.next_message()).text.startswith("🏁")
    rows = await db_of("SELECT state, minutes FROM duty_offers WHERE helper_id = 1")
    assert tuple(rows[0]) == ("accepted", 180)


async def reply_in(chat: Any, start: str) -> Any:
    """The next message in `chat` whose first button starts so (reminders come in between)."""
    while True:
        message = await chat.next_message(timeout=10)
        if message.button_texts and message.button_texts[0].startswith(start):
            return message
