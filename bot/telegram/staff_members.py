"""Who is staff: the members of the staff supergroup, asked of Telegram and cached briefly."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from aiogram import Bot
from aiogram.enums import ChatMemberStatus
from aiogram.exceptions import TelegramAPIError

from bot.domain import numbers
from bot.services.chats import ChatService

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
        return await self.is_member(bot, user_id, chat_id)

    async def is_member(self, bot: Bot, user_id: int, chat_id: int) -> bool:
        """A member of this chat now (asked of Telegram at most once per `ttl`)."""
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
