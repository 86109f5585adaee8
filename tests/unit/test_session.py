"""The bot's session: what it adds to aiogram's reading of Telegram's answers."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage, SetMessageReaction
from pydantic._internal import _generics

from bot.telegram.session import InboxSession


async def test_answer_types_are_built_once_whatever_the_garbage_collector_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pydantic keeps `Response[bool]` and its kin only weakly: without a reference of our
    own, a collection drops them and the next request builds them again."""
    built: list[str] = []
    create = _generics.create_generic_submodel

    def counting(name: str, *args: Any, **kwargs: Any) -> Any:
        built.append(name)
        return create(name, *args, **kwargs)

    monkeypatch.setattr(_generics, "create_generic_submodel", counting)
    session = InboxSession()
    bot = Bot("42:TEST", session=session)
    message = (
        '{"ok": true, "result": {"message_id": 7, "date": 1, "chat": {"id": 5, "type":'
        ' "private"}, "text": "x"}}'
    )
    try:
        for _ in range(3):
            reaction = SetMessageReaction(chat_id=5, message_id=7)
            assert session.check_response(bot, reaction, 200, '{"ok": true, "result": true}')
            sent = session.check_response(bot, SendMessage(chat_id=5, text="x"), 200, message)
            assert sent.result.message_id == 7
            gc.collect()
    finally:
        await session.close()
    assert built.count("Response[bool]") <= 1 and built.count("Response[Message]") <= 1
