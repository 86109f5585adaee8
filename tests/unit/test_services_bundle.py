"""Handlers get the services by the names of `Services`' fields (aiogram passes the
Dispatcher's data by keyword): a misspelt parameter fails here, not at a resident's press."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import fields

from aiogram import Dispatcher, Router

from bot import telegram
from bot.bootstrap import Services

#: what a handler may ask for that is not a service: aiogram's own (the bot, the FSM context,
#: a Command or CallbackData filter's result), the UserMiddleware's stored user, and what
#: the filters of bot/telegram hand on (helpers_staff's typed-reply filter)
NOT_SERVICES = {"bot", "state", "command", "callback_data", "user", "asked"}
#: what the filters of the routers hand on: the press's message when it is readable (OnMessage
#: and the helper's routers), and the helper whose /profile card was pressed
NOT_SERVICES |= {"message", "helper"}
#: the staff posts' OnItsPost filter: the pressed report and the status its post showed
NOT_SERVICES |= {"report", "seen"}
#: an outside body's answer: the referral whose question it replies to (AnswerToBot)
NOT_SERVICES |= {"referral_id"}
#: a supervisor's reply in the complaints chat: the complaint, and answer or message (ReplyToBot)
NOT_SERVICES |= {"complaint_id", "what"}


def handlers(router: Router) -> Iterator[tuple[str, str]]:
    """(handler, parameter) for every parameter a handler needs (not its event, no default)."""
    for observer in router.observers.values():
        for handler in observer.handlers:
            callback = handler.callback
            params = list(inspect.signature(callback).parameters.values())[1:]
            for param in params:
                if param.kind is param.VAR_KEYWORD or param.default is not param.empty:
                    continue
                yield f"{callback.__module__}.{callback.__qualname__}", param.name
    for sub in router.sub_routers:
        yield from handlers(sub)


def test_every_handler_parameter_is_provided() -> None:
    dp = Dispatcher()
    dp.include_routers(*telegram.routers())
    provided = {f.name for f in fields(Services)} | {"services"} | NOT_SERVICES
    found = list(handlers(dp))
    assert len(found) > 100, "the walk sees the real handlers"
    assert [f"{where}: {name}" for where, name in found if name not in provided] == []


def test_the_bundle_is_the_dispatchers_data() -> None:
    """Each service by its field's name, and the whole bundle as `services`."""
    values = {f.name: object() for f in fields(Services)}
    services = Services(**values)  # type: ignore[arg-type]
    assert services.workflow_data() == {**values, "services": services}
