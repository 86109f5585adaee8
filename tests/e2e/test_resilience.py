"""Restarts, users who block the bot, Telegram refusing at start-up, handler failures."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from bot.telegram.callbacks import ConsentCb, LanguageCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import onboard

RESIDENT_COMMANDS = [
    "start", "report", "myreports", "complaint", "inspector", "volunteer", "profile",
    "myduties", "help", "language", "privacy", "mydata", "forgetme", "subscribe",
    "subscriptions", "cancel",
]  # fmt: skip
STAFF_COMMANDS = [
    "help", "me", "mine", "directory", "helpers", "duty", "hours", "find", "card", "phone",
    "extend", "refer", "bodies", "banned",
    "stats", "templates", "priorities", "survey", "chatid",
]  # fmt: skip


async def test_restart_in_the_middle_of_a_conversation_keeps_the_state(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    user = tg.user(7001, first_name="Gulnara", language_code="kk")
    consent = await onboard(user, "kk", consent=None)
    assert consent.text.startswith("Дербес деректерді өңдеуге келісім")

    await bot.restart()

    await user.send("не?")
    assert (await user.next_message()).text.startswith("Төмендегі батырмалар арқылы жауап беріңіз")
    # the button from before the restart still works
    await user.press(consent, data=ConsentCb(action="yes"))
    assert (await user.next_message()).text.startswith("Рақмет. Келісіміңіз тіркелді.")


async def test_updates_sent_while_the_bot_was_down_are_answered(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    await bot.stop()
    user = tg.user(7002, first_name="Bauyrzhan", language_code="ru")
    await user.send("/help")
    await bot.start()
    assert (await user.next_message()).text.startswith("Сақшы связывает жителей")


async def test_user_who_blocked_the_bot_is_marked_unreachable(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(7003, first_name="Arman", language_code="kk")
    await user.send("/help")
    await user.next_message()
    user.block()

    async def blocked() -> bool:
        return (await db_of("SELECT blocked_bot FROM users WHERE id=7003"))[0][0] == 1

    assert await eventually(blocked), "the my_chat_member update marks the user unreachable"
    user.unblock()
    await user.send("/help")
    await user.next_message()
    assert (await db_of("SELECT blocked_bot FROM users WHERE id=7003"))[0][0] == 0


async def test_403_while_answering_marks_the_user_unreachable(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    """The user blocks the bot between sending and our reply: Telegram answers 403."""
    user = tg.user(7004, first_name="Kairat", language_code="kk")
    await user.send("/help")
    await user.next_message()
    tg.fail_next(
        "sendMessage", error_code=403, description="Forbidden: bot was blocked by the user", times=1
    )
    await user.send("/help")
    await tg.wait_for(lambda: len(tg.calls_of("sendMessage")) >= 2, timeout=5)

    async def blocked() -> bool:
        return (await db_of("SELECT blocked_bot FROM users WHERE id=7004"))[0][0] == 1

    assert await eventually(blocked)
    assert len(user.messages) == 1, "nothing more is sent to a user who blocked the bot"
    # writing to the bot again proves they are reachable
    await user.send("/help")
    await user.next_message()
    assert not await blocked()


async def test_a_failing_reply_gets_the_apology_in_the_users_language(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    """Without consent nothing but ids is kept, so the apology asks to send it again."""
    user = tg.user(7005, first_name="Madina", language_code="ru")
    await user.send("/help")
    await user.next_message()
    tg.fail_next("sendMessage", error_code=500, description="Internal Server Error", times=1)
    await user.send("/help")
    reply = await user.next_message()
    assert reply.text.startswith(
        "Извините, у нас что-то пошло не так. Пожалуйста, отправьте ещё раз"
    )
    assert "Internal" not in reply.text
    kept = await db_of("SELECT user_id, payload, error FROM failed_updates")
    assert len(kept) == 1 and kept[0]["user_id"] == 7005
    assert "/help" not in kept[0]["payload"] and "Madina" not in kept[0]["payload"]
    assert kept[0]["error"].startswith("TelegramServerError")


async def test_with_consent_what_was_sent_is_kept_and_the_apology_says_so(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(7013, first_name="Zarina", language_code="ru")
    await onboard(user, "ru", consent="yes")
    tg.fail_next("sendMessage", error_code=500, description="Internal Server Error", times=1)
    await user.send("/help")
    reply = await user.next_message()
    assert reply.text.startswith(
        "Извините, у нас что-то пошло не так. То, что Вы отправили, сохранено и будет проверено."
    )
    kept = await db_of("SELECT payload FROM failed_updates WHERE user_id = 7013")
    assert '"/help"' in kept[0]["payload"], "what the user sent is kept"
    assert "Zarina" not in kept[0]["payload"], "names are not kept"


@pytest.mark.slow  # three real retry_after seconds
async def test_429_on_start_up_is_waited_out_and_the_bot_serves_meanwhile(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    await bot.stop()
    # three in a row: the session gives up after its third attempt and the profile task
    # itself waits retry_after before calling again
    tg.fail_next("setMyCommands", error_code=429, retry_after=1, times=3)
    tg.fail_next("setMyDescription", error_code=502, description="Bad Gateway", times=2)
    app = await bot.start()
    user = tg.user(7006, first_name="Aizhan", language_code="kk")
    await user.send("/help")
    assert (await user.next_message()).text.startswith("Сақшы тұрғындарды")
    assert app.profile is not None
    await tg.wait_for(lambda: app.profile is not None and app.profile.done.is_set(), timeout=15)
    assert [c for c in tg.calls_of("setMyCommands") if not c.ok], "the 429 happened"
    kk = tg.commands(scope={"type": "all_private_chats"}, language_code="kk")
    assert [c["command"] for c in kk] == RESIDENT_COMMANDS
    help_entry = next(c for c in kk if c["command"] == "help")
    assert help_entry["description"] == "Бот мүмкіндіктері; шұғыл жағдайдағы нөмірлер"


async def test_command_menus_and_descriptions_per_language_and_scope(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    assert bot.app is not None and bot.app.profile is not None
    await tg.wait_for(lambda: bot.app.profile.done.is_set(), timeout=10)  # type: ignore[union-attr]
    ru = tg.commands(scope={"type": "all_private_chats"}, language_code="ru")
    default = tg.commands(scope={"type": "all_private_chats"}, language_code=None)
    assert ru[0] == {"command": "start", "description": "Начало и главное меню"}
    assert default[0] == {"command": "start", "description": "Бастау және басты мәзір"}
    staff = tg.commands(scope={"type": "chat", "chat_id": STAFF_CHAT}, language_code="ru")
    assert [c["command"] for c in staff] == STAFF_COMMANDS
    groups = tg.commands(scope={"type": "all_group_chats"}, language_code="kk")
    assert [c["command"] for c in groups] == ["chatid"]
    assert "102" in tg.descriptions["kk"] and "102" in tg.descriptions["ru"]
    assert tg.short_descriptions["kk"] != tg.short_descriptions["ru"]


async def test_a_timeout_on_start_up_is_retried(
    tg: FakeTelegram, bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.stop()
    with sqlite3.connect(bot.db_path) as conn:  # as on a new install: nothing set yet
        conn.execute("DELETE FROM bot_profile")
    tg.fail_next("setMyCommands", delay=2.5, times=1)
    app = await bot.start(request_timeout=1)
    user = tg.user(7007, first_name="Yerlan", language_code="ru")
    await user.send("/help")
    assert (await user.next_message()).text.startswith("Сақшы связывает жителей")
    await tg.wait_for(lambda: app.profile is not None and app.profile.done.is_set(), timeout=15)
    assert "commands/private/default failed (HTTP Client says - Request timeout error)" in (
        caplog.text
    )
    ru = tg.commands(scope={"type": "all_private_chats"}, language_code="ru")
    assert [c["command"] for c in ru] == RESIDENT_COMMANDS
    default = tg.commands(scope={"type": "all_private_chats"}, language_code=None)
    assert default[0]["command"] == "start", "the call that timed out was made again"


PROFILE_METHODS = ("setMyCommands", "deleteMyCommands", "setMyDescription", "setMyShortDescription")


def profile_calls(tg: FakeTelegram) -> int:
    return sum(len(tg.calls_of(method)) for method in PROFILE_METHODS)


async def test_a_restart_sets_only_what_changed(tg: FakeTelegram, bot: RunningBot) -> None:
    assert bot.app is not None and bot.app.profile is not None
    await tg.wait_for(lambda: bot.app.profile.done.is_set(), timeout=10)  # type: ignore[union-attr]
    first = profile_calls(tg)
    assert first == 3 * 5 + 1, "each language (and the default): 3 menus, 2 descriptions"

    app = await bot.restart()
    await tg.wait_for(lambda: app.profile is not None and app.profile.done.is_set(), timeout=10)
    assert profile_calls(tg) == first, "nothing changed: nothing asked of Telegram"
    assert app.profile is not None and app.profile.made == []

    moved = -1009999  # the staff group is another one now: only its menus are set again
    tg.group(moved, title="Duty unit", bot_is_admin=True)
    app = await bot.restart(staff_chat_id=moved)
    await tg.wait_for(lambda: app.profile is not None and app.profile.done.is_set(), timeout=10)
    assert app.profile is not None
    assert app.profile.made == ["commands/staff/default", "commands/staff/kk", "commands/staff/ru"]
    staff = tg.commands(scope={"type": "chat", "chat_id": moved}, language_code="ru")
    assert [c["command"] for c in staff] == STAFF_COMMANDS


@pytest.mark.parametrize(
    ("data", "action"),
    [(ConsentCb(action="yes").pack(), "given"), (ConsentCb(action="no").pack(), "declined")],
)
async def test_double_tap_on_consent_is_answered_once(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, data: str, action: str
) -> None:
    user = tg.user(7008, first_name="Aru", language_code="kk")
    consent = await onboard(user, "kk", consent=None)
    # two taps before the bot had time to remove the buttons
    first = await user.press(consent, data=data)
    second = await user.press(consent, data=data)
    await user.answer_of(first)
    await user.answer_of(second)
    await user.next_message()
    await user.send("/help")
    assert (await user.next_message()).text.startswith("Сақшы тұрғындарды"), "nothing in between"
    events = await db_of("SELECT action FROM consent_events WHERE user_id = 7008")
    assert [e[0] for e in events] == [action]


async def test_not_now_is_remembered(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(7014, first_name="Nurai", language_code="kk")
    await onboard(user, "kk", consent="no")
    await user.send("/start")
    assert (await user.next_message()).text.startswith("Сәлеметсіз бе!")
    await user.send("/help")
    assert (await user.next_message()).text.startswith("Сақшы тұрғындарды"), "not asked again"


async def test_a_429_on_a_reply_is_waited_out(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(7009, first_name="Daulet", language_code="ru")
    tg.fail_next("sendMessage", error_code=429, retry_after=1, times=1)
    await user.send("/help")
    reply = await user.next_message(timeout=10)
    assert reply.text.startswith("Сақшы связывает жителей"), "the reply, not an apology"
    assert len(user.messages) == 1


async def test_a_banned_user_gets_one_plain_answer(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(7010, first_name="Spam", language_code="ru")
    await user.send("/language")
    picker = await user.next_message()
    assert bot.app is not None
    async with bot.app.db.transaction() as conn:
        await conn.execute("UPDATE users SET banned = 1 WHERE id = 7010")
    await user.send("/start")
    banned = (
        "Извините, этот бот не может принимать Ваши сообщения. Если Вам нужна полиция, звоните "
        "102 (в экстренной ситуации — 112)."
    )
    assert (await user.next_message()).text == banned
    query = await user.press(picker, data=LanguageCb(code="kk"))  # an old keyboard
    assert (await user.answer_of(query))["text"] == banned
    await user.send_sticker()
    assert (await user.next_message()).text == banned
    assert len(user.messages) == 3, "one answer each, nothing else"


async def test_stop_while_a_handler_waits_on_telegram_lets_it_finish(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    user = tg.user(7011, first_name="Ainur", language_code="kk")
    tg.fail_next("sendMessage", delay=0.5, times=1)  # Telegram is slow to answer
    app = bot.app
    assert app is not None and app.dp is not None
    dp = app.dp
    await user.send("/help")

    async def handling() -> bool:
        return bool(dp._handle_update_tasks)

    assert await eventually(handling), "the handler is waiting for Telegram"
    await bot.stop()  # while the reply is on its way
    assert [m.text.split("\n")[0] for m in user.messages] == [
        "Сақшы тұрғындарды Жергілікті полиция қызметімен байланыстырады."
    ], "the reply arrived, and no apology"
    await bot.start()
    assert bot.app is not None
    async with bot.app.db.read() as conn:
        kept = await (await conn.execute("SELECT count(*) FROM failed_updates")).fetchone()
    assert kept[0] == 0


async def test_profile_follows_a_migrated_staff_group_after_restart(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    await bot.stop()
    old_id = -5001
    await bot.start(staff_chat_id=old_id)
    group = tg.group(old_id, title="Duty", supergroup=False, bot_is_admin=True)
    officer = tg.user(7012, first_name="Duty", language_code="kk")
    await group.send(officer, "/chatid")
    await group.next_message()
    app0 = bot.app
    assert app0 is not None and app0.profile is not None
    profile = app0.profile
    await tg.wait_for(profile.done.is_set, timeout=10)  # menus set before Telegram moves it
    await group.migrate_to_supergroup(new_chat_id=-1005001)
    assert bot.app is not None
    chats = bot.app.chats

    async def followed() -> bool:
        return await chats.staff_chat_id() == -1005001

    assert await eventually(followed)
    app = await bot.restart(staff_chat_id=old_id)  # the operator has not updated the setting
    assert app.profile is not None
    await tg.wait_for(lambda: app.profile is not None and app.profile.done.is_set(), timeout=10)
    assert app.profile.refused == []
    staff = tg.commands(scope={"type": "chat", "chat_id": -1005001}, language_code="kk")
    assert [c["command"] for c in staff] == STAFF_COMMANDS
    assert tg.descriptions["kk"], "the calls after the staff menu were made too"


async def test_an_update_aiogram_cannot_read_is_set_aside_and_polling_goes_on(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    """aiogram reads a getUpdates batch whole: one update its models reject (a Bot API change
    it does not know yet) failed the batch at every try, and nothing after it was handled."""
    user = tg.user(7010, first_name="Aidos", language_code="kk")
    await user.send("/help")
    await user.next_message()
    odd = tg.send_raw_update(
        "message",
        {"message_id": 1, "date": "yesterday", "chat": {"id": 7010, "type": "private"}},
    )
    await user.send("/help")
    answer = await user.next_message(timeout=10)
    assert answer.text.startswith("Сақшы"), "the update after it is answered"

    async def set_aside() -> bool:
        rows = await db_of("SELECT update_id, user_id, payload, error FROM failed_updates")
        return bool(rows)

    assert await eventually(set_aside)
    assert len(user.messages) == 2 and not user.unread(), "the unreadable one got no answer"
    [(update_id, user_id, payload, error)] = await db_of(
        "SELECT update_id, user_id, payload, error FROM failed_updates"
    )
    assert (update_id, user_id) == (odd, None)
    assert "yesterday" not in payload and "7010" not in payload, "no content kept"
    assert error.startswith("unreadable: message.date")

    async def all_handled() -> bool:
        rows = await db_of("SELECT count(*) FROM inbox WHERE handled_at IS NULL")
        return rows[0][0] == 0

    assert await eventually(all_handled), "handled: it does not come back at the next start"


async def test_a_press_answered_too_late_for_telegram_still_takes_effect(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    """A press that reaches the bot after Telegram stopped waiting for its answer (a busy
    machine, a restart): Telegram refuses the answer, and the press does what it does."""
    user = tg.user(7015, first_name="Zere", language_code="kk")
    consent = await onboard(user, "kk", consent=None)
    too_old = "query is too old and response timeout expired or query ID is invalid"
    tg.fail_next("answerCallbackQuery", 400, description=f"Bad Request: {too_old}")
    await user.press(consent, data=ConsentCb(action="yes"))
    thanks = await user.next_message()
    assert [c.ok for c in tg.calls_of("answerCallbackQuery")][-1:] == [False], "refused"
    assert thanks.text.startswith("Рақмет. Келісіміңіз тіркелді."), "not «something went wrong»"
    events = await db_of("SELECT action FROM consent_events WHERE user_id = 7015")
    assert [e[0] for e in events] == ["given"]
    await user.send("/help")
    assert (await user.next_message()).text.startswith("Сақшы тұрғындарды"), "nothing in between"
