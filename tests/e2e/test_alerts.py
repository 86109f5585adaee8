"""Operational alerts through the real bot: removed from the staff group, the bot tells the
group's administrators in private, in their language, once per episode; the log says it too."""

from __future__ import annotations

import logging

import pytest

from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import onboard


async def test_removed_from_the_staff_group_the_admins_are_told_in_private(
    tg: FakeTelegram, bot: RunningBot, db_of: object, caplog: pytest.LogCaptureFixture
) -> None:
    staff = tg.group(STAFF_CHAT)
    kk_admin = tg.user(9901, first_name="Aidos", language_code="kk")
    ru_admin = tg.user(9902, first_name="Oleg", language_code="ru")
    silent = tg.user(9903, first_name="Nobody", language_code="ru")  # never wrote to the bot
    member = tg.user(9904, first_name="Member", language_code="ru")
    await onboard(kk_admin, "kk")
    await onboard(ru_admin, "ru")
    await onboard(member, "ru")
    for user in (kk_admin, ru_admin, silent):
        staff.add_member(user, admin=True)
    staff.add_member(member)
    assert bot.app is not None
    await bot.app._refresh_staff_admins()  # at start and hourly

    with caplog.at_level(logging.ERROR):
        staff.kick_bot()
        told_kk = await kk_admin.next_message(timeout=10)
        told_ru = await ru_admin.next_message(timeout=10)
    assert told_kk.text.startswith("⚠️ Сақшы кезекші бөлім тобынан шығарылды")
    assert told_ru.text.startswith("⚠️ Сақшы удалён из группы дежурной части")
    assert member.unread() == [], "administrators only"
    assert "no longer in the staff group" in caplog.text

    staff.set_bot_admin()  # added back, then removed again: a new episode, a new alert
    rows = await eventually(lambda: _no_alert(db_of))
    assert rows
    staff.kick_bot()
    assert (await kk_admin.next_message(timeout=10)).text.startswith("⚠️ Сақшы")


async def _no_alert(db_of: object) -> bool:
    rows = await db_of("SELECT kind FROM ops_alerts")  # type: ignore[operator]
    return rows == []
