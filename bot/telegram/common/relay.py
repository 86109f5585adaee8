"""A Telegram message as the report services relay it (`Relayed`): where it is, its kind, and
its text or caption with the formatting kept, escaped as HTML."""

from __future__ import annotations

from aiogram.enums import ContentType
from aiogram.types import Message

from bot.services.reports import Relayed


def relayed(message: Message) -> Relayed:
    words = message.text if message.text is not None else message.caption
    return Relayed(
        chat_id=message.chat.id,
        message_id=message.message_id,
        content_type=ContentType(message.content_type).value,
        html=message.html_text if words else None,
        length=len(words or ""),
    )
