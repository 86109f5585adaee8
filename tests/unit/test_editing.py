"""Edits that may find nothing to change: a double tap is not edited twice, and what one bot
remembers does not stop another (a bot started again, the demo twice in one process)."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.telegram.editing import drop_inline_keyboard

TOKEN = "42:TEST-token-for-editing"


class RecordingBot(Bot):
    """Answers every request with success and remembers what was asked."""

    def __init__(self) -> None:
        super().__init__(TOKEN)
        self.asked: list[str] = []

    async def __call__(
        self, method: TelegramMethod[Any], request_timeout: int | None = None
    ) -> Any:
        self.asked.append(type(method).__name__)
        return True


def offer(bot: Bot) -> Message:
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Accept", callback_data="dt:accept:1")]]
    )
    message = Message.model_validate(
        {
            "message_id": 7,
            "date": 0,
            "chat": {"id": 100, "type": "private"},
            "text": "A duty",
            "reply_markup": keyboard.model_dump(exclude_none=True),
        }
    )
    return message.as_(bot)


async def test_a_double_tap_edits_once() -> None:
    bot = RecordingBot()
    await drop_inline_keyboard(offer(bot))
    await drop_inline_keyboard(offer(bot))  # the second press carries the message as it was
    assert bot.asked == ["EditMessageReplyMarkup"]


async def test_another_bot_with_the_same_token_remembers_nothing_of_the_first() -> None:
    first, second = RecordingBot(), RecordingBot()
    await drop_inline_keyboard(offer(first))
    await drop_inline_keyboard(offer(second))  # same chat, same message id, a new world
    assert first.asked == second.asked == ["EditMessageReplyMarkup"]
