"""Forged button data changes nothing that is not the presser's: another resident's report
number, a staff action pressed by a resident in private, another's survey, another's duty,
another's following of an area. Each forged press gets the stale-button answer, and the
database says nothing changed."""

from __future__ import annotations

from typing import Any

from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually, onboard
from tests.e2e.test_staff import submit_report


async def test_forged_presses_change_nothing_of_anyone_else(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    owner = tg.user(9951, first_name="Owner", language_code="ru")
    other = tg.user(9952, first_name="Other", language_code="kk")
    await onboard(owner, "ru")
    await onboard(other, "kk")
    await submit_report(owner, "ru")
    await staff.next_message(timeout=10)
    await owner.send("/subscribe")
    await owner.next_message()
    await owner.send_location(42.300, 69.610)
    await owner.next_message()

    async def quiet() -> bool:  # what the steps above still send has been sent
        waiting = await db_of(
            "SELECT (SELECT count(*) FROM outbox WHERE state IN ('pending', 'in_flight'))"
            " + (SELECT count(*) FROM inbox WHERE handled_at IS NULL)"
        )
        return waiting[0][0] == 0

    assert await eventually(quiet)
    before = await snapshot(db_of)
    owner.unread(), other.unread()
    forged = [
        "mr:withdraw:1000",  # another's report
        "mr:open:1000",  # another's card: names, phone, history
        "st:take:1000:n",  # a staff action, in a private chat
        "st:resolve:1000:n",
        "sv:s:1000:no",  # another's satisfaction survey
        "sb:remove:1",  # another's following of an area
        "sb:alerts:1.0",
        "cs:1:0",  # a community survey never sent to them
        "du:accept:1",  # a duty never offered to them
        "hp:activate:1:a",
    ]
    for data in forged:
        query = await other.press_stale(data)
        answer = await other.answer_of(query)
        assert "ескірген" in (answer.get("text") or ""), (data, answer)
    assert await snapshot(db_of) == before, "nothing of anyone else changed"
    assert owner.unread() == [], "the owner is told nothing"
    told = {m.text for m in other.unread()}
    assert told <= {"Басты мәзір. Төмендегі батырмалар арқылы әрекетті таңдаңыз."}, told


async def snapshot(db_of: Any) -> list[Any]:
    return [
        [tuple(r) for r in await db_of("SELECT id, status, updated_at FROM reports")],
        [tuple(r) for r in await db_of("SELECT * FROM subscriptions")],
        [tuple(r) for r in await db_of("SELECT count(*) FROM report_events")],
        [tuple(r) for r in await db_of("SELECT count(*) FROM community_survey_answers")],
    ]
