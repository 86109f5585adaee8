"""The report wizard and the staff's first press, in-process: what the resident and the duty
officer see, and what the database holds."""

from __future__ import annotations

from typing import Any

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
