"""Who is staff: the members of the staff supergroup, asked of Telegram and cached briefly."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from aiogram import Bot
from aiogram.enums import ChatMemberStatus
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message

from bot.domain import numbers
from bot.services.chats import ChatService
from bot.services.desk import DeskService
from bot.telegram import texts

log = logging.getLogger(__name__)

MEMBER = {ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}


class StaffGate:
    def __init__(
        self, chats: ChatService, ttl: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.chats = chats
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[tuple[int, int], tuple[float, bool]] = {}

    async def is_staff(self, bot: Bot, user_id: int, where: int | None = None) -> bool:
        """A member of the staff group now, or of the precinct chat `where` when the action
        happens there (a removed officer loses access within `ttl`)."""
        if where is not None and (
            where in self.chats.precinct_chats() or self.chats.is_analysts_chat(where)
        ):
            chat_id: int | None = where
        else:
            chat_id = await self.chats.staff_chat_id()
        if chat_id is None:
            return False
        cached = self._cache.get((chat_id, user_id))
        now = self.clock()
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except TelegramAPIError as exc:
            log.warning("cannot check staff membership of %s: %s", user_id, exc)
            return False  # when in doubt, no staff powers; not cached
        status = member.status
        allowed = status in MEMBER or (
            status == ChatMemberStatus.RESTRICTED and bool(getattr(member, "is_member", False))
        )
        self._cache[(chat_id, user_id)] = (now, allowed)
        return allowed


class AdminGate:
    """Who may replace the directory: the staff group's administrators (asked each time: a
    rare action, and a demoted admin must lose it at once)."""

    def __init__(self, chats: ChatService) -> None:
        self.chats = chats

    async def is_admin(self, bot: Bot, user_id: int) -> bool:
        chat_id = await self.chats.staff_chat_id()
        if chat_id is None:
            return False
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except TelegramAPIError as exc:
            log.warning("cannot check admin rights of %s: %s", user_id, exc)
            return False
        return member.status in (ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR)


def parse_number(text: str) -> int | None:
    """A report's, duty's or helper's number as staff type it: 1042, № 1042, #1042 (None
    for anything else or a number SQLite cannot hold: see bot.domain.numbers)."""
    return numbers.parse_number(text.strip().lstrip("№#").strip())


async def staff_here(
    message: Message, bot: Bot, chats: ChatService, gate: StaffGate, desk: DeskService, what: str
) -> bool:
    """Whether a staff command may go on here: a member of the main staff group (the
    analysts' chat: /stats only). A refusal is answered politely and audited; anywhere else
    the command is ignored."""
    if message.from_user is None:
        return False
    if chats.is_analysts_chat(message.chat.id):
        # the interagency group sees figures only: no names, phones or places
        if what != "stats":
            await desk.refused(
                message.from_user.id, message.from_user.full_name, message.chat.id, what
            )
            await message.reply(texts.analysts_figures_only())
            return False
        return await gate.is_staff(bot, message.from_user.id, message.chat.id)
    if not await chats.is_main_staff_chat(message.chat.id):
        return False
    if not await gate.is_staff(bot, message.from_user.id, message.chat.id):
        await desk.refused(message.from_user.id, message.from_user.full_name, message.chat.id, what)
        await message.reply(texts.staff_only())
        return False
    return True


async def staff_pressed(
    query: CallbackQuery, chat_id: int, bot: Bot, gate: StaffGate, desk: DeskService, what: str
) -> bool:
    """Whether the presser of a staff button in `chat_id` is staff there; if not, they are
    told in an alert and the press is audited."""
    if await gate.is_staff(bot, query.from_user.id, chat_id):
        return True
    await desk.refused(query.from_user.id, query.from_user.full_name, chat_id, what)
    await query.answer(texts.staff_only(), show_alert=True)
    return False
