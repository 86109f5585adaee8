"""Every request to Telegram passes one rate limiter; short flood waits are waited out."""

from __future__ import annotations

import asyncio
import json
import logging
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import ClientDecodeError, TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import AnswerCallbackQuery, GetUpdates, TelegramMethod
from aiogram.methods.base import Response
from aiogram.types import Update
from pydantic import ValidationError

from bot.services.inbox import Inbox
from bot.services.ratelimit import RateLimiter

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher

log = logging.getLogger(__name__)

#: set while the delivery worker sends: it reschedules a 429 itself (the row goes back to
#: pending and frees its place) instead of waiting inside the request
DELIVERY_WORKER: ContextVar[bool] = ContextVar("sakshy_delivery_worker", default=False)
#: set while the delivery worker sends a bulk row: it waits for the limiter behind the rest
BULK: ContextVar[bool] = ContextVar("sakshy_bulk", default=False)

#: getUpdates' result as Telegram sent it (set by InboxSession for the inbox middleware)
RAW_UPDATES: ContextVar[list[dict[str, Any]] | None] = ContextVar("sakshy_raw", default=None)

#: getUpdates' updates aiogram could not read (update id → why), set by InboxSession: each
#: stands in its batch as a bare {"update_id": …}, for InboxMiddleware to set aside
UNREADABLE: ContextVar[dict[int, str] | None] = ContextVar("sakshy_unreadable", default=None)

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
        if isinstance(method, AnswerCallbackQuery):
            if REPLAY.get():
                return True  # type: ignore[return-value]
            return await self._answer(make_request, bot, method)
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

    @staticmethod
    async def _answer(
        make_request: NextRequestMiddlewareType[Any], bot: Bot, method: AnswerCallbackQuery
    ) -> Response[Any]:
        """A press reached the bot after Telegram stopped waiting for its answer (about 15 s:
        a busy machine, a restart): Telegram refuses the answer. The press's effect (its
        messages and edits) is what the person sees, so the handler goes on instead of
        ending in the error handler's "something went wrong"."""
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if "query is too old" not in exc.message and "query ID is invalid" not in exc.message:
                raise
            log.info("a press was answered too late for Telegram (%s)", exc.message)
            return True  # type: ignore[return-value]


class KeepsAnswerTypes(BaseSession):
    """Holds on to the answer types aiogram reads Telegram's answers with (`Response[Message]`,
    `Response[bool]`, …). pydantic keeps such generic classes only weakly, so a garbage
    collection drops them and the next request builds the class and its validator again
    (0.05–5 ms; in the throughput benchmark 120 times in 1,600 requests). One reference each
    keeps them built."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._answer_types: dict[Any, type[Response[Any]]] = {}

    def check_response(
        self, bot: Bot, method: TelegramMethod[Any], status_code: int, content: str
    ) -> Response[Any]:
        returning = method.__returning__
        if returning not in self._answer_types:
            self._answer_types[returning] = Response[returning]  # type: ignore[valid-type]
        return super().check_response(bot, method, status_code, content)


class InboxSession(KeepsAnswerTypes, AiohttpSession):
    """Keeps getUpdates' updates as Telegram sent them, for the inbox (aiogram's parsed
    objects hold placeholders that do not serialise back)."""

    def check_response(
        self, bot: Bot, method: TelegramMethod[Any], status_code: int, content: str
    ) -> Response[Any]:
        if not isinstance(method, GetUpdates):
            return super().check_response(bot, method, status_code, content)
        UNREADABLE.set(None)
        try:
            response = super().check_response(bot, method, status_code, content)
        except ClientDecodeError:
            # aiogram reads a batch whole: one update it cannot read would fail the batch at
            # every try, and polling would stop there for good
            readable, unreadable = _set_aside_unreadable(bot, content)
            if not unreadable:
                raise
            response = super().check_response(bot, method, status_code, readable)
            UNREADABLE.set(unreadable)
        RAW_UPDATES.set(json.loads(content).get("result") or [])
        return response


def _set_aside_unreadable(bot: Bot, content: str) -> tuple[str, dict[int, str]]:
    """The batch with each update aiogram cannot read replaced by a bare {"update_id": …}
    (so the next getUpdates still confirms it), and why each was unreadable (the fields and
    the kind of error, none of the values)."""
    try:
        data = json.loads(content)
        updates = data["result"]
        assert isinstance(updates, list)
    except (ValueError, KeyError, TypeError, AssertionError):
        return content, {}
    unreadable: dict[int, str] = {}
    for n, raw in enumerate(updates):
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        if not isinstance(update_id, int):
            return content, {}  # without its id it cannot be confirmed: nothing to mend
        try:
            Update.model_validate(raw, context={"bot": bot})
        except ValidationError as exc:
            unreadable[update_id] = why_unreadable(exc)
            updates[n] = {"update_id": update_id}
    return json.dumps(data), unreadable


def why_unreadable(exc: ValidationError) -> str:
    """Which fields aiogram could not read and how (none of the values: they may be personal)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc'])}: {error['type']}"
        for error in exc.errors()[:5]
    )


async def feed_raw(dp: Dispatcher, bot: Bot, inbox: Inbox, raw: dict[str, Any]) -> None:
    """`Dispatcher.feed_raw_update` for the webhook and the replay: an update aiogram cannot
    read is set aside (logged, kept among the failed updates, marked handled) instead of
    failing again at every start."""
    try:
        update = Update.model_validate(raw, context={"bot": bot})
    except ValidationError as exc:
        await inbox.set_aside(int(raw["update_id"]), why_unreadable(exc))
        return
    await dp.feed_update(bot, update)
