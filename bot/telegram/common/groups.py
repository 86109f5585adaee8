"""Groups: /chatid for the operator, supergroup migrations, staff help."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus
from aiogram.filters import Command
from aiogram.types import ChatMemberUpdated, Message

from bot.services.alerts import OpsAlerts
from bot.services.chats import ChatService
from bot.telegram import texts


def router() -> Router:
    r = Router(name="groups")
    r.message.register(migrated, F.migrate_to_chat_id)
    r.message.register(chat_id, Command("chatid"))
    groups = F.chat.type.in_({"group", "supergroup"})
    r.message.register(staff_help, groups, Command("help"))
    r.message.register(private_only, groups, Command(commands=["start", "language", "privacy"]))
    r.my_chat_member.register(bot_membership, groups)
    return r


async def bot_membership(event: ChatMemberUpdated, alerts: OpsAlerts) -> None:
    """The bot was removed from a group, or added back: for the staff group, the
    administrators hear it in private (they can no longer be told there)."""
    status = event.new_chat_member.status
    if status in (ChatMemberStatus.LEFT, ChatMemberStatus.KICKED):
        await alerts.group_lost(event.chat.id, str(status))
    elif status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR):
        await alerts.group_back(event.chat.id)


async def migrated(message: Message, chats: ChatService) -> None:
    assert message.migrate_to_chat_id is not None
    await chats.record_migration(message.chat.id, message.migrate_to_chat_id)


async def chat_id(message: Message) -> None:
    if message.chat.type == "private":
        user_id = message.from_user.id if message.from_user else message.chat.id
        await message.answer(texts.chat_id_private(user_id))
        return
    await message.reply(texts.chat_id_answer(message.chat.id))


async def staff_help(message: Message, chats: ChatService) -> None:
    if await chats.is_staff_chat(message.chat.id):
        await message.reply(texts.staff_help())
    else:
        await message.reply(texts.group_private_only())


async def private_only(message: Message) -> None:
    await message.reply(texts.group_private_only())
