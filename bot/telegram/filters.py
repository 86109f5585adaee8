"""Filters shared by the features: reply buttons in every language, the first contact, a
press on a message the bot can still edit."""

from __future__ import annotations

from typing import Any

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
