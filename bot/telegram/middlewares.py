"""Per-update context: the stored user and their language."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, Message, TelegramObject, Update, User
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n.middleware import I18nMiddleware

from bot.domain.users import User as StoredUser
from bot.domain.users import pick_language
from bot.services.chats import ChatService
from bot.services.inbox import Inbox
from bot.services.users import UserService
from bot.storage.db import UNIT
from bot.storage.unit import UpdateUnit
from bot.telegram import texts
from bot.telegram.session import UNREADABLE

log = logging.getLogger(__name__)


class InboxMiddleware(BaseMiddleware):
    """First of ours: an update Telegram sent again after it was received is skipped, and the
    rest is handled as one unit of work (`UpdateUnit`): its conversation changes and its
    "handled" mark commit with its first write transaction, or when its handler returns. A
    failed one keeps no conversation change and is marked by the error handler once the
    failure is recorded; one cancelled by a stop before its commit stays waiting for the next
    start, its conversation as it was."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        if self.inbox.is_duplicate(event.update_id):
            log.info("update %s was received before; skipped", event.update_id)
            return None
        unreadable = UNREADABLE.get() or {}
        if event.update_id in unreadable:
            await asyncio.shield(self.inbox.set_aside(event.update_id, unreadable[event.update_id]))
            return None
        unit = UpdateUnit(event.update_id, self.inbox.clock)
        token = UNIT.set(unit)
        try:
            result = await handler(event, data)
        except BaseException:
            unit.discard()
            raise
        finally:
            UNIT.reset(token)
        # a stop's cancellation landing here must not leave a finished update to be replayed
        await asyncio.shield(self.inbox.finish(unit))
        return result


class UserMiddleware(BaseMiddleware):
    """Loads (or registers) the user behind an update and puts it in `data["user"]`.

    Only the private chat registers a user; only a message there proves they can be reached
    again. In groups `user` is the stored user or None.
    """

    def __init__(self, users: UserService) -> None:
        self.users = users

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        tg_user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        if tg_user is not None and not tg_user.is_bot:
            user: StoredUser | None
            if chat is not None and chat.type == "private":
                if _is_user_message(event):
                    user, first = await self.users.seen(tg_user.id, tg_user.language_code)
                else:  # a membership change proves nothing about reachability
                    user, first = await self.users.get(tg_user.id), False
                    if user is None:
                        user, first = await self.users.seen(tg_user.id, tg_user.language_code)
            else:
                # Group members are not our users until they write to the bot themselves.
                user, first = await self.users.get(tg_user.id), False
            data["user"] = user
            data["first_contact"] = first
        return await handler(event, data)


def _is_user_message(event: TelegramObject) -> bool:
    """Something the user did themselves in the chat (not a membership change)."""
    return isinstance(event, Update) and (
        event.message is not None
        or event.callback_query is not None
        or event.edited_message is not None
    )


class UserI18nMiddleware(I18nMiddleware):
    """The language stored for the user; Telegram's language_code only before we know them."""

    def __init__(self, i18n: I18n, default_locale: str) -> None:
        super().__init__(i18n=i18n)
        self.default_locale = default_locale

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user = data.get("user")
        if user is not None:
            return str(user.language)
        tg_user: User | None = data.get("event_from_user")
        return pick_language(tg_user.language_code if tg_user else None, self.default_locale)


class BanMiddleware(BaseMiddleware):
    """A banned user gets one plain answer (with the emergency numbers) and nothing else."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("user")
        chat = data.get("event_chat")
        if user is None or not user.banned or (chat is not None and chat.type != "private"):
            # a ban keeps a resident away from the bot, never a member out of a group
            return await handler(event, data)
        if not isinstance(event, Update):
            return None
        if event.callback_query is not None:
            await event.callback_query.answer(texts.banned())
        elif event.message is not None and event.message.chat.type == "private":
            await event.message.answer(texts.banned())
        return None


class FloodGuard(BaseMiddleware):
    """Per person, in private chats: `burst` updates at once, then `per_minute` (a token
    bucket). Beyond it the update is not handled; the person is told once to slow down (a
    press is always answered, or Telegram's spinner would hang). Staff groups are not
    limited: officers at work press many buttons."""

    def __init__(
        self,
        per_minute: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        time_scale: float = 1.0,
    ) -> None:
        self.rate = per_minute / 60.0 / time_scale
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[int, tuple[float, float, bool]] = {}  # tokens, stamp, told
        self._last_prune = clock()

    def take(self, user_id: int) -> tuple[bool, bool]:
        """(allowed, tell): whether this update goes on, and whether to say slow down now."""
        now = self.clock()
        tokens, stamp, told = self._buckets.get(user_id, (self.burst, now, False))
        tokens = min(self.burst, tokens + (now - stamp) * self.rate)
        if tokens >= 1.0:
            # told once per episode: it ends when the person has calmed down (half the burst)
            still = told and tokens < self.burst / 2
            self._buckets[user_id] = (tokens - 1.0, now, still)
            allowed, tell = True, False
        else:
            self._buckets[user_id] = (tokens, now, True)
            allowed, tell = False, not told
        if now - self._last_prune > 600:
            self._last_prune = now
            full = (self.burst - 1) / self.rate if self.rate else 0
            for key in [k for k, (_, t, _) in self._buckets.items() if now - t > full]:
                del self._buckets[key]
        return allowed, tell

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        chat = data.get("event_chat")
        person = data.get("event_from_user")
        if not isinstance(event, Update) or person is None or chat is None:
            return await handler(event, data)
        if chat.type != "private" or event.event_type not in (
            "message",
            "edited_message",
            "callback_query",
        ):
            return await handler(event, data)  # blocking or unblocking the bot always counts
        if event.message is not None and event.message.media_group_id is not None:
            return await handler(event, data)  # an album is one act (ten photos at most)
        allowed, tell = self.take(person.id)
        if allowed:
            return await handler(event, data)
        log.info("update %s from %s not handled: too many at once", event.update_id, person.id)
        with contextlib.suppress(TelegramAPIError):  # a refusal here must not be amplified
            if event.callback_query is not None:
                await event.callback_query.answer(texts.slow_down())
            elif tell and event.message is not None:
                await event.message.answer(texts.slow_down())
        return None


class StaffForumMiddleware(BaseMiddleware):
    """Every message from the staff group says whether it has forum topics: admins may switch
    them on or off at any time, and reports follow from the next one on."""

    def __init__(self, chats: ChatService) -> None:
        self.chats = chats

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Message) and event.chat.type == "supergroup":
            is_forum = bool(event.chat.is_forum)
            if is_forum is not self.chats.staff_forum and await self.chats.is_main_staff_chat(
                event.chat.id
            ):
                self.chats.learn_forum(event.chat.id, is_forum)
        return await handler(event, data)
