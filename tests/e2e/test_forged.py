"""Forged button data changes nothing that is not the presser's: another resident's report
number, a staff action pressed by a resident in private, another's survey, another's duty,
another's following of an area. Each forged press gets the stale-button answer, and the
database says nothing changed."""

from __future__ import annotations

from typing import Any

from bot.domain.subscriptions import SubscriptionKind
from bot.telegram.callbacks import (
    CommunityCb,
    DutyCb,
    HelperCb,
    MyReportsCb,
    StaffCb,
    SubRemoveCb,
    SubSwitchCb,
    SurveyCb,
)
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import onboard, submit_report


async def quiet(db_of: Any) -> bool:
    """Every message the bot owes has been sent and every update handled."""
    waiting = await db_of(
        "SELECT (SELECT count(*) FROM outbox WHERE state IN ('pending', 'in_flight'))"
        " + (SELECT count(*) FROM inbox WHERE handled_at IS NULL)"
    )
    return waiting[0][0] == 0


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

    assert await eventually(lambda: quiet(db_of))  # what the steps above still send
    before = await snapshot(db_of)
    owner.unread(), other.unread()
    forged = [
        MyReportsCb(action="withdraw", value=1000).pack(),  # another's report
        MyReportsCb(action="open", value=1000).pack(),  # another's card: names, phone, history
        StaffCb(action="take", report=1000, seen="n").pack(),  # a staff action, in a private chat
        StaffCb(action="resolve", report=1000, seen="n").pack(),
        SurveyCb(step="s", report=1000, value="no").pack(),  # another's satisfaction survey
        SubRemoveCb(subscription=1).pack(),  # another's following of an area
        SubSwitchCb(kind=SubscriptionKind.ALERTS, subscription=1, on=False).pack(),
        CommunityCb(survey=1, option=0).pack(),  # a community survey never sent to them
        DutyCb(action="accept", duty=1).pack(),  # a duty never offered to them
        HelperCb(action="activate", helper=1, seen="a").pack(),
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


HUGE = "99999999999999999999"  # more than SQLite's INTEGER holds (2**63 - 1)
EDGE = str(2**63)  # the first number past it

#: every callback prefix that carries a number, forged with one SQLite cannot hold. The
#: presser sees the stale-button answer, never "something went wrong".
HUGE_PRESSES = [
    ("private", f"mr:open:{HUGE}"),
    ("private", f"mr:withdraw:{EDGE}"),
    ("private", f"mr:page:{HUGE}"),
    ("private", f"st:take:{HUGE}:n"),
    ("private", f"sv:s:{HUGE}:no"),
    ("private", f"sv:r:{HUGE}:5"),
    ("private", f"sv:c:{HUGE}:"),
    ("private", f"sb:remove:{HUGE}"),
    ("private", f"sb:alerts:{HUGE}.1"),
    ("private", f"sb:surveys:{EDGE}.0"),
    ("private", f"cs:{HUGE}:0"),
    ("private", f"cs:1:{HUGE}"),
    ("private", f"du:accept:{HUGE}"),
    ("private", f"du:decline:{HUGE}"),
    ("private", f"du:withdraw:{HUGE}"),
    ("private", f"du:here:{HUGE}"),
    ("private", f"du:out:{HUGE}"),
    ("private", f"hp:activate:{HUGE}:a"),
    ("private", f"cd:send:{HUGE}"),
    ("private", f"vo:day:{HUGE}"),
    ("private", f"pf:day:{HUGE}"),
    ("staff", f"st:take:{HUGE}:n"),
    ("staff", f"st:tp{HUGE}:1:n"),
    ("staff", f"st:dup{HUGE}:1:n"),
    ("staff", f"hp:activate:{HUGE}:a"),
    ("staff", f"hp:check:{EDGE}:p"),
    ("staff", f"cd:send:{HUGE}"),
    ("staff", f"cd:discard:{HUGE}"),
]

#: every staff command that takes a number, with one SQLite cannot hold (or a year the
#: calendar cannot reach), and the start of the answer: the command's own "not found" line,
#: or its usage where that is how it answers an unknown number too (a reply in the group at
#: all: a failure there is logged, and the officer is told nothing)
HUGE_COMMANDS = [
    (f"/card {HUGE}", "Мұндай хабарлама жоқ."),
    (f"/card №{EDGE}", "Мұндай хабарлама жоқ."),
    (f"/find {HUGE}", "/find командасын және хабарлама нөмірін"),
    (f"/find №{HUGE}", "/find командасын және хабарлама нөмірін"),
    (f"/assign {HUGE} me", "Хабарламаны әріптесіңізге беру үшін"),
    (f"/move {HUGE} mzhk", "/move командасын, хабарлама нөмірін"),
    (f"/priority {HUGE} high", "/priority командасын, хабарлама нөмірін"),
    (f"/duplicate {HUGE} 1", "/duplicate командасын, хабарлама нөмірін"),
    (f"/duplicate 1 {HUGE}", "/duplicate командасын, хабарлама нөмірін"),
    (f"/duty {HUGE}", "Мұндай кезекшілік жоқ."),
    (f"/duty {HUGE} phones", "Мұндай кезекшілік жоқ."),
    (f"/duty {HUGE}\nкөмекшілер: 2", "Мұндай кезекшілік жоқ."),
    (f"/duty\nкөмекшілер: {HUGE}", "Кезекшілік құрылмады:"),
    (f"/cancelduty {HUGE} storm", "/cancelduty командасын, кезекшілік нөмірін"),
    (f"/hours {HUGE} 1 3", "/hours әр көмекшінің"),
    (f"/hours 1 {HUGE} 3:30", "/hours әр көмекшінің"),
    ("/hours 0000-05", "/hours әр көмекшінің"),
    ("/hours 9999-12", "/hours әр көмекшінің"),
    (f"/noshow {HUGE} 1", "/noshow командасын, кезекшілік нөмірін"),
    (f"/noshow 1 {HUGE}", "/noshow командасын, кезекшілік нөмірін"),
    (f"/helper {HUGE}", "Мұндай өтінім жоқ."),
    (f"/survey {HUGE}", "Мұндай нөмірмен жіберілген сауалнама жоқ."),
    (f"/survey {HUGE} close", "Мұндай нөмірмен жіберілген сауалнама жоқ."),
    (f"/priorities remove {HUGE}", "Мұндай жарияланған басымдық жоқ."),
    (f"/priorities remove #{EDGE}", "Мұндай жарияланған басымдық жоқ."),
    (f"/template remove {HUGE}", "Мұндай дайын жауап жоқ."),
    (f"/ban {HUGE} spam", "/ban командасын, хабарлама нөмірін"),
    (f"/unban {HUGE}", "/unban командасын"),
    ("/stats 01.01.0001-01.01.0001", "/stats соңғы 7 күнді"),
    ("/stats 31.12.9999-31.12.9999", "/stats соңғы 7 күнді"),
]


async def test_numbers_past_what_sqlite_holds_are_unknown_numbers(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    admin = tg.user(9961, first_name="Admin", language_code="kk")
    staff.add_member(admin, admin=True)
    resident = tg.user(9962, first_name="Resident", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")
    post = await staff.next_message(timeout=10)
    assert await eventually(lambda: quiet(db_of))  # what the steps above still send
    resident.unread()

    for where, data in HUGE_PRESSES:
        if where == "private":
            query = await resident.press_stale(data)
        else:
            query = await staff.press_stale(admin, data, post)
        answer = await resident.answer_of(query)
        assert "ескірген" in (answer.get("text") or ""), (where, data, answer)

    for command, start in HUGE_COMMANDS:
        await staff.send(admin, command)
        reply = await staff.next_message(timeout=10)
        assert reply.text.startswith(start), (command, reply.text)

    assert [tuple(r) for r in await db_of("SELECT count(*) FROM failed_updates")] == [(0,)]
    assert [tuple(r) for r in await db_of("SELECT status FROM reports")] == [("new",)]
