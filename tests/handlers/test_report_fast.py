"""The report wizard and the staff's first press, in-process: what the resident and the duty
officer see, and what the database holds."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from aiogram import Dispatcher
from aiogram.dispatcher.event import handler as handler_module

from bot import telegram
from bot.telegram.filters import _callables, run_inline
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.inprocess import InProcessBot
from tests.e2e.conftest import STAFF_CHAT
from tests.e2e.scenarios import onboard, submit_report


async def test_a_report_reaches_the_staff_and_the_resident_gets_a_receipt(
    tg: FakeTelegram, bot: InProcessBot, db_of: Any
) -> None:
    user = tg.user(9101, first_name="Aigerim", language_code="kk")
    await onboard(user, "kk")
    receipt = await submit_report(
        user, "kk", description="Түнде қатты музыка <b>", address="Тұран 12"
    )
    assert "№ 1000" in receipt.text
    rows = await db_of("SELECT id, status, description FROM reports")
    assert [tuple(r) for r in rows] == [(1000, "new", "Түнде қатты музыка <b>")]
    staff = tg.groups[STAFF_CHAT]
    await tg.wait_for(lambda: any("№ 1000" in m.text for m in staff.messages))
    post = next(m for m in staff.messages if "№ 1000" in m.text and m.reply_markup)
    assert "&lt;b&gt;" not in post.text and "<b>" in post.text  # escaped on the wire, read back


async def test_no_filter_is_sent_to_a_thread(
    tg: FakeTelegram, bot: InProcessBot, monkeypatch: Any
) -> None:
    """aiogram runs a plain callable (a magic filter, a lambda) through `asyncio.to_thread`,
    a thread round trip per check; the bot makes them coroutines (`run_inline`)."""
    sent: list[Any] = []

    async def to_thread(func: Any, /, *args: Any, **kwargs: Any) -> Any:
        sent.append(func)
        return func(*args, **kwargs)

    monkeypatch.setattr(handler_module, "asyncio", SimpleNamespace(to_thread=to_thread))
    user = tg.user(9102, first_name="Dana", language_code="ru")
    await onboard(user, "ru")
    await submit_report(user, "ru", description="Шум во дворе", address="Тұран 12")
    staff = tg.groups[STAFF_CHAT]
    await tg.wait_for(lambda: any("№ 1000" in m.text for m in staff.messages))
    assert sent == []


def test_run_inline_turns_every_plain_callable_into_a_coroutine() -> None:
    dp = Dispatcher()
    dp.include_routers(*telegram.routers())
    plain = [c for c in _callables(dp) if not c.awaitable]
    assert len(plain) > 10  # the routers' magic filters: what aiogram would send to a thread
    assert run_inline(dp) == len(plain)
    assert all(c.awaitable for c in _callables(dp))
    assert run_inline(dp) == 0
