"""Operator helpers in groups: /chatid, the staff group's help, a supergroup migration."""

from __future__ import annotations

from typing import Any

from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually


async def test_chatid_in_any_group(tg: FakeTelegram, bot: RunningBot) -> None:
    group = tg.group(-1009999, title="Some group", bot_is_admin=False)
    officer = tg.user(8001, first_name="Officer", language_code="ru")
    await group.send(officer, "/chatid@sakshy_test_bot")
    reply = await group.next_message()
    assert reply.text == "ID этого чата: -1009999"
    # privacy mode: plain chatter in the group is not even delivered to the bot
    await group.send(officer, "hello everyone")
    await group.send(officer, "/chatid")
    assert (await group.next_message()).text == "ID этого чата: -1009999"


async def test_chatid_in_private_explains(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(8002, first_name="Op", language_code="kk")
    await user.send("/chatid")
    assert "8002" in (await user.next_message()).text


async def test_staff_group_help_and_other_groups(tg: FakeTelegram, bot: RunningBot) -> None:
    staff = tg.group(STAFF_CHAT, title="Duty unit", bot_is_admin=True)
    officer = tg.user(8003, first_name="Duty", language_code="kk")
    await staff.send(officer, "/help")
    assert (await staff.next_message()).text.startswith("Кезекші бөлім тобындағы Сақшы")
    other = tg.group(-1007777, title="Neighbours", bot_is_admin=True)
    await other.send(officer, "/help")
    assert (await other.next_message()).text.startswith("Мен тұрғындармен жеке чатта")
    # an admin bot sees all messages, but answers no chatter in groups
    await other.send(officer, "just talking")
    await other.send(officer, "/chatid")
    assert (await other.next_message()).text == "Осы чаттың id нөмірі: -1007777"


async def test_staff_group_upgraded_to_supergroup_is_followed(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, caplog: Any
) -> None:
    await bot.stop()
    old_id = -4001
    await bot.start(staff_chat_id=old_id)
    group = tg.group(old_id, title="Duty", supergroup=False, bot_is_admin=True)
    officer = tg.user(8004, first_name="Duty", language_code="kk")
    await group.send(officer, "/chatid")
    await group.next_message()
    app0 = bot.app
    assert app0 is not None and app0.profile is not None
    profile = app0.profile
    await tg.wait_for(profile.done.is_set, timeout=10)  # menus set before Telegram moves it
    await group.migrate_to_supergroup(new_chat_id=-1004001)
    rows = await eventually(lambda: db_of("SELECT old_chat_id, new_chat_id FROM chat_migrations"))
    assert [tuple(r) for r in rows] == [(old_id, -1004001)]
    assert bot.app is not None
    chats = bot.app.dp["chats"] if bot.app.dp else None
    assert chats is not None and await chats.staff_chat_id() == -1004001
    assert "set STAFF_CHAT_ID=-1004001" in caplog.text


async def test_group_members_are_not_registered_as_users(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    group = tg.group(-1006666, title="Chatty", bot_is_admin=True)
    for i in range(3):
        member = tg.user(8100 + i, first_name=f"M{i}", language_code="ru")
        await group.send(member, f"hello {i}")
    await group.send(tg.user(8100), "/chatid")
    assert (await group.next_message()).text == "ID этого чата: -1006666"
    assert await db_of("SELECT id FROM users WHERE id BETWEEN 8100 AND 8102") == []


async def test_a_command_sent_as_a_reply_in_any_group_is_answered(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    group = tg.group(-1005555, title="Neighbours", bot_is_admin=True)
    member = tg.user(8200, first_name="Member", language_code="ru")
    await group.send(member, "/chatid")
    first = await group.next_message()
    await group.send(member, "/chatid", reply_to=first)
    assert (await group.next_message()).text == "ID этого чата: -1005555"
