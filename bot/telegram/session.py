"""Every request to Telegram passes one rate limiter; short flood waits are waited out."""

from __future__ import annotations

import asyncio
import json
import logging
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import AnswerCallbackQuery, GetUpdates, TelegramMethod

from bot.services.inbox import Inbox
from bot.services.ratelimit import RateLimiter

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods.base import Response

log = logging.getLogger(__name__)

#: set while the delivery worker sends: it reschedules a 429 itself (the row goes back to
#: pending and frees its place) instead of waiting inside the request
DELIVERY_WORKER: ContextVar[bool] = ContextVar("sakshy_delivery_worker", default=False)
#: set while the delivery worker sends a bulk row: it waits for the limiter behind the rest
BULK: ContextVar[bool] = ContextVar("sakshy_bulk", default=False)

#: getUpdates' result as Telegram sent it (set by InboxSession for the inbox middleware)
RAW_UPDATES: ContextVar[list[dict[str, Any]] | None] = ContextVar("sakshy_raw", default=None)

#: set while updates cut off by the last stop are handled again at start
REPLAY: ContextVar[bool] = ContextVar("sakshy_replay", default=False)

#: methods that put a message into a chat (or change one): these count against the limits
LIMITED = frozenset(
    {
        "SendMessage", "SendPhoto", "SendVideo", "SendDocument", "SendAudio", "SendVoice",
        "SendAnimation", "SendSticker", "SendLocation", "SendVenue", "SendContact",
        "SendMediaGroup", "SendPoll", "SendDice", "SendVideoNote", "CopyMessage",
        "CopyMessages", "ForwardMessage", "ForwardMessages", "EditMessageText",
        "EditMessageCaption", "EditMessageMedia", "EditMessageReplyMarkup",
        "EditMessageLiveLocation", "CreateForumTopic",
    }
)  # fmt: skip


class FloodControlMiddleware(BaseRequestMiddleware):
    """Waits for the limiter before each limited request; on a 429 it blocks that chat for
    `retry_after` and, when the wait is short, sends the request again.

    Longer waits are raised to the caller (the delivery worker reschedules the message);
    getUpdates is left to aiogram's polling loop.
    """

    def __init__(self, limiter: RateLimiter, max_wait: float = 10.0, attempts: int = 3) -> None:
        self.limiter = limiter
        self.max_wait = max_wait
        self.attempts = attempts

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        chat_id = getattr(method, "chat_id", None)
        limited = type(method).__name__ in LIMITED and isinstance(chat_id, int)
        # Telegram counts each item of an album (and of a batch copy) as a message
        items = getattr(method, "media", None) or getattr(method, "message_ids", None)
        slots = len(items) if isinstance(items, list) and items else 1
        attempt = 1
        while True:
            if limited:
                assert isinstance(chat_id, int)
                await self.limiter.acquire(chat_id, bulk=BULK.get(), slots=slots)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                self.limiter.penalise(
                    chat_id if isinstance(chat_id, int) else None, exc.retry_after
                )
                if limited:
                    # a 429 does not say which limit it was: should it be the overall one,
                    # everything pauses a moment (not only this chat)
                    self.limiter.penalise(None, min(exc.retry_after, 1.0))
                if (
                    isinstance(method, GetUpdates)
                    or DELIVERY_WORKER.get()
                    or attempt >= self.attempts
                    or exc.retry_after > self.max_wait
                ):
                    raise
                log.warning(
                    "%s to %s: flood control, waiting %s s (attempt %s)",
                    type(method).__name__,
                    chat_id,
                    exc.retry_after,
                    attempt,
                )
                if not limited:
                    await asyncio.sleep(exc.retry_after)
                attempt += 1


class InboxRequestMiddleware(BaseRequestMiddleware):
    """Polling: a batch of updates is written to the inbox before aiogram confirms it (its
    next getUpdates). If writing fails the batch is not handed on, so it is not confirmed and
    Telegram sends it again.

    A press replayed from the inbox after a crash is not answered: Telegram refuses an answer
    to a query answered already or older than about 15 s, and the press's effect (its
    messages, its edits) is what the person sees."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        if isinstance(method, AnswerCallbackQuery) and REPLAY.get():
            return True  # type: ignore[return-value]
        if not isinstance(method, GetUpdates):
            return await make_request(bot, method)
        RAW_UPDATES.set(None)
        result = await make_request(bot, method)
        raw = RAW_UPDATES.get()  # None: not an InboxSession (nothing to keep)
        if raw:
            await self.inbox.receive(
                [(int(u["update_id"]), json.dumps(u, ensure_ascii=False)) for u in raw]
            )
        return result


class InboxSession(AiohttpSession):
    """Keeps getUpdates' updates as Telegram sent them, for the inbox (aiogram's parsed
    objects hold placeholders that do not serialise back)."""

    def check_response(
        self, bot: Bot, method: TelegramMethod[Any], status_code: int, content: str
    ) -> Response[Any]:
        response = super().check_response(bot, method, status_code, content)
        if isinstance(method, GetUpdates):
            RAW_UPDATES.set(json.loads(content).get("result") or [])
        return response
