"""A strict fake of the Telegram Bot API for e2e tests and ``sakshy demo``.

It speaks the Bot API over HTTP (aiogram connects to it with ``TelegramAPIServer.from_base``),
simulates users and groups, and refuses every call that breaks one of Telegram's rules with
the exact error the real server gives.  See README.md beside this file.
"""

from .errors import ApiError, TelegramRefusal
from .ratelimit import RateLimits
from .server import ApiCall, FakeTelegram, RefusalExpectation
from .world import BotMessage, FakeGroup, FakeUser, NoMessageError

__all__ = [
    "ApiCall",
    "ApiError",
    "BotMessage",
    "FakeGroup",
    "FakeTelegram",
    "FakeUser",
    "NoMessageError",
    "RateLimits",
    "RefusalExpectation",
    "TelegramRefusal",
]
