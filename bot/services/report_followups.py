"""The follow-ups of reports: reminders and escalations while nobody takes one, a reminder to
the officer holding one too long, the resident's satisfaction survey, and the daily digest.

`on_change` is called inside the transaction of every change of a report, so what a change
makes moot is cancelled with it, and what it needs is scheduled with it."""

from __future__ import annotations

import logging
import statistics
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.domain.deadlines import LegalClock
from bot.domain.outbox import NewMessage
from bot.domain.refs import Ref, RefKind
from bot.domain.reports import OPEN, Report, Status
from bot.services.followups import FollowUp, FollowUps, Later
from bot.services.outbox import Outbox
from bot.storage.db import Tx
from bot.storage.repositories import (
    FollowUpRepository,
    ReportRepository,
    StatsRepository,
    UserRepository,
)

log = logging.getLogger(__name__)

REMIND = "report_remind"
ESCALATE = "report_escalate"
UNRESOLVED = "report_unresolved"
SURVEY = "survey"
DIGEST = "digest"
OVERDUE = "report_overdue"
#: a report of a kind that usually belongs to an outside body, still not referred when the
#: term to pass it on ends
REFER_DUE = "report_refer_due"
WAITING = (REMIND, ESCALATE)
ALMATY = ZoneInfo("Asia/Almaty")


@dataclass(frozen=True)
class FollowUpTiming:
    remind_untaken: timedelta = timedelta(minutes=15)
    escalate_untaken: timedelta = timedelta(minutes=45)
    remind_unresolved: timedelta = timedelta(hours=24)
    survey_after: timedelta = timedelta(hours=2)
    quiet: tuple[time, time] = (time(22), time(8))
    digest_at: time = time(8, 30)
    zone: ZoneInfo = ALMATY


class FollowUpRenderer(Protocol):
    def remind_untaken(
        self, report: Report, minutes: int, chat_id: int | None = None
    ) -> NewMessage | None: ...

    def escalate_untaken(
        self, report: Report, minutes: int, chat_id: int, admins: list[tuple[int, str]]
    ) -> NewMessage: ...

    def remind_unresolved(
        self, report: Report, officer_id: int, officer: str, hours: int
    ) -> NewMessage | None: ...

    def survey(self, report: Report) -> NewMessage: ...

    def digest(self, day: date, figures: dict[str, Any], chat_id: int) -> NewMessage: ...

    def staff_post_update(
        self, report: Report, earlier_reports: int, officer: str | None
    ) -> NewMessage | None: ...

    def overdue(self, report: Report) -> NewMessage | None: ...

    def overdue_escalation(self, report: Report, chat_id: int) -> NewMessage: ...

    def refer_due(self, report: Report, body: str, refer_by: date) -> NewMessage | None: ...


def in_quiet_hours(moment: datetime, quiet: tuple[time, time], zone: ZoneInfo) -> datetime | None:
    """When the quiet hours around `moment` end (local), or None outside them."""
    start, end = quiet
    local = moment.astimezone(zone)
    now = local.time()
    inside = (start <= now or now < end) if start > end else (start <= now < end)
    if not inside:
        return None
    day = local.date() if now < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=zone)


