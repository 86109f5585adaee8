"""Every request to Telegram passes one rate limiter; short flood waits are waited out."""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import GetUpdates, TelegramMethod

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
        attempt = 1
        while True:
            if limited:
                assert isinstance(chat_id, int)
                await self.limiter.acquire(chat_id, bulk=BULK.get())
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                self.limiter.penalise(
                    chat_id if isinstance(chat_id, int) else None, exc.retry_after
                )
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
