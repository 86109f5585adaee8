"""Groups: /chatid for the operator, supergroup migrations, staff help."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.services.chats import ChatService
from bot.telegram import texts


def router() -> Router:
    r = Router(name="groups")
    r.message.register(migrated, F.migrate_to_chat_id)
    r.message.register(chat_id, Command("chatid"))
    groups = F.chat.type.in_({"group", "supergroup"})
    r.message.register(staff_help, groups, Command("help"))
    r.message.register(private_only, groups, Command(commands=["start", "language", "privacy"]))
    return r


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