class ReportFollowUps:
    def __init__(
        self,
        followups: FollowUps,
        outbox: Outbox,
        renderer: FollowUpRenderer,
        clock: Callable[[], datetime],
        timing: FollowUpTiming,
        staff_chat_id: Callable[[], Awaitable[int | None]],
        supervisors_chat_id: int | None = None,
        admins: Callable[[int], Awaitable[list[tuple[int, str]]]] | None = None,
        analysts_chat_id: int | None = None,
        legal: LegalClock | None = None,
    ) -> None:
        #: the legal clock: an open report past its answer's term is flagged that day
        self.legal = legal
        #: a referred report past its body's term: the body is reminded (bot/services/
        #: referrals.py), inside the follow-up's transaction
        self.on_overdue: Callable[[Tx, Report], Awaitable[None]] | None = None
        #: the outside body a category usually belongs to (its key), if any
        self.usual_body: Callable[[str], str | None] = lambda category: None
        #: the interagency group's chat: it gets the daily digest too
        self.analysts_chat_id = analysts_chat_id
        self.followups = followups
        self.outbox = outbox
        self.renderer = renderer
        self.clock = clock
        self.timing = timing
        self.staff_chat_id = staff_chat_id
        self.supervisors_chat_id = supervisors_chat_id
        self.admins = admins
        self.reports = ReportRepository()
        self.surveys = FollowUpRepository()
        self.users = UserRepository()
        self.stats = StatsRepository()
        # the staff group's id is read before the claiming transaction (one connection, one
        # lock: a read inside the transaction would wait for itself)
        followups.register(REMIND, self._remind, self._context)
        followups.register(ESCALATE, self._escalate, self._escalate_context)
        followups.register(UNRESOLVED, self._unresolved)
        followups.register(SURVEY, self._survey)
        followups.register(OVERDUE, self._overdue)
        followups.register(REFER_DUE, self._refer_due)
        # the digest schedules the next one: it is never given up, only retried
        followups.register(DIGEST, self._digest, self._context, persistent=True)

    # --- what a change of a report schedules and cancels -----------------------------------

    async def on_change(self, conn: Tx, report: Report, event: str) -> None:
        subject = Ref.report(report.id)
        now = self.clock()
        if report.status in OPEN and event in ("submitted", "extend", "reopen", "refer"):
            await self._watch_term(conn, report, now)
        usual = self.usual_body(report.category) is not None
        if event == "submitted" and usual and self.legal is not None and report.due_on:
            refer_by = self.legal.refer_by(report.category, report.created_at)
            await self.followups.schedule(conn, REFER_DUE, subject, self.legal.overdue_at(refer_by))
        if event == "extend":
            return
        if event in ("submitted", "priority"):
            if event == "priority" and report.status is not Status.NEW:
                return  # only a report nobody has taken waits on these
            urgent = 2 if report.priority == "high" else 1  # an urgent one: twice as soon
            start = report.created_at
            for kind, delay in (
                (REMIND, self.timing.remind_untaken),
                (ESCALATE, self.timing.escalate_untaken),
            ):
                due = max(start + delay / urgent, now)
                if event == "submitted":
                    await self.followups.schedule(conn, kind, subject, due)
                else:  # only what has not gone out yet moves: nothing is sent twice
                    await self.followups.move_pending(conn, kind, subject, due)
        elif report.status is Status.REFERRED:  # the body's term is watched instead
            await self.followups.cancel(conn, subject, *WAITING, UNRESOLVED)
        elif report.status is Status.TAKEN:  # taken, handed over, or reopened
            await self.followups.cancel(conn, subject, *WAITING, SURVEY)
            await self.followups.schedule(
                conn,
                UNRESOLVED,
                subject,
                now + self.timing.remind_unresolved,
                {"officer": report.officer_id},
            )
        elif report.status is Status.RESOLVED:
            await self.followups.cancel(conn, subject, *WAITING, UNRESOLVED, OVERDUE)
            if await self.surveys.survey(conn, report.id) is None:  # one survey per report
                await self.followups.schedule(conn, SURVEY, subject, now + self.timing.survey_after)
        else:  # rejected, withdrawn
            await self.followups.cancel(conn, subject, *WAITING, UNRESOLVED, SURVEY, OVERDUE)

    async def _watch_term(self, conn: Tx, report: Report, now: datetime) -> None:
        """The day after the answer's term ends (local midnight), the report is flagged: its
        post is redrawn and the staff told. An extension moves it; a reopened report past its
        term is flagged at once."""
        if self.legal is None or report.due_on is None:
            return
        due = max(self.legal.overdue_at(report.due_on), now)
        await self.followups.schedule(conn, OVERDUE, Ref.report(report.id), due)

    async def ensure_digest(self) -> None:
        """At start: the next daily digest is scheduled (a missed one is pending already and
        runs late)."""
        async with self.followups.db.transaction() as conn:
            if await self.surveys.pending(conn, DIGEST):
                return
            day = self._next_digest_day(self.clock())
            await self.followups.schedule(
                conn, DIGEST, Ref(RefKind.DIGEST, part=day.isoformat()), self._digest_time(day)
            )

    # --- handlers: inside the claiming transaction ------------------------------------------

    async def _report(self, conn: Tx, followup: FollowUp) -> Report | None:
        return await self.reports.get(conn, followup.subject.number)

    async def _context(self, followup: FollowUp) -> dict[str, Any]:
        return {"staff": await self.staff_chat_id(), "admins": []}

    async def _remind(self, conn: Tx, followup: FollowUp, context: dict[str, Any]) -> None:
        report = await self._report(conn, followup)
        if report is None or report.status is not Status.NEW:
            return None  # taken meanwhile (its change should have cancelled this)
        minutes = max(1, round(self.timing.remind_untaken.total_seconds() / 60))
        # the post may not have reached the group yet (Telegram down): the group itself
        message = self.renderer.remind_untaken(report, minutes, context["staff"])
        if message is not None:
            await self.outbox.add(conn, message)
            self.outbox.notify()
        return None

    async def _escalate_context(self, followup: FollowUp) -> dict[str, Any]:
        """Also the staff group's administrators to mention (a network call: before the
        transaction). Not needed when supervisors have their own chat."""
        context = await self._context(followup)
        if self.supervisors_chat_id is not None or self.admins is None:
            return context
        async with self.followups.db.read() as conn:
            report = await self._report(conn, followup)
        chat = (report.staff_chat_id if report else None) or context["staff"]
        if chat is None:
            return context
        try:
            context["admins"] = await self.admins(chat)  # of the chat the notice goes to
        except Exception:  # Telegram unreachable: escalate without the mentions
            log.warning("cannot list the staff group's admins for an escalation", exc_info=True)
        return context

    async def _escalate(self, conn: Tx, followup: FollowUp, context: dict[str, Any]) -> None:
        report = await self._report(conn, followup)
        if report is None or report.status is not Status.NEW:
            return None
        admins = context["admins"]
        chat = self.supervisors_chat_id or report.staff_chat_id or context["staff"]
        if chat is None:
            return None
        minutes = max(1, round(self.timing.escalate_untaken.total_seconds() / 60))
        await self.outbox.add(conn, self.renderer.escalate_untaken(report, minutes, chat, admins))
        self.outbox.notify()
        return None

    async def _unresolved(self, conn: Tx, followup: FollowUp, _: Any) -> None:
        report = await self._report(conn, followup)
        officer = followup.data.get("officer")
        if (
            report is None
            or report.status is not Status.TAKEN
            or not isinstance(officer, int)
            or report.officer_id != officer
        ):
            return None
        last = await self.reports.last_change(conn, report.id)
        name = (last[1] if last and last[1] else None) or str(officer)
        hours = max(1, round(self.timing.remind_unresolved.total_seconds() / 3600))
        message = self.renderer.remind_unresolved(report, officer, name, hours)
        if message is not None:
            await self.outbox.add(conn, message)
            self.outbox.notify()
        return None

    async def _overdue(self, conn: Tx, followup: FollowUp, _: Any) -> None:
        report = await self._report(conn, followup)
        if report is None or report.status not in OPEN or self.legal is None:
            return None  # answered meanwhile (its change should have cancelled this)
        if not self.legal.is_overdue(report.due_on, self.clock()):
            return None  # extended meanwhile: the extension scheduled its own
        earlier = await self.reports.count_by_reporter(conn, report.reporter_id) - 1
        last = await self.reports.last_change(conn, report.id)
        edit = self.renderer.staff_post_update(report, earlier, last[1] if last else None)
        if edit is not None:
            await self.outbox.add(conn, edit)
        notice = self.renderer.overdue(report)
        if notice is not None:
            await self.outbox.add(conn, notice)
        if report.status is Status.REFERRED:
            # an unanswered referral is escalated as an untaken report is
            chat = self.supervisors_chat_id
            if chat is not None:
                await self.outbox.add(conn, self.renderer.overdue_escalation(report, chat))
            if self.on_overdue is not None:
                await self.on_overdue(conn, report)
        self.outbox.notify()
        return None

    async def _refer_due(self, conn: Tx, followup: FollowUp, _: Any) -> None:
        """Still with the police when the term to pass it on has ended: said under its post
        (the officers decide: it may be police work after all)."""
        report = await self._report(conn, followup)
        if report is None or report.status not in (Status.NEW, Status.TAKEN) or self.legal is None:
            return None  # referred, or closed
        body = self.usual_body(report.category)
        if body is None:
            return None
        refer_by = self.legal.refer_by(report.category, report.created_at)
        message = self.renderer.refer_due(report, body, refer_by)
        if message is not None:
            await self.outbox.add(conn, message)
            self.outbox.notify()
        return None

    async def _survey(self, conn: Tx, followup: FollowUp, _: Any) -> Later | None:
        report = await self._report(conn, followup)
        if report is None or report.status is not Status.RESOLVED:
            return None  # reopened meanwhile: no survey for a report that is not resolved
        morning = in_quiet_hours(self.clock(), self.timing.quiet, self.timing.zone)
        if morning is not None:
            return Later(morning)  # never at night: the end of the quiet hours
        resident = await self.users.get(conn, report.reporter_id)
        if resident is None or resident.blocked_bot or resident.banned or not resident.has_consent:
            return None  # nobody to ask (they blocked the bot, withdrew consent …)
        if not await self.surveys.open_survey(
            conn, report.id, report.reporter_id, report.precinct_id, report.officer_id, self.clock()
        ):
            return None  # at most one survey per report
        await self.outbox.add(conn, self.renderer.survey(report))
        self.outbox.notify()
        return None

    async def _digest(self, conn: Tx, followup: FollowUp, context: dict[str, Any]) -> None:
        """Yesterday's figures (the day before the digest's own date), then tomorrow's digest
        scheduled in the same transaction: a digest due during downtime is sent late, once."""
        digest_day = date.fromisoformat(followup.subject.part)
        day = digest_day - timedelta(days=1)
        zone = self.timing.zone
        start = datetime.combine(day, time(0), tzinfo=zone)
        end = start + timedelta(days=1)
        figures = await self.reports.day_stats(conn, start, end, digest_day)
        # the legal clock per precinct: yesterday's answers, and what is past its term today
        figures["terms"] = await self.stats.terms(conn, start, end, digest_day)
        figures["surveys"] = await self.surveys.survey_stats(conn, start, end)
        figures["by_category"] = Counter(category for category, _ in figures["new"])
        figures["by_precinct"] = Counter(p for _, p in figures["new"])
        for key in ("take_seconds", "resolve_seconds"):
            values = figures[key]
            figures[key.replace("seconds", "median")] = (
                statistics.median(values) if values else None
            )
        chat = context["staff"]
        if chat is not None:
            await self.outbox.add(conn, self.renderer.digest(day, figures, chat))
            self.outbox.notify()
        if self.analysts_chat_id is not None:  # the digest holds no personal data
            await self.outbox.add(conn, self.renderer.digest(day, figures, self.analysts_chat_id))
            self.outbox.notify()
        # every missed day gets its digest, one after another (a week at most)
        following = max(
            digest_day + timedelta(days=1), self._next_digest_day(self.clock()) - timedelta(days=7)
        )
        await self.followups.schedule(
            conn,
            DIGEST,
            Ref(RefKind.DIGEST, part=following.isoformat()),
            self._digest_time(following),
        )
        return None

    def _digest_time(self, day: date) -> datetime:
        return datetime.combine(day, self.timing.digest_at, tzinfo=self.timing.zone)

    def _next_digest_day(self, now: datetime) -> date:
        local = now.astimezone(self.timing.zone)
        today = local.date()
        return today if local.time() < self.timing.digest_at else today + timedelta(days=1)
