"""The fake's setMessageReaction: Telegram's emoji set only, on messages that exist."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import ReactionTypeEmoji

from bot.testing.fake_telegram import FakeTelegram

TOKEN = "42:REACTIONS-test-token"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    telegram = FakeTelegram(token=TOKEN, rate_limits=False)
    await telegram.start()
    yield telegram
    await telegram.stop()


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.url))
    client = Bot(TOKEN, session=session)
    yield client
    await session.close()


@pytest.mark.parametrize(
    ("emoji", "message_id", "error"),
    [
        ("✅", None, "Bad Request: REACTION_INVALID"),
        ("✓", None, "Bad Request: REACTION_INVALID"),
        ("👌", 999, "Bad Request: message to react not found"),
    ],
)
async def test_refused_reactions(
    fake: FakeTelegram, bot: Bot, emoji: str, message_id: int | None, error: str
) -> None:
    group = fake.group(-100777, title="Duty")
    officer = fake.user(5, first_name="Officer")
    sent = await group.send(officer, "hello")
    with fake.expect_refusal(error), pytest.raises(TelegramBadRequest) as refused:
        await bot.set_message_reaction(
            -100777, message_id or sent["message_id"], [ReactionTypeEmoji(emoji=emoji)]
        )
    assert refused.value.message == error


async def test_an_allowed_reaction_is_kept(fake: FakeTelegram, bot: Bot) -> None:
    group = fake.group(-100778, title="Duty")
    sent = await group.send(fake.user(6, first_name="Officer"), "hello")
    assert await bot.set_message_reaction(
        -100778, sent["message_id"], [ReactionTypeEmoji(emoji="👌")]
    )
    assert fake.reactions[(-100778, sent["message_id"])] == ["👌"]
