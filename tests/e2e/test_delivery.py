"""The outbox through the real bot and the strict fake: once, in order, despite 429 and 5xx."""

from __future__ import annotations

from typing import Any

from bot.domain.outbox import NewMessage
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually


async def enqueue(bot: RunningBot, *messages: NewMessage) -> None:
    assert bot.app is not None
    async with bot.app.db.transaction() as conn:
        for message in messages:
            await bot.app.outbox.add(conn, message)
    bot.app.outbox.notify()


def text(chat_id: int, body: str) -> NewMessage:
    return NewMessage(chat_id, "sendMessage", {"text": body}, ref=body)


async def test_every_message_arrives_once_and_in_order_through_429_and_502(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(9001, first_name="Aigul", language_code="kk")
    await user.send("/help")
    await user.next_message()
    staff = tg.group(STAFF_CHAT)
    tg.fail_next("sendMessage", error_code=429, retry_after=1, times=1)
    tg.fail_next("sendMessage", error_code=502, description="Bad Gateway", times=2)
    await enqueue(
        bot,
        *(text(9001, f"resident <b>{i}</b>") for i in range(5)),
        *(text(STAFF_CHAT, f"staff {i} &amp; co") for i in range(5)),
    )
    await tg.wait_for(lambda: len(user.messages) == 6 and len(staff.messages) == 5, timeout=20)
    assert [m.text for m in user.messages[1:]] == [f"resident {i}" for i in range(5)]
    assert [m.text for m in staff.messages] == [f"staff {i} & co" for i in range(5)]

    async def all_done() -> bool:
        rows = await db_of("SELECT state FROM outbox")
        return {r["state"] for r in rows} == {"done"}

    assert await eventually(all_done), "every row is marked done once Telegram accepted it"
    sent_ids = {(m.chat_id, m.message_id) for m in user.messages[1:] + staff.messages}
    recorded = await db_of("SELECT chat_id, telegram_message_id FROM outbox")
    assert {(r[0], r[1]) for r in recorded} == sent_ids, "Telegram's message ids are kept"


async def test_a_reset_connection_loses_nothing_and_repeats_only_what_took_effect(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    user = tg.user(9003, first_name="Erlan", language_code="ru")
    await user.send("/help")
    await user.next_message()
    # dropped before Telegram did anything: sent again, arrives once
    tg.fail_next("sendMessage", reset="before")
    await enqueue(bot, text(STAFF_CHAT, "first"))
    await tg.wait_for(lambda: len(staff.messages) == 1, timeout=20)
    # dropped after Telegram posted it: the bot cannot know, sends it again (the one duplicate
    # the outbox allows: a request in flight); what follows keeps its order
    tg.fail_next("sendMessage", reset="after")
    await enqueue(bot, text(STAFF_CHAT, "second"), text(STAFF_CHAT, "third"))
    await tg.wait_for(lambda: len(staff.messages) == 4, timeout=20)
    assert [m.text for m in staff.messages] == ["first", "second", "second", "third"]
    # meanwhile the bot went on serving people
    await user.send("/help")
    assert "/report" in (await user.next_message(timeout=10)).text

    async def all_done() -> bool:
        rows = await db_of("SELECT state FROM outbox WHERE chat_id = ?", STAFF_CHAT)
        return [r["state"] for r in rows] == ["done"] * 3

    assert await eventually(all_done)


async def test_a_user_who_blocked_the_bot_is_marked_and_the_rest_goes_on(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    gone = tg.user(9002, first_name="Gone", language_code="ru")
    await gone.send("/help")
    await gone.next_message()
    with tg.expect_refusal("Forbidden: bot was blocked by the user"):
        gone.block()

        async def marked() -> bool:
            return (await db_of("SELECT blocked_bot FROM users WHERE id = 9002"))[0][0] == 1

        await eventually(marked)
        await enqueue(bot, text(9002, "to the blocked"), text(STAFF_CHAT, "to staff"))
        staff = tg.group(STAFF_CHAT)
        await tg.wait_for(lambda: len(staff.messages) == 1, timeout=10)

        async def failed() -> list[Any]:
            return await db_of("SELECT state FROM outbox WHERE chat_id = 9002 AND state='failed'")

        assert await eventually(failed)
    assert [m.text for m in staff.messages] == ["to staff"]


async def test_rows_committed_before_a_restart_are_sent_after_it(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    user = tg.user(9003, first_name="Serik", language_code="kk")
    await user.send("/help")
    await user.next_message()
    await bot.stop()
    # committed while no bot runs (as if it died right after the commit)
    from bot.services.outbox import Outbox
    from bot.storage.db import Database

    db = Database(bot.db_path)
    await db.connect()
    outbox = Outbox(bot.clock)  # the bot's world, not the machine's day
    async with db.transaction() as conn:
        await outbox.add(conn, text(9003, "written before the crash"))
    await db.close()
    await bot.start()
    message = await user.next_message(timeout=10)
    assert message.text == "written before the crash"
    assert len(user.messages) == 2
