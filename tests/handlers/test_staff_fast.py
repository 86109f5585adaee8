"""A duty officer takes a report from the staff group, in-process: the resident hears in
their language, the post shows who took it, the database holds the new status."""

from __future__ import annotations

from typing import Any

from bot.testing.fake_telegram import FakeTelegram
from bot.testing.inprocess import InProcessBot
from tests.e2e.conftest import STAFF_CHAT
from tests.e2e.scenarios import onboard, submit_report


async def test_take_tells_the_resident_and_redraws_the_post(
    tg: FakeTelegram, bot: InProcessBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9399, first_name="Nurlan", last_name="Ospanov", language_code="kk")
    staff.add_member(officer)
    resident = tg.user(9301, first_name="Aliya", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru")
    post = await staff.next_message()
    await tg.wait_for(lambda: bool(post.buttons))
    query = await staff.press(officer, post, text="🙋 Қарауға алу")
    assert (await officer.answer_of(query))["text"] == "Орындалды."
    notice = await resident.next_message()
    assert notice.text.startswith("Ваше сообщение № 1000 принято в работу")
    await tg.wait_for(lambda: bool(post.edits))
    assert "Nurlan Ospanov" in staff.messages[-1].text or "Nurlan Ospanov" in post.text
    assert [tuple(r) for r in await db_of("SELECT status, officer_id FROM reports")] == [
        ("taken", 9399)
    ]


async def test_a_resident_cannot_reach_a_staff_button(tg: FakeTelegram, bot: InProcessBot) -> None:
    """The staff area checks the chat and the role before any handler: a forged press of the
    staff post's button in a private chat is answered as a stale button and changes nothing."""
    staff = tg.group(STAFF_CHAT)
    resident = tg.user(9302, first_name="Dana", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")
    post = await staff.next_message()
    await tg.wait_for(lambda: bool(post.buttons))
    take = next(b["callback_data"] for b in post.buttons if b["text"] == "🙋 Қарауға алу")
    query = await resident.press_stale(take)
    answer = await resident.answer_of(query)
    assert answer.get("text")  # a clear answer, never silence
    assert not post.edits
