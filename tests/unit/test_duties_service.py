"""The duty service against a real SQLite database: waves go to free, active helpers of the
precincts only (nearest first, a few per seat), seats fill first come first served even under
concurrent accepts on separate connections, a full duty closes its open offers, withdrawal
re-offers the seat, reminders and hours follow."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.directory_file import parse_directory
from bot.domain.duties import (
    Duty,
    DutyCandidate,
    DutyDraft,
    DutyOffer,
    MeetingPoint,
    OfferState,
)
from bot.domain.helpers import HelperAction, HelperDraft
from bot.domain.outbox import NewMessage
from bot.domain.refs import Ref
from bot.resources import demo_directory_path
from bot.services.duties import Answer, CheckIn, DutyRules, DutyService
from bot.services.export import ExportService
from bot.services.followups import FollowUps
from bot.services.helpers import HelperRules, HelperService
from bot.services.outbox import Outbox
from bot.services.stats import Period
from bot.services.users import UserService
from bot.storage.db import Database
from bot.testing.timeouts import scaled
from tests.conftest import FixedClock
from tests.unit.test_helpers_service import Renderer as HelperRenderer

STAFF = -1001
DIRECTORY, _ = parse_directory(demo_directory_path().read_text("utf-8"), "demo")
assert DIRECTORY is not None
# Saturday 28.11.2026, 18:00–21:00 in Almaty
STARTS = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)


class Renderer:
    """Messages as data."""

    def post(self, duty: Duty, offers: list[DutyOffer]) -> NewMessage:
        return NewMessage(STAFF, "sendMessage", {"text": "post"}, ref=Ref.duty(duty.id, "post"))

    def post_payload(self, duty: Duty, offers: list[DutyOffer]) -> dict[str, Any]:
        accepted = sum(o.state is OfferState.ACCEPTED for o in offers)
        return {"text": f"{accepted} accepted"}

    def offer(self, duty: Duty, helper: DutyCandidate, free: int) -> NewMessage:
        return NewMessage(
            helper.user_id,
            "sendMessage",
            {"text": f"offer {duty.id} {helper.language}"},
            ref=Ref.duty(duty.id, "offer", helper.id),
            priority=1,
        )

    def offer_closed(self, duty: Duty, offer: DutyOffer, why: str) -> NewMessage:
        return NewMessage(
            offer.user_id,
            "editMessageText",
            {"message_id": offer.message_id, "text": why},
            ref=Ref.duty(duty.id, "closed", offer.helper_id),
        )

    def accepted_changed(self, duty: Duty, offer: DutyOffer, what: str) -> NewMessage:
        return NewMessage(offer.user_id, "sendMessage", {"text": what}, ref=Ref.duty(duty.id, "x"))

    def reminder(self, duty: Duty, offer: DutyOffer, hours: int) -> list[NewMessage]:
        return [
            NewMessage(
                offer.user_id,
                "sendMessage",
                {"text": f"remind {hours}"},
                ref=Ref.duty(duty.id, "x"),
            )
        ]

    def start_prompt(self, duty: Duty, offer: DutyOffer) -> NewMessage:
        return NewMessage(
            offer.user_id, "sendMessage", {"text": "start"}, ref=Ref.duty(duty.id, "x")
        )

    def short_of(self, duty: Duty, free: int) -> NewMessage:
        return NewMessage(
            STAFF, "sendMessage", {"text": f"short {free}"}, ref=Ref.duty(duty.id, "short")
        )

    def end_prompt(self, duty: Duty, offer: DutyOffer) -> NewMessage:
        return NewMessage(offer.user_id, "sendMessage", {"text": "end"}, ref=Ref.duty(duty.id, "x"))


def duties_of(db: Database, clock: FixedClock, **rules: Any) -> tuple[DutyService, FollowUps]:
    async def staff() -> int:
        return STAFF

    followups = FollowUps(db, clock)
    service = DutyService(
        db,
        Outbox(clock),
        clock,
        Renderer(),
        followups,
        lambda: DIRECTORY,
        staff,
        DutyRules(**rules),
    )
    return service, followups


async def active_helper(
    db: Database,
    clock: FixedClock,
    user_id: int,
    precincts: tuple[str, ...] = ("mzhk",),
    days: tuple[int, ...] = (5,),
    bands: tuple[str, ...] = ("evening",),
    language: str = "kk",
) -> int:
    """A helper through the real pipeline: applied, checked, registered, active."""

    async def staff() -> int:
        return STAFF

    users = UserService(db, clock, "kk")
    await users.seen(user_id, language)
    user = await users.get_required(user_id)
    helpers = HelperService(
        db,
        Outbox(clock),
        clock,
        HelperRenderer(),
        staff,
        lambda: {"mzhk", "zhd-vokzal", "yubileyny", "koksay-1"},
        HelperRules(),
    )
    draft = HelperDraft(
        "Серікбаев Ерлан", date(1990, 1, 5), "900105300128", "+77001234567",
        precincts, days, bands, "",
    )  # fmt: skip
    helper = await helpers.apply(user, draft, date(2026, 11, 21))
    officer = {"officer_id": 1, "officer_name": "Officer"}
    await helpers.act(helper.id, HelperAction.CHECK, **officer)
    await helpers.act(
        helper.id, HelperAction.REGISTER, registration=("ҚК-1", "25.11.2026"), **officer
    )
    await helpers.act(helper.id, HelperAction.ACTIVATE, **officer)
    return helper.id


def draft(
    seats: int = 2, precincts: tuple[str, ...] = ("mzhk",), starts: datetime = STARTS
) -> DutyDraft:
    point = DIRECTORY.point("mpp-zhd")
    assert point is not None
    return DutyDraft(
        starts, starts + timedelta(hours=3), precincts,
        MeetingPoint(point.latitude, point.longitude, "МПП", point.id), seats,
        "Patrol", "Капитан Серікбаев", "+77011234567",
    )  # fmt: skip


async def offered_to(db: Database, duty_id: int) -> list[int]:
    async with db.read() as conn:
        rows = await (
            await conn.execute(
                "SELECT user_id FROM duty_offers WHERE duty_id = ? AND state = 'offered'"
                " ORDER BY user_id",
                (duty_id,),
            )
        ).fetchall()
    return [r[0] for r in rows]


async def outbox_texts(db: Database, chat_id: int) -> list[str]:
    async with db.read() as conn:
        rows = await (
            await conn.execute(
                "SELECT payload FROM outbox WHERE chat_id = ? AND state = 'pending'"
                " AND ref LIKE 'duty:%' ORDER BY id",
                (chat_id,),
            )
        ).fetchall()
    return [json.loads(r[0])["text"] for r in rows]


async def test_a_wave_goes_to_free_active_helpers_of_the_precincts_only(
    db: Database, clock: FixedClock
) -> None:
    await active_helper(db, clock, 101)  # mzhk, Saturday evenings: yes
    await active_helper(db, clock, 102, precincts=("koksay-1",))  # elsewhere
    await active_helper(db, clock, 103, days=(0,))  # Mondays only
    await active_helper(db, clock, 104, bands=("morning",))  # mornings only
    await active_helper(db, clock, 105, language="ru")  # yes, in Russian
    duties, followups = duties_of(db, clock)
    duty = await duties.create(draft(seats=1), 1, "Officer")
    await followups.run_due()
    assert await offered_to(db, duty.id) == [101, 105]
    assert await outbox_texts(db, 105) == [f"offer {duty.id} ru"]
    async with db.read() as conn:
        row = await (
            await conn.execute(
                "SELECT priority FROM outbox WHERE chat_id = 101 AND ref LIKE 'duty:%:offer:%'"
            )
        ).fetchone()
    assert row[0] == 1, "offers wait behind what residents wait for"


async def test_waves_are_a_few_per_seat_and_the_next_one_comes_later(
    db: Database, clock: FixedClock
) -> None:
    for n in range(10):
        await active_helper(db, clock, 200 + n)
    duties, followups = duties_of(db, clock, wave_factor=3)
    duty = await duties.create(draft(seats=2), 1, "Officer")
    await followups.run_due()
    first = await offered_to(db, duty.id)
    assert len(first) == 6
    await followups.run_due()
    assert len(await offered_to(db, duty.id)) == 6, "not before the next wave's time"
    for user_id in first[:3]:
        assert (await duties.answer(user_id, duty.id, accept=False)).answer is Answer.DECLINED
    clock.now += timedelta(minutes=31)
    await followups.run_due()
    assert len(await offered_to(db, duty.id)) == 6, "three more to keep six open for two seats"


async def test_exactly_as_many_accepts_win_as_there_are_seats_across_connections(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    for n in range(12):
        await active_helper(db, clock, 300 + n)
    duties, followups = duties_of(db, clock, wave_factor=4)
    duty = await duties.create(draft(seats=3), 1, "Officer")
    await followups.run_due()
    users = await offered_to(db, duty.id)
    assert len(users) == 12
    others = []
    for _ in users:  # one connection (one Database) per helper, like separate processes
        other = Database(db.path)
        await other.connect()
        others.append(other)
    try:
        outcomes = await asyncio.gather(
            *(
                duties_of(o, clock)[0].answer(u, duty.id, accept=True)
                for o, u in zip(others, users, strict=True)
            )
        )
    finally:
        for other in others:
            await other.close()
    answers = [o.answer for o in outcomes]
    assert answers.count(Answer.ACCEPTED) == 3
    assert answers.count(Answer.FULL) == 9
    async with db.read() as conn:
        states = dict(
            await (
                await conn.execute("SELECT state, COUNT(*) FROM duty_offers GROUP BY state")
            ).fetchall()
        )
    assert states == {"accepted": 3, "closed": 9}


async def test_a_full_duty_closes_its_offers_and_a_withdrawal_offers_the_seat_again(
    db: Database, clock: FixedClock
) -> None:
    for n in range(4):
        await active_helper(db, clock, 400 + n)
    duties, followups = duties_of(db, clock, wave_factor=3)
    duty = await duties.create(draft(seats=1), 1, "Officer")
    await followups.run_due()
    first, second, third = await offered_to(db, duty.id)
    async with db.transaction() as conn:  # the offer to `second` reached them as message 77
        await conn.execute("UPDATE duty_offers SET message_id = 77 WHERE user_id = ?", (second,))
        await conn.execute("UPDATE outbox SET state = 'done' WHERE chat_id = ?", (second,))
    assert (await duties.answer(first, duty.id, accept=True)).answer is Answer.ACCEPTED
    assert await outbox_texts(db, second) == ["full"], "the delivered offer is edited"
    assert await outbox_texts(db, third) == [], "the undelivered one is not sent at all"
    assert (await duties.answer(second, duty.id, accept=True)).answer is Answer.FULL
    assert (await duties.answer(first, duty.id, accept=True)).answer is Answer.ALREADY

    # reminders, the "I'm here" prompt and the end are planned for the one on duty
    async with db.read() as conn:
        planned = await (
            await conn.execute(
                "SELECT kind, subject FROM followups WHERE state = 'pending'"
                " AND kind NOT IN ('duty_wave', 'duty_short') ORDER BY due_at"
            )
        ).fetchall()
    helper = (await duties.card(duty.id))[1][0].helper_id  # type: ignore[index]
    assert [tuple(r) for r in planned] == [
        ("duty_remind", f"duty:{duty.id}:{helper}:24"),
        ("duty_remind", f"duty:{duty.id}:{helper}:1"),
        ("duty_start", f"duty:{duty.id}:{helper}"),
        ("duty_end", f"duty:{duty.id}"),
        ("duty_close", f"duty:{duty.id}"),
    ]

    # giving the seat back: allowed until 12 hours before, then the seat is offered again
    assert (await duties.withdraw(first, duty.id)).answer is Answer.WITHDRAWN
    await followups.run_due()
    again = await offered_to(db, duty.id)
    assert second in again and first not in again, "the closed ones are asked again"
    assert (await duties.answer(second, duty.id, accept=True)).answer is Answer.ACCEPTED
    clock.now = STARTS - timedelta(hours=11)
    assert (await duties.withdraw(second, duty.id)).answer is Answer.TOO_LATE


async def test_check_in_out_and_the_hours_with_their_cap(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    await active_helper(db, clock, 501)
    duties, followups = duties_of(db, clock)
    duty = await duties.create(draft(seats=1), 1, "Officer")
    await followups.run_due()
    await duties.answer(501, duty.id, accept=True)
    clock.now = STARTS - timedelta(hours=1)
    assert (await duties.check_in(501, duty.id))[0] is CheckIn.NOT_YET
    clock.now = STARTS - timedelta(minutes=10)
    await followups.run_due()  # the reminders and the prompt
    assert await outbox_texts(db, 501) == [
        f"offer {duty.id} kk",
        "remind 24",
        "remind 1",
        "start",
    ]
    assert (await duties.check_in(501, duty.id))[0] is CheckIn.DONE
    assert (await duties.check_in(501, duty.id))[0] is CheckIn.ALREADY
    located = await duties.located(501, 42.3001, 69.6102)
    assert located is not None and located[1] > 0
    clock.now = STARTS + timedelta(hours=2, minutes=30)
    minutes, _ = await duties.check_out(501, duty.id)
    assert minutes == 150, "counted from the start, not from the early check-in"
    assert await duties.minutes_served(501) == 150
    rows = await duties.hours(STARTS - timedelta(days=1), STARTS + timedelta(days=1))
    assert [(r.duties, r.minutes) for r in rows] == [(1, 150)]
    assert [(t.duty.id, t.state, t.minutes) for t in await duties.mine(501)] == [
        (duty.id, OfferState.ACCEPTED, 150)
    ]
    export = ExportService(db, clock, ZoneInfo("Asia/Almaty"))
    path = tmp_path / "hours.csv"
    day = STARTS.date()
    assert await export.hours(Period(day, day), path) == 1
    lines = path.read_text("utf-8-sig").splitlines()
    assert lines[1] == f"{rows[0].helper_id};Серікбаев Ерлан;1;0;150"


async def test_a_forgotten_check_out_ends_at_the_duty_end(db: Database, clock: FixedClock) -> None:
    await active_helper(db, clock, 601)
    duties, followups = duties_of(db, clock)
    duty = await duties.create(draft(seats=1), 1, "Officer")
    await followups.run_due()
    await duties.answer(601, duty.id, accept=True)
    clock.now = STARTS + timedelta(minutes=30)
    await duties.check_in(601, duty.id)
    clock.now = STARTS + timedelta(hours=7)
    await followups.run_due()
    assert await duties.minutes_served(601) == 150


async def test_cancelling_tells_those_on_duty_and_closes_the_rest(
    db: Database, clock: FixedClock
) -> None:
    await active_helper(db, clock, 701)
    await active_helper(db, clock, 702)
    duties, followups = duties_of(db, clock)
    duty = await duties.create(draft(seats=1), 1, "Officer")
    await followups.run_due()
    await duties.answer(701, duty.id, accept=True)
    assert await duties.cancel(duty.id, "storm") is not None
    assert await duties.cancel(duty.id, "again") is None
    assert (await outbox_texts(db, 701))[-1] == "cancelled"
    assert (await duties.answer(702, duty.id, accept=True)).answer is Answer.OVER
    clock.now = STARTS
    await followups.run_due()
    assert "remind 1" not in await outbox_texts(db, 701), "nothing more for a cancelled duty"


async def test_no_two_duties_at_once_for_one_helper(db: Database, clock: FixedClock) -> None:
    await active_helper(db, clock, 801)
    duties, followups = duties_of(db, clock)
    one = await duties.create(draft(seats=1), 1, "Officer")
    two = await duties.create(draft(seats=1, starts=STARTS + timedelta(hours=1)), 1, "Officer")
    await followups.run_due()
    assert await offered_to(db, two.id) == [801]
    assert (await duties.answer(801, one.id, accept=True)).answer is Answer.ACCEPTED
    outcome = await duties.answer(801, two.id, accept=True)
    assert (outcome.answer, outcome.other) == (Answer.COLLIDES, one.id)


async def _helper_of(db: Database, user_id: int) -> int:
    async with db.read() as conn:
        row = await (
            await conn.execute("SELECT id FROM helpers WHERE user_id = ?", (user_id,))
        ).fetchone()
    return int(row[0])


async def test_unanswered_offers_stop_holding_places_and_waves_never_give_up(
    db: Database, clock: FixedClock
) -> None:
    for n in range(9):
        await active_helper(db, clock, 900 + n)
    duties, followups = duties_of(db, clock, wave_factor=3)
    duty = await duties.create(draft(seats=1), 1, "Officer")
    await followups.run_due()
    assert len(await offered_to(db, duty.id)) == 3
    clock.now += timedelta(minutes=31)
    await followups.run_due()
    assert len(await offered_to(db, duty.id)) == 3, "still waiting for those three"
    clock.now += timedelta(minutes=31)
    await followups.run_due()
    assert len(await offered_to(db, duty.id)) == 6, "an hour of silence: three more asked"
    for _ in range(12):  # many postponed waves are not failures
        clock.now += timedelta(minutes=31)
        await followups.run_due()
    async with db.read() as conn:
        row = await (
            await conn.execute("SELECT state, attempts FROM followups WHERE kind = 'duty_wave'")
        ).fetchone()
    assert tuple(row) == ("pending", 0)


async def test_no_offers_at_night_unless_the_duty_is_near(db: Database, clock: FixedClock) -> None:
    from datetime import time

    always = {"days": tuple(range(7)), "bands": ("night", "morning", "day", "evening")}
    await active_helper(db, clock, 950, **always)  # type: ignore[arg-type]
    clock.now = datetime(2026, 11, 22, 19, 0, tzinfo=UTC)  # 00:00 in Almaty
    duties, followups = duties_of(db, clock, quiet=(time(22), time(8)))
    duty = await duties.create(draft(seats=1), 1, "Officer")
    await followups.run_due()
    assert await offered_to(db, duty.id) == [], "not at midnight for a duty days away"
    soon = await duties.create(draft(seats=1, starts=clock.now + timedelta(hours=2)), 1, "O")
    await followups.run_due()
    assert await offered_to(db, soon.id) == [950], "a duty two hours away: at once"
    clock.now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 08:00
    await followups.run_due()
    assert await offered_to(db, duty.id) == [950]


async def test_a_suspended_helper_gives_back_their_seats(db: Database, clock: FixedClock) -> None:
    helper_id = await active_helper(db, clock, 960)
    await active_helper(db, clock, 961)
    duties, followups = duties_of(db, clock, wave_factor=1)
    duty = await duties.create(draft(seats=1), 1, "Officer")
    await followups.run_due()
    assert await offered_to(db, duty.id) == [960]
    assert (await duties.answer(960, duty.id, accept=True)).answer is Answer.ACCEPTED

    async def staff() -> int:
        return STAFF

    helpers = HelperService(
        db, Outbox(clock), clock, HelperRenderer(), staff, lambda: {"mzhk"}, HelperRules()
    )
    helpers.on_leave = duties.release
    await helpers.act(helper_id, HelperAction.SUSPEND, officer_id=1, officer_name="Officer")
    await followups.run_due()
    assert await offered_to(db, duty.id) == [961], "the seat is offered to someone else"
    assert (await duties.answer(960, duty.id, accept=True)).answer is Answer.STALE


async def test_hours_set_by_staff_are_kept_at_check_out(db: Database, clock: FixedClock) -> None:
    helper_id = await active_helper(db, clock, 970)
    duties, followups = duties_of(db, clock)
    duty = await duties.create(draft(seats=1), 1, "Officer")
    await followups.run_due()
    await duties.answer(970, duty.id, accept=True)
    assert await duties.no_show(duty.id, helper_id, "Officer") is None, "not before the start"
    clock.now = STARTS + timedelta(minutes=5)
    await duties.check_in(970, duty.id)
    assert await duties.set_minutes(duty.id, helper_id, 200, "Officer")
    clock.now = STARTS + timedelta(hours=1)
    await duties.check_out(970, duty.id)
    assert await duties.minutes_served(970) == 200


async def test_an_offer_that_cannot_be_delivered_is_closed(db: Database, clock: FixedClock) -> None:
    from bot.domain.outbox import OutgoingMessage

    helper_id = await active_helper(db, clock, 980)
    duties, followups = duties_of(db, clock)
    duty = await duties.create(draft(seats=1), 1, "Officer")
    await followups.run_due()
    failed = OutgoingMessage(
        1, 980, "sendMessage", {}, 1, clock.now, ref=Ref.duty(duty.id, "offer", helper_id)
    )
    async with db.transaction() as conn:
        await duties.undeliverable(conn, failed)
    assert await offered_to(db, duty.id) == []


async def test_a_change_moves_the_reminders_and_keeps_the_seats_taken(
    db: Database, clock: FixedClock
) -> None:
    from dataclasses import replace

    await active_helper(db, clock, 990)
    duties, followups = duties_of(db, clock)
    duty = await duties.create(draft(seats=1), 1, "Officer")
    await followups.run_due()
    await duties.answer(990, duty.id, accept=True)
    later = draft(seats=1, starts=STARTS + timedelta(hours=2))
    assert (await duties.change(duty.id, replace(later, seats=0)))[0] == "seats"
    outcome, changed = await duties.change(duty.id, later)
    assert outcome == "changed" and changed is not None
    assert (await outbox_texts(db, 990))[-1] == "changed"
    async with db.read() as conn:
        rows = await (
            await conn.execute(
                "SELECT due_at FROM followups WHERE kind = 'duty_remind' AND state = 'pending'"
            )
        ).fetchall()
    assert sorted(r[0] for r in rows) == ["2026-11-27T15:00:00+00:00", "2026-11-28T14:00:00+00:00"]
    clock.now = STARTS + timedelta(hours=2, minutes=1)
    assert (await duties.change(duty.id, later))[0] == "gone", "not once it has started"


async def test_staff_hear_of_empty_seats_hours_before(db: Database, clock: FixedClock) -> None:
    await active_helper(db, clock, 995)
    duties, followups = duties_of(db, clock)
    duty = await duties.create(draft(seats=3), 1, "Officer")
    await followups.run_due()
    await duties.answer(995, duty.id, accept=True)
    clock.now = STARTS - timedelta(hours=3)
    await followups.run_due()
    assert await outbox_texts(db, STAFF) == ["post", "short 2"]


class RecordingSender:
    """Telegram that accepts everything and remembers what it was asked."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str, str]] = []

    async def send(
        self, chat_id: int, method: str, payload: dict[str, Any], bulk: bool = False
    ) -> int | None:
        self.sent.append((chat_id, method, str(payload.get("text"))))
        return 1000 + len(self.sent)


