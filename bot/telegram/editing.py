"""Edits that may legitimately find nothing to change (a double tap, a message gone)."""

from __future__ import annotations

import logging
from collections import OrderedDict

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InaccessibleMessage, InlineKeyboardMarkup, Message

log = logging.getLogger(__name__)

_HARMLESS = ("message is not modified", "message to edit not found", "message can't be edited")


class _Shown:
    """What this process last made a message show (a bounded memory). A second tap handled
    right after the first carries the message as it was before the first one's edit; without
    this, the bot would repeat the edit and Telegram would refuse it as not modified."""

    LIMIT = 4096

    def __init__(self) -> None:
        self._seen: OrderedDict[tuple[int, int], tuple[str, str]] = OrderedDict()

    def done(self, chat_id: int, message_id: int, before: str, after: str) -> bool:
        """Whether this very change (from `before`, as the press carries the message, to
        `after`) was made a moment ago: a change made since by anything else does not count."""
        return self._seen.get((chat_id, message_id)) == (before, after)

    def note(self, chat_id: int, message_id: int, before: str, after: str) -> None:
        self._seen[(chat_id, message_id)] = (before, after)
        self._seen.move_to_end((chat_id, message_id))
        while len(self._seen) > self.LIMIT:
            self._seen.popitem(last=False)


def _shown(message: Message) -> _Shown:
    """The memory of the bot this message came through: one per Bot object, so a bot started
    again, or a second bot in the same process (tests, the demo), starts with none. Not a
    global: message ids repeat across bots and test worlds."""
    bot = message.bot
    if bot is None:  # a message not bound to a bot: nothing to remember by
        return _Shown()
    memory = getattr(bot, "_sakshy_shown", None)
    if not isinstance(memory, _Shown):
        memory = _Shown()
        setattr(bot, "_sakshy_shown", memory)  # noqa: B010 (a private attribute of ours)
    return memory


def _fingerprint(text: str | None, markup: InlineKeyboardMarkup | None) -> str:
    keyboard = markup.model_dump_json(exclude_none=True) if markup is not None else ""
    return f"{text}\x00{keyboard}"


async def drop_inline_keyboard(message: Message | InaccessibleMessage | None) -> None:
    """Remove the buttons under a message; a second tap that finds them gone is fine."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    before = _fingerprint(message.html_text, message.reply_markup)
    after = _fingerprint(message.html_text, None)
    memory = _shown(message)
    if memory.done(message.chat.id, message.message_id, before, after):
        return  # removed a moment ago (a double tap)
    try:
        await message.edit_reply_markup(reply_markup=None)
    except TelegramBadRequest as exc:
        if not any(text in exc.message for text in _HARMLESS):
            raise
        log.debug("keyboard of message %s already gone: %s", message.message_id, exc.message)
    memory.note(message.chat.id, message.message_id, before, after)


async def clear_inline_keyboard(bot: Bot, chat_id: int, message_id: int) -> None:
    """Remove the buttons under a message known only by its id (gone or bare already: fine)."""
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
    except TelegramBadRequest as exc:
        if not any(text in exc.message for text in _HARMLESS):
            raise


async def set_inline_keyboard(
    bot: Bot, chat_id: int, message_id: int, markup: dict[str, object]
) -> None:
    """Change the buttons under a message; an identical keyboard is not an error."""
    try:
        await bot.edit_message_reply_markup(
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=InlineKeyboardMarkup.model_validate(markup),
        )
    except TelegramBadRequest as exc:
        if not any(text in exc.message for text in _HARMLESS):
            raise


async def edit_text(
    message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Show `text` in place of `message`; the same content again (a repeated tap) is fine."""
    if message.html_text == text and message.reply_markup == reply_markup:
        return  # Telegram would refuse an edit that changes nothing
    before = _fingerprint(message.html_text, message.reply_markup)
    shown = _fingerprint(text, reply_markup)
    memory = _shown(message)
    if memory.done(message.chat.id, message.message_id, before, shown):
        return  # made to show this a moment ago (a double tap)
    try:
        await message.edit_text(text, reply_markup=reply_markup)
    except TelegramBadRequest as exc:
        if not any(harmless in exc.message for harmless in _HARMLESS):
            raise
    memory.note(message.chat.id, message.message_id, before, shown)
