"""Public helpers through the real bot: apply in Kazakh and in Russian, the police check, the
akimat's registration typed by an officer, activation; a rejection with its reason; every notice
in the applicant's language; the IIN never unmasked in the staff group."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.resources import demo_directory_path
from bot.telegram.callbacks import (
    HelperApplicationAction,
    HelperApplicationCb,
    HelperCb,
    ProfileAction,
    ProfileCb,
)
from bot.testing.directories import grid
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import SKIP

IIN = "900105300128"
CANCEL = {"kk": "✖️ Болдырмау", "ru": "✖️ Отмена"}


def buttons(message: Any) -> list[tuple[str, str]]:
    markup = message.reply_markup or {}
    rows = markup.get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def ticked(message: Any) -> list[str]:
    """The choices shown as chosen (not «✅ Done»)."""
    return [d for t, d in buttons(message) if t.startswith("✅") and not d.endswith("done:")]


async def apply(tg: FakeTelegram, user: Any, lang: str, send: bool = True) -> Any:
    """The whole application; returns the staff post (or the summary if not `send`)."""
    await user.send("/start")
    await user.next_message()
    await user.next_message()
    await user.send("/volunteer")
    intro = await user.next_message()
    await user.send_sticker()  # a button is expected here
    assert (await user.next_message()).text
    await user.press(
        intro, data=HelperApplicationCb(action=HelperApplicationAction.CONSENT, value="yes")
    )
    await user.next_message()  # name
    await user.send("Ерлан")  # one word
    assert (await user.next_message()).text  # asked again, in the user's language
    await user.send("Серікбаев Ерлан Болатұлы")
    await user.next_message()  # birth
    await user.send("05.01.2030")
    assert (await user.next_message()).text  # in the future
    await user.send("05.01.1990")
    iin_step = await user.next_message()  # IIN
    await user.send("/volunteer")  # in the middle: the same step again, nothing lost
    assert (await user.next_message()).text == iin_step.text
    await user.send("900105300127")  # checksum off by one
    checksum = await user.next_message()
    assert "900105300127" not in checksum.text
    await user.send(IIN)
    await user.next_message()  # phone
    await user.send_contact(phone_number="+77011112233", first_name="Someone")  # own id though
    await user.next_message()  # precincts
    listing = await user.next_message()
    await user.press(
        listing, data=HelperApplicationCb(action=HelperApplicationAction.PRECINCT, value="mzhk")
    )
    await tg.wait_for(lambda: ticked(listing) == ["vo:precinct:mzhk"], timeout=5)
    await user.press(
        listing, data=HelperApplicationCb(action=HelperApplicationAction.PRECINCTS_DONE, value="")
    )
    when = await user.next_message()
    await user.press(when, data=HelperApplicationCb(action=HelperApplicationAction.DAY, value="5"))
    await tg.wait_for(lambda: ticked(when) == ["vo:day:5"], timeout=5)
    await user.press(
        when, data=HelperApplicationCb(action=HelperApplicationAction.BAND, value="evening")
    )
    await tg.wait_for(lambda: ticked(when) == ["vo:day:5", "vo:band:evening"], timeout=5)
    await user.press(
        when, data=HelperApplicationCb(action=HelperApplicationAction.AVAILABILITY_DONE, value="")
    )
    await user.next_message()  # note
    await user.tap(SKIP[lang])
    summary = await user.next_message()
    assert IIN in summary.text, "the applicant sees their own IIN"
    if not send:
        return summary
    await user.press(
        summary, data=HelperApplicationCb(action=HelperApplicationAction.SEND, value="")
    )
    received = await user.next_message(timeout=10)
    assert "№ 1" in received.text
    return await tg.group(STAFF_CHAT).next_message(timeout=10)


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_apply_check_register_activate(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, lang: str
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9951, first_name="Officer", language_code="kk")
    staff.add_member(officer)
    user = tg.user(9950, first_name="Erlan", language_code=lang)
    post = await apply(tg, user, lang)
    assert "••••••••0128" in post.text and IIN not in post.text, "masked in the group"
    rows = await db_of("SELECT status, iin, phone FROM helpers")
    assert tuple(rows[0]) == ("applied", IIN, "+77011112233")
    events = await db_of("SELECT version, action FROM consent_events WHERE user_id = 9950")
    assert ("helper-2026-11", "given") in [tuple(e) for e in events]

    await staff.press(officer, post, data=HelperCb(action="check", helper=1, seen="a"))
    checked = await user.next_message(timeout=10)
    await tg.wait_for(lambda: "hp:register:1:c" in str(post.reply_markup), timeout=10)
    await staff.press(officer, post, data=HelperCb(action="register", helper=1, seen="c"))
    prompt = await staff.next_message(timeout=10)
    await staff.send(officer, "номер 42", reply_to=prompt)
    assert "ҚК-0042 25.11.2026" in (await staff.next_message()).text, "the format, again"
    await staff.send(officer, "ҚК-0042 25.11.2026", reply_to=prompt)
    registered = await user.next_message(timeout=10)
    assert "ҚК-0042" in registered.text
    await tg.wait_for(lambda: "hp:activate:1:g" in str(post.reply_markup), timeout=10)
    await staff.press(officer, post, data=HelperCb(action="activate", helper=1, seen="g"))
    active = await user.next_message(timeout=10)
    rows = await db_of("SELECT status, registration_number, registration_date FROM helpers")
    assert tuple(rows[0]) == ("active", "ҚК-0042", "2026-11-25")
    history = await db_of("SELECT action FROM helper_events ORDER BY id")
    assert [h[0] for h in history] == ["applied", "check", "register", "activate"]
    notices = {
        "kk": ("тексерді", "әкімдік", "белсенді"),
        "ru": ("проверена", "акимат", "действующий"),
    }[lang]
    for message, word in zip((checked, registered, active), notices, strict=True):
        assert word in message.text.lower(), (word, message.text)
    assert all(IIN not in m.text for m in staff.messages), "never unmasked in the group"

    # the helper steps down from their profile
    await user.send("/profile")
    card = await user.next_message()
    assert "ҚК-0042" in card.text
    await user.press(card, data=ProfileCb(action=ProfileAction.RETIRE, value=""))
    await tg.wait_for(lambda: "pf:retire_yes" in str(card.reply_markup), timeout=5)
    assert (await db_of("SELECT status FROM helpers"))[0][0] == "active", "not before confirming"
    await user.press(card, data=ProfileCb(action=ProfileAction.RETIRE_YES, value=""))
    stepped_down = await user.next_message(timeout=10)
    assert stepped_down.text
    assert await eventually(lambda: db_of("SELECT 1 FROM helpers WHERE status = 'retired'"))
    events = await db_of("SELECT actor, action FROM helper_events ORDER BY id")
    assert tuple(events[-1]) == ("applicant", "retire")
    told = await staff.next_message(timeout=10)
    assert told.text == "🏁 № 1 қоғамдық көмекші (Серікбаев Ерлан Болатұлы) қызметін аяқтады."


async def test_a_rejection_with_its_reason_and_the_full_iin_for_admins_only(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9952, first_name="Officer", language_code="ru")
    admin = tg.user(9953, first_name="Admin", language_code="ru")
    staff.add_member(officer)
    staff.add_member(admin, admin=True)
    user = tg.user(9954, first_name="Aliya", language_code="ru")
    post = await apply(tg, user, "ru")
    query = await staff.press(officer, post, data=HelperCb(action="iin", helper=1, seen="-"))
    assert (await officer.answer_of(query))["text"] == (
        "Полный ИИН могут видеть только администраторы группы."
    )
    query = await staff.press(admin, post, data=HelperCb(action="iin", helper=1, seen="-"))
    answer = await admin.answer_of(query)
    assert IIN in answer["text"] and answer["show_alert"], "only in the admin's own alert"
    looks = await db_of("SELECT actor_id FROM helper_events WHERE action = 'iin_shown'")
    assert [r[0] for r in looks] == [9953]

    await staff.press(officer, post, data=HelperCb(action="reject", helper=1, seen="a"))
    prompt = await staff.next_message(timeout=10)
    await staff.send(officer, "Нет справки о несудимости", reply_to=prompt)
    notice = await user.next_message(timeout=10)
    assert "Нет справки о несудимости" in notice.text
    assert await eventually(lambda: db_of("SELECT 1 FROM helpers WHERE status = 'rejected'"))
    assert all(IIN not in m.text for m in staff.messages)


async def test_the_helpers_profile_and_the_staff_lists(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9955, first_name="Officer", language_code="kk")
    staff.add_member(officer)
    user = tg.user(9956, first_name="Dana", language_code="kk")
    await user.send("/profile")  # not yet a helper (and a first contact)
    await user.next_message()
    post = await apply(tg, user, "kk")
    await user.send("/profile")
    card = await user.next_message()
    assert "№ 1" in card.text and "Жұмыс істелген сағат: 0 мин" in card.text
    await user.press(card, data=ProfileCb(action=ProfileAction.EDIT, value=""))
    await tg.wait_for(lambda: "pf:day:0" in str(card.reply_markup), timeout=5)
    await user.press(card, data=ProfileCb(action=ProfileAction.DAY, value="0"))
    await tg.wait_for(lambda: "Дүй" in card.text, timeout=5)
    days = await db_of("SELECT days FROM helpers")
    assert days[0][0] == "[0, 5]"

    await staff.send(officer, "/helpers")
    counts = await staff.next_message()
    assert "• <b>МЖК шағынауданы</b> (<code>mzhk</code>): өтінім қабылданды 1" in counts.html
    assert "Серікбаев" not in counts.text, "counts only, the names on request"
    await staff.send(officer, "/helpers mzhk applied")
    listing = await staff.next_message()
    assert "№ 1 · Серікбаев Ерлан Болатұлы · өтінім қабылданды · МЖК шағынауданы" in listing.text
    await staff.send(officer, "/helpers yubileyny")
    assert (await staff.next_message()).text.startswith("Ешкім табылмады.")
    await staff.send(officer, "/helpers somewhere")
    assert (await staff.next_message()).text.startswith("/helpers әр учаскедегі көмекшілер санын")
    await staff.send(officer, "/helper 1")
    one = await staff.next_message()
    assert "••••••••0128" in one.text and IIN not in one.text
    assert "applied" in one.text and "availability" in one.text, "who changed what"
    await staff.send(officer, "/helper 99")
    assert (await staff.next_message()).text.startswith("Мұндай өтінім жоқ.")

    # an application is not yet a helper who can step down
    await user.send("/profile")
    card = await user.next_message()
    assert "pf:retire" not in str(card.reply_markup)
    await staff.press(officer, post, data=HelperCb(action="check", helper=1, seen="a"))
    await user.next_message(timeout=10)
    rows = await db_of("SELECT status FROM helpers")
    assert rows[0][0] == "checked"


async def test_ask_for_more_is_relayed_both_ways(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9957, first_name="Officer", language_code="kk")
    staff.add_member(officer)
    user = tg.user(9958, first_name="Aigerim", language_code="ru")
    post = await apply(tg, user, "ru")
    await staff.press(officer, post, data=HelperCb(action="ask", helper=1, seen="a"))
    prompt = await staff.next_message(timeout=10)
    await staff.send(officer, "Есть ли у Вас <опыт> дружинника?", reply_to=prompt)
    question = await user.next_message(timeout=10)
    assert question.text.startswith("❓ Полиция спрашивает по Вашей заявке № 1")
    assert "Есть ли у Вас <опыт> дружинника?" in question.text

    async def delivered() -> bool:
        return bool(
            await db_of(
                "SELECT 1 FROM outbox WHERE chat_id = ? AND telegram_message_id = ?",
                user.id,
                question.message_id,
            )
        )

    assert await eventually(delivered)
    said = await user.reply(question, "Да, два года в ДНД")
    assert (await user.next_message()).text == (
        "⏳ Передаём ваш ответ по заявке № 1 в полицию. Когда дойдёт, на нём появится 👌."
    )
    answer = await staff.next_message(timeout=10)
    assert answer.text == "💬 № 1 өтінім берушінің жауабы: Да, два года в ДНД"
    assert answer.raw["reply_to_message"]["message_id"] == post.message_id
    # the answer reached the staff group: the applicant's own message says so
    await tg.wait_for(lambda: tg.reactions.get((user.id, said["message_id"])) == ["👌"])
    events = await db_of("SELECT action, note FROM helper_events ORDER BY id")
    assert [tuple(e) for e in events][-2:] == [
        ("question", "Есть ли у Вас <опыт> дружинника?"),
        ("answer", "Да, два года в ДНД"),
    ]


async def test_the_staff_post_cannot_give_the_iin_away_and_nobody_vets_themselves(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    user = tg.user(9959, first_name="Officer-applicant", language_code="kk")
    staff.add_member(user)  # an officer applies too
    post = await apply(tg, user, "kk")
    assert "05" not in post.text.split("\n")[2], "the year of birth only, no day or month"
    assert "1990" in post.text and "+77011112233" not in post.text, "the phone masked"
    assert "+7 701 ••• •• 33" in post.text
    query = await staff.press(user, post, data=HelperCb(action="check", helper=1, seen="a"))
    assert (await user.answer_of(query))["text"].startswith("Өз өтінімін ешкім өзі тексермейді")
    assert (await db_of("SELECT status FROM helpers"))[0][0] == "applied"


async def to_the_precincts_step(user: Any) -> Any:
    """/start … phone; returns the list of precincts."""
    await user.send("/start")
    await user.next_message()
    await user.next_message()
    await user.send("/volunteer")
    intro = await user.next_message()
    await user.press(
        intro, data=HelperApplicationCb(action=HelperApplicationAction.CONSENT, value="yes")
    )
    await user.next_message()
    await user.send("Серікбаев Ерлан Болатұлы")
    await user.next_message()
    await user.send("05.01.1990")
    await user.next_message()
    await user.send(IIN)
    await user.next_message()
    await user.send_contact(phone_number="+77011112233", first_name="Me")
    await user.next_message()
    return await user.next_message()


async def test_many_precincts_come_in_pages_and_only_the_newest_list_counts(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    text, _bounds = grid(20, west=69.5, south=42.25)  # in Shymkent
    assert (await bot.app.directory.import_text(text, "city.geojson")).applied
    user = tg.user(9960, first_name="Dana", language_code="ru")
    listing = await to_the_precincts_step(user)
    first_page = buttons(listing)
    assert len([b for b in first_page if b[1].startswith("vo:precinct:")]) == 8
    assert ("1 / 3", "vo:page:0") in first_page
    await user.press(
        listing, data=HelperApplicationCb(action=HelperApplicationAction.PAGE, value="1")
    )
    await tg.wait_for(lambda: ("2 / 3", "vo:page:1") in buttons(listing), timeout=5)
    second = [b for b in buttons(listing) if b[1].startswith("vo:precinct:")]
    assert not set(second) & set(first_page), "another eight"
    await user.press(listing, data=second[0][1])
    await tg.wait_for(lambda: ("✅ Готово (1)", "vo:precincts_done:") in buttons(listing), 5)

    await user.send_location(42.255, 69.505)  # inside p0
    added = await user.next_message()
    assert "Участок 0" in added.text
    assert ("✅ Готово (2)", "vo:precincts_done:") in buttons(added)
    await tg.wait_for(lambda: listing.reply_markup is None, timeout=5)  # the older list is bare
    query = await user.press_stale(second[1][1], listing)
    assert "устарела" in (await user.answer_of(query))["text"]
    await user.press(
        added, data=HelperApplicationCb(action=HelperApplicationAction.PRECINCTS_DONE, value="")
    )
    assert (await user.next_message()).text.startswith("Шаг 6/7.")
    state = await db_of("SELECT data FROM fsm_states WHERE key LIKE '%9960%'")
    chosen = json.loads(state[0][0])["helper"]["precincts"]
    assert sorted(chosen) == sorted(["p0", second[0][1].split(":")[2]])


async def test_a_precinct_gone_before_sending_brings_back_that_step_only(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(9961, first_name="Aliya", language_code="ru")
    summary = await apply(tg, user, "ru", send=False)
    data = json.loads(demo_directory_path().read_text("utf-8"))
    data["features"] = [f for f in data["features"] if f["properties"]["id"] != "mzhk"]
    await bot.app.directory.import_text(json.dumps(data, ensure_ascii=False), "pilot.geojson")
    await user.press(
        summary, data=HelperApplicationCb(action=HelperApplicationAction.SEND, value="")
    )
    told = await user.next_message()
    assert told.text.startswith("Выбранного Вами участка больше нет в справочнике.")
    await user.next_message()  # step 5 again
    listing = await user.next_message()
    assert ticked(listing) == [], "the gone one is dropped"
    assert await db_of("SELECT id FROM helpers") == []
    await user.press(
        listing,
        data=HelperApplicationCb(action=HelperApplicationAction.PRECINCT, value="zhd-vokzal"),
    )
    await tg.wait_for(lambda: ticked(listing) == ["vo:precinct:zhd-vokzal"], timeout=5)
    await user.press(
        listing, data=HelperApplicationCb(action=HelperApplicationAction.PRECINCTS_DONE, value="")
    )
    when = await user.next_message()
    assert ticked(when) == ["vo:day:5", "vo:band:evening"], "the days and times are kept"
    await user.press(
        when, data=HelperApplicationCb(action=HelperApplicationAction.AVAILABILITY_DONE, value="")
    )
    await user.next_message()
    await user.tap(SKIP["ru"])
    summary = await user.next_message()
    assert "Серікбаев Ерлан Болатұлы" in summary.text and IIN in summary.text
    await user.press(
        summary, data=HelperApplicationCb(action=HelperApplicationAction.SEND, value="")
    )
    assert "№ 1" in (await user.next_message(timeout=10)).text
    rows = await db_of("SELECT precincts FROM helpers")
    assert rows[0][0] == '["zhd-vokzal"]'
