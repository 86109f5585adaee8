"""The bot's session: what it adds to aiogram's reading of Telegram's answers."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendMessage, SetMessageReaction
from aiogram.types import Message, MessageId
from pydantic._internal import _generics

from bot.telegram.sender import message_id_of
from bot.telegram.session import DELIVERY_WORKER, InboxSession


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


async def test_the_delivery_worker_reads_only_the_message_id_and_errors_in_full() -> None:
    session = InboxSession()
    bot = Bot("42:TEST", session=session)
    sent = (
        '{"ok": true, "result": {"message_id": 7, "date": 1, "chat": {"id": 5, "type":'
        ' "private"}, "text": "x", "reply_to_message": {"message_id": 3, "date": 1,'
        ' "chat": {"id": 5, "type": "private"}, "text": "y"}}}'
    )
    album = '{"ok": true, "result": [{"message_id": 8}, {"message_id": 9}]}'
    refused = '{"ok": false, "error_code": 400, "description": "Bad Request: chat not found"}'
    method = SendMessage(chat_id=5, text="x")
    try:
        outside = session.check_response(bot, method, 200, sent).result
        assert isinstance(outside, Message) and outside.reply_to_message is not None
        token = DELIVERY_WORKER.set(True)
        try:
            lean = session.check_response(bot, method, 200, sent).result
            assert type(lean) is MessageId and message_id_of(lean) == 7
            many = session.check_response(bot, method, 200, album).result
            assert message_id_of(many) == 8
            with pytest.raises(TelegramBadRequest, match="chat not found"):
                session.check_response(bot, method, 400, refused)
        finally:
            DELIVERY_WORKER.reset(token)
    finally:
        await session.close()
