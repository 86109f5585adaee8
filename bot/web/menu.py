"""The «🗂 Console» menu button in a staff member's private chat with the bot (issue 24).

A Mini App opens from a private chat only. When someone writes to the bot privately and
CONSOLE_URL is set, the bot checks once per process whether they are a member of the staff
group and, if so, sets their chat's menu button to the console (in their language). It runs
beside the update, never in its way: a failure is logged and tried again at their next
message. Residents never get the button.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import MenuButtonWebApp, Message, TelegramObject, WebAppInfo
from aiogram.utils.i18n import I18n

from bot.services.chats import ChatService
from bot.telegram.staff_members import StaffGate
from bot.web import texts

log = logging.getLogger(__name__)


class ConsoleMenu(BaseMiddleware):
    def __init__(self, url: str, chats: ChatService, gate: StaffGate, i18n: I18n) -> None:
        self.url = url
        self.chats = chats
        self.gate = gate
        self.i18n = i18n
        #: people already looked at by this process (given the button, or not staff)
        self.seen: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if (
            isinstance(event, Message)
            and event.chat.type == "private"
            and event.from_user is not None
            and event.from_user.id not in self.seen
        ):
            self.seen.add(event.from_user.id)
            user = data.get("user")
            language = getattr(user, "language", None) or "kk"
            task = asyncio.create_task(self._offer(data["bot"], event.from_user.id, language))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await handler(event, data)

    async def _offer(self, bot: Bot, user_id: int, language: str) -> None:
        try:
            staff_chat = await self.chats.staff_chat_id()
            if staff_chat is None or not await self.gate.is_member(bot, user_id, staff_chat):
                return
            with self.i18n.context(), self.i18n.use_locale(language):
                text = texts.menu_button()
            await bot.set_chat_menu_button(
                chat_id=user_id,
                menu_button=MenuButtonWebApp(text=text, web_app=WebAppInfo(url=self.url)),
            )
            log.info("console: the menu button set for staff member %s", user_id)
        except TelegramAPIError as exc:
            self.seen.discard(user_id)  # again at their next message
            log.warning("console: cannot set the menu button of %s (%s)", user_id, exc)
