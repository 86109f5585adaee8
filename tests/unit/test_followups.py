"""Follow-ups: written and cancelled with their cause, run once (late after downtime), never by
two claimers, deferred out of quiet hours; a survey "no" reopens the report; the digest."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.categories import load_categories
from bot.domain.refs import Ref, RefKind
from bot.domain.reports import Action, ReportDraft
from bot.i18n import build_i18n
from bot.services.followups import FollowUp, FollowUps
from bot.services.outbox import Outbox
from bot.services.report_followups import FollowUpTiming, ReportFollowUps, in_quiet_hours
from bot.services.reports import ReportService
from bot.services.surveys import Answer, SurveyService
from bot.services.users import UserService
from bot.storage.db import Database
from bot.storage.repositories._rows import to_db
from bot.telegram.report_renderer import TelegramReportRenderer
from tests.conftest import FixedClock

STAFF = -1001
ALMATY = ZoneInfo("Asia/Almaty")
DRAFT = ReportDraft(category="noise", description="Шу", address="Тұран 12")


class Bench:
    """A report service with follow-ups on one database, driven by a fixed clock."""

    def __init__(self, db: Database, clock: FixedClock) -> None:
        self.db = db
        self.clock = clock
        self.outbox = Outbox(clock)
        self.renderer = TelegramReportRenderer(
            build_i18n("kk"), load_categories(), ALMATY, "ru", 24
        )
        self.followups = FollowUps(db, clock)
        self.planner = ReportFollowUps(
            self.followups, self.outbox, self.renderer, clock, FollowUpTiming(), self.staff
        )
        self.reports = ReportService(
            db, self.outbox, clock, self.renderer, self.staff, planner=self.planner
        )
        self.surveys = SurveyService(
            db,
            self.outbox,
            clock,
            self.reports.resident,
            self.renderer.survey_comment,
            self.renderer.not_solved,
        )

    async def staff(self) -> int:
        return STAFF

    async def deliver_post(self, report_id: int, message_id: int = 500) -> None:
        """Telegram accepted the staff post (as the delivery worker would record it)."""
        from bot.domain.outbox import OutgoingMessage

        post = OutgoingMessage(
            0, STAFF, "sendMessage", {}, 1, self.clock(), ref=Ref.report(report_id, "post")
        )
        async with self.db.transaction() as conn:
            await self.reports.delivery.on_sent(conn, post, message_id)

    async def resident(self, user_id: int = 42) -> Any:
        users = UserService(self.db, self.clock, "kk")
        await users.seen(user_id, "ru")
        await users.set_language(user_id, "ru")
        await users.give_consent(user_id)
        return await users.get_required(user_id)

    async def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        async with self.db.read() as conn:
            return [tuple(r) for r in await (await conn.execute(sql, args)).fetchall()]

    async def followup_states(self) -> list[tuple[str, str]]:
        return [
            (kind, state)
            for kind, state in await self.rows("SELECT kind, state FROM followups ORDER BY id")
        ]

    async def outbox_texts(self, chat_id: int) -> list[str]:
        rows = await self.rows("SELECT payload FROM outbox WHERE chat_id = ? ORDER BY id", chat_id)
        return [json.loads(r[0]).get("text", "") for r in rows]


async def test_created_and_cancelled_with_their_cause(db: Database, clock: FixedClock) -> None:
    bench = Bench(db, clock)
    user = await bench.resident()
    report = await bench.reports.submission.submit(user, DRAFT, name=None, username=None)
    assert await bench.followup_states() == [
        ("report_remind", "pending"),
        ("report_escalate", "pending"),
    ]
    due = await bench.rows("SELECT kind, due_at FROM followups ORDER BY id")
    assert due == [
        ("report_remind", "2026-11-21T06:45:00+00:00"),
        ("report_escalate", "2026-11-21T07:15:00+00:00"),
    ]
    await bench.reports.lifecycle.act(report.id, Action.TAKE, officer_id=7, officer_name="Officer")
    assert await bench.followup_states() == [
        ("report_remind", "cancelled"),
        ("report_escalate", "cancelled"),
        ("report_unresolved", "pending"),
    ]
    await bench.reports.lifecycle.act(
        report.id, Action.RESOLVE, officer_id=7, officer_name="Officer"
    )
    assert (await bench.followup_states())[2:] == [
        ("report_unresolved", "cancelled"),
        ("survey", "pending"),
    ]
    # a change that fails (someone else was faster) schedules nothing
    result = await bench.reports.lifecycle.act(
        report.id, Action.RESOLVE, officer_id=8, officer_name="Other"
    )
    assert not result.changed and len(await bench.followup_states()) == 4


async def test_a_reminder_due_during_downtime_runs_once_late(
    db: Database, clock: FixedClock
) -> None:
    bench = Bench(db, clock)
    user = await bench.resident()
    await bench.reports.submission.submit(user, DRAFT, name=None, username=None)
    before = len(await bench.outbox_texts(STAFF))
    assert await bench.followups.run_due() == 0, "not due yet"
    clock.now += timedelta(hours=3)  # the bot was down; both fell due meanwhile
    restarted = Bench(db, clock)  # a new process: fresh objects, the same database
    assert await restarted.followups.run_due() == 2
    assert await restarted.followups.run_due() == 0, "once"
    texts = (await bench.outbox_texts(STAFF))[before:]
    assert texts == [
        "⏰ Сообщение № 1000 ждёт 15 минут: его никто не принял в работу.",
        "⚠️ Сообщение № 1000 ждёт 45 минут, и его никто не принял в работу. Назначьте исполнителя.",
    ]


async def test_two_claimers_on_two_connections_act_once(
    tmp_path: Path, db: Database, clock: FixedClock
) -> None:
    calls: list[int] = []

    async def handler(conn: Any, followup: FollowUp, _: Any) -> None:
        calls.append(followup.id)
        await asyncio.sleep(0.05)  # hold the transaction while the other one tries
        return None

    other_db = Database(db.path)
    await other_db.connect()
    try:
        first, second = FollowUps(db, clock), FollowUps(other_db, clock)
        for runner in (first, second):
            runner.register("ping", handler)
        async with db.transaction() as conn:
            for n in range(5):
                await first.schedule(conn, "ping", Ref.report(n), clock.now - timedelta(minutes=1))
        done = await asyncio.gather(first.run_due(), second.run_due())
    finally:
        await other_db.close()
    assert sum(done) == 5 and sorted(calls) == [1, 2, 3, 4, 5], "each row acted on once"


async def test_a_failing_handler_rolls_back_and_retries(db: Database, clock: FixedClock) -> None:
    attempts: list[int] = []
    outbox = Outbox(clock)

    async def handler(conn: Any, followup: FollowUp, _: Any) -> None:
        attempts.append(followup.attempts)
        from bot.domain.outbox import NewMessage

        await outbox.add(conn, NewMessage(42, "sendMessage", {"text": "hi"}))
        if len(attempts) == 1:
            raise RuntimeError("boom")
        return None

    runner = FollowUps(db, clock)
    runner.register("ping", handler)
    async with db.transaction() as conn:
        await runner.schedule(conn, "ping", Ref.report(1), clock.now)
    assert await runner.run_due() == 0
    async with db.read() as conn:
        rows = await (await conn.execute("SELECT count(*) FROM outbox")).fetchone()
    assert rows[0] == 0, "the failed attempt left nothing behind"
    clock.now += timedelta(minutes=5)
    assert await runner.run_due() == 1
    async with db.read() as conn:
        rows = await (await conn.execute("SELECT count(*) FROM outbox")).fetchone()
    assert rows[0] == 1


async def test_an_unreadable_subject_is_given_up_and_the_tick_goes_on(
    db: Database, clock: FixedClock
) -> None:
    """A subject this release cannot read (written by a newer one): logged and given up, the
    follow-ups after it still run."""
    ran: list[Ref] = []

    async def handler(_conn: Any, followup: FollowUp, _: Any) -> None:
        ran.append(followup.subject)

    runner = FollowUps(db, clock)
    runner.register("ping", handler)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO followups (kind, subject, due_at, data, created_at)"
            " VALUES ('ping', 'newfangled:1', ?, '{}', ?)",
            (to_db(clock.now - timedelta(minutes=1)), to_db(clock.now)),
        )
        await runner.schedule(conn, "ping", Ref.duty(17, 42), clock.now)
    assert await runner.run_due() == 1
    assert ran == [Ref.duty(17, 42)]
    async with db.read() as conn:
        rows = await (
            await conn.execute("SELECT subject, state, last_error FROM followups ORDER BY id")
        ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [("newfangled:1", "cancelled"), ("duty:17:42", "done")]
    assert "unreadable subject" in rows[0][2]
    assert await runner.run_due() == 0, "given up: not tried again"


def test_quiet_hours() -> None:
    quiet = (FollowUpTiming().quiet[0], FollowUpTiming().quiet[1])
    from datetime import datetime

    late = datetime(2026, 11, 21, 23, 15, tzinfo=ALMATY)
    assert in_quiet_hours(late, quiet, ALMATY) == datetime(2026, 11, 22, 8, 0, tzinfo=ALMATY)
    early = datetime(2026, 11, 22, 6, 0, tzinfo=ALMATY)
    assert in_quiet_hours(early, quiet, ALMATY) == datetime(2026, 11, 22, 8, 0, tzinfo=ALMATY)
    assert in_quiet_hours(datetime(2026, 11, 22, 12, 0, tzinfo=ALMATY), quiet, ALMATY) is None


async def test_the_survey_waits_for_the_morning_and_no_reopens(
    db: Database, clock: FixedClock
) -> None:
    bench = Bench(db, clock)
    user = await bench.resident()
    report = await bench.reports.submission.submit(user, DRAFT, name=None, username=None)
    await bench.deliver_post(report.id)
    await bench.reports.lifecycle.act(report.id, Action.TAKE, officer_id=7, officer_name="Officer")
    await bench.reports.lifecycle.act(
        report.id, Action.RESOLVE, officer_id=7, officer_name="Officer"
    )
    # 2 hours after resolving is 14:30 UTC = 19:30 in Almaty … make it 22:30 local instead
    clock.now = clock.now.replace(hour=17, minute=30)
    await bench.followups.run_due()
    assert not any("проблема решена" in t for t in await bench.outbox_texts(42)), "not at night"
    due = await bench.rows("SELECT due_at FROM followups WHERE kind = 'survey'")
    assert due == [("2026-11-22T03:00:00+00:00",)], "08:00 in Almaty"
    clock.now = clock.now.replace(day=22, hour=3, minute=1)
    assert await bench.followups.run_due() >= 1
    survey = [t for t in await bench.outbox_texts(42) if "проблема решена" in t]
    assert survey == [
        "По Вашему сообщению № 1000 работа завершена. Расскажите, пожалуйста, как всё прошло: "
        "проблема решена?"
    ]

    assert (await bench.surveys.answer(99, 1000, "solved", "no"))[0] is Answer.NOT_YOURS
    outcome, _ = await bench.surveys.answer(42, 1000, "solved", "no")
    assert outcome is Answer.STORED
    assert (await bench.surveys.answer(42, 1000, "solved", "yes"))[0] is Answer.ALREADY
    status = await bench.rows("SELECT status, officer_id FROM reports")
    assert status == [("taken", 7)], "reopened, back with the officer who handled it"
    events = await bench.rows("SELECT actor, action FROM report_events ORDER BY id")
    assert events[-1] == ("resident", "reopen")
    assert any("не решён" in t for t in await bench.outbox_texts(STAFF)), "the staff are told"
    await bench.surveys.answer(42, 1000, "rating", 2)
    await bench.surveys.answer(42, 1000, "comment", "Музыка <снова> играет")
    stored = await bench.rows("SELECT solved, rating, comment FROM surveys")
    assert stored == [("no", 2, "Музыка <снова> играет")]
    assert any(
        "Комментарий жителя по сообщению № 1000: Музыка &lt;снова&gt; играет" in t
        for t in await bench.outbox_texts(STAFF)
    )
    # resolved again: no second survey
    await bench.reports.lifecycle.act(
        report.id, Action.RESOLVE, officer_id=7, officer_name="Officer"
    )
    assert await bench.rows("SELECT count(*) FROM followups WHERE kind = 'survey'") == [(1,)]


async def test_the_daily_digest(db: Database, clock: FixedClock) -> None:
    bench = Bench(db, clock)
    await bench.planner.ensure_digest()
    await bench.planner.ensure_digest()  # once
    assert await bench.rows("SELECT subject, due_at FROM followups WHERE kind = 'digest'") == [
        ("digest:2026-11-22", "2026-11-22T03:30:00+00:00")
    ]
    user = await bench.resident()
    report = await bench.reports.submission.submit(user, DRAFT, name=None, username=None)
    clock.now += timedelta(minutes=20)
    await bench.reports.lifecycle.act(report.id, Action.TAKE, officer_id=7, officer_name="Officer")
    clock.now += timedelta(hours=2)
    await bench.reports.lifecycle.act(
        report.id, Action.RESOLVE, officer_id=7, officer_name="Officer"
    )
    clock.now = clock.now.replace(day=22, hour=9)  # the bot was down at 08:30: sent late
    await bench.followups.run_due()
    digest = [t for t in await bench.outbox_texts(STAFF) if t.startswith("📊")]
    assert digest[0].splitlines() == [
        "📊 <b>Итоги дня: 21 ноября 2026</b>",
        "Новых: 1 · решено: 1 · отклонено: 0 · открыто сейчас: 0, из них просрочено: 0",
        "По категориям: 🔊 Шум, нарушение тишины 1",
        "По участкам: без участка 1",
        "⏱ медианное время до принятия в работу: 20 минут, до решения: 2 часа",
    ]
    assert await bench.rows(
        "SELECT subject FROM followups WHERE kind = 'digest' AND state = 'pending'"
    ) == [("digest:2026-11-23",)]
    clock.now = clock.now.replace(day=23, hour=4)
    await bench.followups.run_due()
    digest = [t for t in await bench.outbox_texts(STAFF) if t.startswith("📊")]
    assert digest[1] == "📊 22 ноября 2026: сообщений не было, открытых нет."


async def test_escalation_mentions_the_admins_and_the_holder_is_reminded(
    db: Database, clock: FixedClock
) -> None:
    bench = Bench(db, clock)

    async def admins(chat_id: int) -> list[tuple[int, str]]:
        assert chat_id == STAFF, "the admins of the chat the notice goes to"
        return [(501, "Начальник <смены>")]

    bench.planner.admins = admins
    user = await bench.resident()
    report = await bench.reports.submission.submit(user, DRAFT, name=None, username=None)
    await bench.deliver_post(report.id)
    clock.now += timedelta(minutes=50)
    assert await bench.followups.run_due() == 2
    escalation = (await bench.outbox_texts(STAFF))[-1]
    assert escalation.startswith("⚠️ Сообщение № 1000 ждёт 45 минут")
    assert '<a href="tg://user?id=501">Начальник &lt;смены&gt;</a>' in escalation

    await bench.reports.lifecycle.act(
        report.id, Action.TAKE, officer_id=7, officer_name="Ерлан <Б>"
    )
    clock.now += timedelta(hours=25)
    assert await bench.followups.run_due() == 1
    reminder = (await bench.outbox_texts(STAFF))[-1]
    assert reminder == (
        '⏰ <a href="tg://user?id=7">Ерлан &lt;Б&gt;</a>, сообщение № 1000 уже 24 часа у Вас '
        "в работе и ещё не решено."
    )


async def test_every_missed_digest_is_sent_after_a_long_downtime(
    db: Database, clock: FixedClock
) -> None:
    bench = Bench(db, clock)
    await bench.planner.ensure_digest()
    clock.now = clock.now.replace(day=24, hour=6)  # down from the 21st to the 24th
    for _ in range(4):
        await bench.followups.run_due()
    digests = [t for t in await bench.outbox_texts(STAFF) if t.startswith("📊")]
    assert [d.split(":")[0] for d in digests] == [
        "📊 21 ноября 2026",
        "📊 22 ноября 2026",
        "📊 23 ноября 2026",
    ], "each day once, none skipped"
    pending = await bench.rows(
        "SELECT subject FROM followups WHERE kind = 'digest' AND state = 'pending'"
    )
    assert pending == [("digest:2026-11-25",)]


async def test_a_slow_kind_runs_its_transaction_on_the_database_thread(
    db: Database, clock: FixedClock
) -> None:
    """A survey's batch of 2,000 messages must not hold the event loop: its kind says slow."""
    import threading

    runner = FollowUps(db, clock)
    threads: dict[str, int] = {}

    async def handler(conn: Any, followup: FollowUp, _: Any) -> None:
        await conn.create_function("thread_id", 0, threading.get_ident)
        row = await (await conn.execute("SELECT thread_id()")).fetchone()
        threads[followup.kind] = int(row[0])

    runner.register("quick", handler)
    runner.register("big", handler, slow=True)
    async with db.transaction() as conn:
        await runner.schedule(conn, "quick", Ref(RefKind.REPORT, 1), clock.now)
        await runner.schedule(conn, "big", Ref(RefKind.REPORT, 2), clock.now)
    await runner.run_due()
    assert threads["quick"] == threading.get_ident()
    assert threads["big"] != threading.get_ident()
