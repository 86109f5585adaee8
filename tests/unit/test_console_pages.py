"""The console's sign-in page before Telegram is reached: no Login Widget (its bot name is not
known yet), the page itself still served, in the asked language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import GetMe
from aiohttp.test_utils import make_mocked_request

from bot.i18n import build_i18n
from bot.web.console import Console


class Unreachable:
    async def me(self) -> Any:
        raise TelegramNetworkError(method=GetMe(), message="Request timeout error")


async def test_the_sign_in_page_without_telegram_has_no_widget() -> None:
    console = Console(
        bot=Unreachable(),  # type: ignore[arg-type]
        token="1:token",
        i18n=build_i18n("kk"),
        chats=None,  # type: ignore[arg-type]
        gate=None,  # type: ignore[arg-type]
        console=None,  # type: ignore[arg-type]
        desk=None,  # type: ignore[arg-type]
        reports=None,  # type: ignore[arg-type]
        referrals=None,  # type: ignore[arg-type]
        directory=None,  # type: ignore[arg-type]
        renderer=None,  # type: ignore[arg-type]
        categories=(),
        clock=lambda: datetime(2026, 12, 7, tzinfo=UTC),
        default_locale="kk",
        auth_max_age=timedelta(days=1),
        session_hours=8,
    )
    request = make_mocked_request("GET", "/console/?lang=ru")
    page = await console.queue(request)
    assert page.status == 200
    assert page.text is not None
    assert "Откройте консоль из бота в Telegram" in page.text
    assert "telegram-widget.js" not in page.text and "telegram-web-app.js" in page.text