async def test_an_answer_drawn_on_the_post_already_costs_no_identical_edit(
    db: Database, clock: FixedClock
) -> None:
    """A helper accepts while the staff post is still on its way: the post is drawn when
    sent, with the seat taken, and the roster edit its delivery asks for would show the same
    (Telegram refuses that as «message is not modified»): it is done without a request. A
    later answer is drawn and sent as usual."""
    from bot.domain.refs import RefKind
    from bot.services.outbox import DeliveryHooks, DeliveryWorker

    await active_helper(db, clock, 601)
    await active_helper(db, clock, 602)
    duties, followups = duties_of(db, clock, wave_factor=4)
    duty = await duties.create(draft(seats=2), 1, "Officer")
    await followups.run_due()
    assert sorted(await offered_to(db, duty.id)) == [601, 602]
    assert (await duties.answer(601, duty.id, accept=True)).answer is Answer.ACCEPTED

    hooks = DeliveryHooks()
    hooks.before_send(RefKind.DUTY, duties.prepare)
    hooks.when_sent(RefKind.DUTY, duties.on_sent)
    sender = RecordingSender()
    worker = DeliveryWorker(
        db, duties.outbox, sender, clock, backoff_base=0.01, idle_poll=0.05,
        on_sent=hooks.sent, prepare=hooks.prepare, wants_sent=hooks.wants_sent,
    )  # fmt: skip

    async def roster_rows() -> list[tuple[str, int | None]]:
        async with db.read() as conn:
            cur = await conn.execute(
                "SELECT state, telegram_message_id FROM outbox WHERE ref = ? ORDER BY id",
                (f"duty:{duty.id}:roster",),
            )
            return [tuple(r) for r in await cur.fetchall()]  # type: ignore[misc]

    task = asyncio.create_task(worker.run())
    try:
        async with asyncio.timeout(scaled(10)):
            while [state for state, _ in await roster_rows()] != ["done"]:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        assert await roster_rows() == [("done", None)], "done without a request"
        posts = [s for s in sender.sent if s[0] == STAFF and "accepted" in s[2]]
        assert posts == [(STAFF, "sendMessage", "1 accepted")]

        assert (await duties.answer(602, duty.id, accept=True)).answer is Answer.ACCEPTED
        async with asyncio.timeout(scaled(10)):
            while [state for state, _ in await roster_rows()] != ["done"] * 2:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        assert [s for s in sender.sent if s[0] == STAFF and "accepted" in s[2]] == [
            (STAFF, "sendMessage", "1 accepted"),
            (STAFF, "editMessageText", "2 accepted"),
        ]
    finally:
        await worker.stop(grace=1)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
