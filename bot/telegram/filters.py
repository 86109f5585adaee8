"""Filters shared by the features: reply buttons in every language, the first contact, a
press on a message the bot can still edit; and `run_inline`, which keeps aiogram from sending
plain (synchronous) filters to a thread."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import CallableObject
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.i18n import all_translations


class ButtonFilter(Filter):
    """Matches a reply-keyboard button by its label in any of the bot's languages."""

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid

    async def __call__(self, message: Message, i18n: I18n) -> bool:
        return message.text is not None and message.text in all_translations(i18n, self.msgid)


class FirstContact(Filter):
    """The first update we ever got from this user (set by UserMiddleware)."""

    async def __call__(self, message: Message, first_contact: bool = False) -> bool:
        return first_contact


class OnMessage(Filter):
    """The press came from a message the bot can still read and edit (not one too old for
    Telegram to send back), passed on to the handler as `message`."""

    async def __call__(self, query: CallbackQuery) -> bool | dict[str, Any]:
        return {"message": query.message} if isinstance(query.message, Message) else False


def run_inline(router: Router) -> int:
    """Makes every plain callable under `router` (a magic filter such as `F.chat.type ==
    "private"`, a lambda, a plain function) run on the event loop, as a coroutine.

    aiogram sends any callable that is not a coroutine function to a thread
    (`asyncio.to_thread`), once per check: a relayed reply passed about forty such checks,
    each a round trip to a worker thread, and that cost more CPU than the handler itself.
    Our filters only read the update, so they run inline. A filter that must block belongs
    in an async `Filter` with its own thread. Returns how many callables it changed; call it
    once the routers are all included."""
    changed = 0
    for callable_ in _callables(router):
        if not callable_.awaitable:
            callable_.callback = _as_coroutine(callable_.callback)
            callable_.awaitable = True
            changed += 1
    return changed


def _callables(router: Router) -> Iterator[CallableObject]:
    for each in router.chain_tail:
        for observer in each.observers.values():
            for handler in [observer._handler, *observer.handlers]:  # root filters, handlers
                yield handler
                yield from handler.filters or ()


def _as_coroutine(callback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(callback, updated=())
    async def inline(*args: Any, **kwargs: Any) -> Any:
        return callback(*args, **kwargs)

    return inline
