"""Requests to Telegram: short flood waits are waited out instead of failing a reply."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import GetUpdates, TelegramMethod

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods.base import Response

log = logging.getLogger(__name__)


class RetryAfterMiddleware(BaseRequestMiddleware):
    """A 429 with a short `retry_after` is waited out and the request sent again.

    Longer waits are raised to the caller (a background job decides itself how to wait);
    getUpdates is left to aiogram's polling loop.
    """

    def __init__(self, max_wait: float = 10.0, attempts: int = 3) -> None:
        self.max_wait = max_wait
        self.attempts = attempts

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        attempt = 1
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if (
                    isinstance(method, GetUpdates)
                    or attempt >= self.attempts
                    or exc.retry_after > self.max_wait
                ):
                    raise
                log.warning(
                    "%s: flood control, waiting %s s (attempt %s)",
                    type(method).__name__,
                    exc.retry_after,
                    attempt,
                )
                await asyncio.sleep(exc.retry_after)
                attempt += 1
