"""A report's lifecycle: every change of its status and what the change causes.

`act` is what a staff button (Take, Resolve, Reject, Reopen) calls: the domain's transition
table (`bot/domain/reports.py`, `apply`) decides, then in one transaction the new status, the
history line, the redrawn staff post, the topic opened or closed, the resident's notice and the
follow-ups (`planner`) are written. The other report services (submission, staff actions, the
conversation, the resident's own, delivery outcomes) change a report through the same steps."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.domain.deadlines import LegalClock
from bot.domain.reports import OPEN, Action, Actor, IllegalTransition, Report, Status, apply
from bot.services.outbox import Outbox
from bot.services.reports.ports import ActionResult, Relayed, ReportPlanner, ReportRenderer
from bot.storage.db import Database, Tx
from bot.storage.repositories import (
    RelayRepository,
    ReportRepository,
    StaffRepository,
    TemplateRepository,
)

log = logging.getLogger(__name__)


class ReportLifecycle:
    """A report's changes of status, and the shared steps of the report services (inside
    their transactions)."""

    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        clock: Callable[[], datetime],
        renderer: ReportRenderer,
        planner: ReportPlanner | None = None,
        on_resolved: Callable[[Tx, Report], Awaitable[None]] | None = None,
        *,
        legal: LegalClock | None = None,
    ) -> None:
        self.db = db
        #: the legal clock: a report's due date when it comes in, how its answer kept it
        self.legal = legal
        #: inside the transaction that takes a report out of «referred» (answered, taken back):
        #: the referral follows (bot/services/referrals.py)
        self.on_left_referral: Callable[[Tx, Report, Status], Awaitable[None]] | None = None
        self.outbox = outbox
        self.clock = clock
        self.renderer = renderer
        #: follow-ups (reminders, escalations, the survey) scheduled and cancelled with changes
        self.planner = planner
        #: inside the transaction that resolves a report (area alerts for those who opted in)
        self.on_resolved = on_resolved
        self.repo = ReportRepository()
        self.staff = StaffRepository()
        self.relays = RelayRepository()
        self.templates = TemplateRepository()

    async def get(self, report_id: int) -> Report | None:
        async with self.db.read() as conn:
            return await self.repo.get(conn, report_id)

    async def act(
        self,
        report_id: int,
        action: Action,
        *,
        officer_id: int,
        officer_name: str,
        reason: str | None = None,
        note: str | None = None,
        seen: Status | None = None,
    ) -> ActionResult:
        """A staff action on a report: the lifecycle decides, the change, its history, the
        edited staff post and the resident's notice are written in one transaction. Two
        officers at once: the second finds the report changed and nothing happens. `reason`
        is a listed rejection reason, `note` what the officer typed for the resident."""
        async with self.db.transaction() as conn:
            result = await self.staff_act(
                conn, report_id, action, officer_id, officer_name, reason, note, seen
            )
        if result.changed:
            self.outbox.notify()
            log.info(
                "report %s: %s by officer %s -> %s",
                report_id,
                action,
                officer_id,
                result.report.status,
            )
        return result

    async def staff_act(
        self,
        conn: Tx,
        report_id: int,
        action: Action,
        officer_id: int,
        officer_name: str,
        reason: str | None,
        note: str | None,
        seen: Status | None,
        version: int | None = None,
    ) -> ActionResult:
        """A staff action inside the caller's transaction: refused if the report is not as the
        officer saw it (`seen`, or `version` for a note asked for earlier); otherwise the post,
        the resident's notice, the followers and the topic follow the change."""
        report = await self.repo.get(conn, report_id)
        if report is None:
            raise LookupError(f"report {report_id} does not exist")
        if seen is not None and report.status is not seen:
            # the officer pressed a button of the post as it was: someone was faster
            return await self.refused(conn, report, "changed meanwhile")
        if version is not None and await self.repo.version(conn, report_id) != version:
            # a note asked for before a change (even one that came back to the same status)
            return await self.refused(conn, report, "changed meanwhile")
        result = await self.transition(
            conn,
            report,
            action,
            Actor.STAFF,
            officer_id,
            officer_id=officer_id,
            note=note if note is not None else reason,
            actor_name=officer_name,
        )
        if not result.changed:
            return await self.refused(conn, result.report, result.refused)
        updated = result.report
        if action is Action.REOPEN:
            await self.topic_state(conn, updated, closed=False)  # before anything is posted
        earlier = await self.repo.count_by_reporter(conn, updated.reporter_id) - 1
        # a note is signed by whoever wrote it, not by whoever holds the report
        who = officer_id if note else updated.officer_id
        signer = await self.staff.profile(conn, who) if who else None
        edit = self.renderer.staff_post_update(updated, earlier, officer_name)
        if edit is not None:
            await self.outbox.add(conn, edit)
        notice = self.renderer.resident_notice(updated, action, signer, reason, note)
        if notice is not None:
            await self.outbox.add(conn, notice)
        if action in (Action.RESOLVE, Action.REJECT):
            await self.tell_followers(conn, updated)
        if action is Action.RESOLVE and self.on_resolved is not None:
            await self.on_resolved(conn, updated)
        if action is Action.REOPEN and updated.duplicate_of is not None:
            await self.repo.unfollow(conn, updated.id)  # handled on its own again
        if updated.status not in OPEN:
            await self.topic_state(conn, updated, closed=True)
        return ActionResult(updated, True)

    async def transition(
        self,
        conn: Tx,
        report: Report,
        action: Action,
        actor: Actor,
        actor_id: int,
        *,
        officer_id: int | None = None,
        note: str | None = None,
        actor_name: str | None = None,
        referred_to: str | None = None,
    ) -> ActionResult:
        """The lifecycle decides; compare-and-set stores it; the history records it.
        `referred_to`: the body, for a referral."""
        try:
            change = apply(
                report.status, action, actor, holder=report.officer_id, officer_id=officer_id
            )
        except IllegalTransition as exc:
            return ActionResult(report, False, str(exc))
        if not await self.repo.change_status(
            conn,
            report.id,
            expected=report.status,
            expected_officer=report.officer_id,
            status=change.status,
            officer_id=change.officer_id,
            now=self.clock(),
            referred_to=referred_to,
        ):
            current = await self.repo.get(conn, report.id)
            assert current is not None
            return ActionResult(current, False, "changed meanwhile")
        event = "withdraw" if action is Action.WITHDRAW else action.value
        if action in (Action.RESOLVE, Action.REJECT):
            await self.record_answer(conn, report)
        if report.status is Status.REFERRED and self.on_left_referral is not None:
            await self.on_left_referral(conn, report, change.status)
        await self.event(
            conn,
            report.id,
            # the history's actors predate referral: a body's step is the system's, named
            "system" if actor is Actor.BODY else actor.value,
            actor_id,
            event,
            from_status=report.status,
            to_status=change.status,
            note=note,
            actor_name=actor_name,
        )
        updated = await self.repo.get(conn, report.id)
        assert updated is not None
        if self.planner is not None:
            await self.planner.on_change(conn, updated, event)
        return ActionResult(updated, True)

    async def record_answer(self, conn: Tx, report: Report) -> None:
        """The legal clock: how many working days the (first) answer took, and how late."""
        if self.legal is None or report.due_on is None or report.answered_at is not None:
            return
        now = self.clock()
        kept = self.legal.answered(report.created_at, report.due_on, now)
        await self.repo.record_answer(conn, report.id, now, kept.days, kept.late)

    async def event(
        self,
        conn: Tx,
        report_id: int,
        actor: str,
        actor_id: int | None,
        action: str,
        *,
        from_status: Status | None = None,
        to_status: Status | None = None,
        note: str | None = None,
        actor_name: str | None = None,
    ) -> None:
        """One line of the report's history (who, what, when)."""
        await self.repo.add_event(
            conn,
            report_id,
            actor=actor,
            actor_id=actor_id,
            action=action,
            from_status=from_status,
            to_status=to_status,
            note=note,
            now=self.clock(),
            actor_name=actor_name,
        )

    async def to_staff(
        self,
        conn: Tx,
        report: Report,
        said: Relayed,
        *,
        header: bool = True,
    ) -> None:
        for message in self.renderer.resident_says(report, said, header=header):
            await self.outbox.add(conn, message)
        await self.event(conn, report.id, "resident", said.chat_id, "resident_message")

    async def redraw_post(self, conn: Tx, report_id: int) -> bool:
        """Bring a report's staff post up to date (inside the caller's transaction); False if
        it has no post yet (it will be sent as the report is then)."""
        report = await self.repo.get(conn, report_id)
        if report is None or report.staff_message_id is None:
            return False
        await self.redraw(conn, report)
        return True

    async def redraw(self, conn: Tx, report: Report) -> None:
        """The staff post shows the report as it is now (a field changed, not its status)."""
        earlier = await self.repo.count_by_reporter(conn, report.reporter_id) - 1
        last = await self.repo.last_change(conn, report.id)
        edit = self.renderer.staff_post_update(report, earlier, last[1] if last else None)
        if edit is not None:
            await self.outbox.add(conn, edit)

    async def topic_state(self, conn: Tx, report: Report, closed: bool) -> None:
        message = self.renderer.topic_state(report, closed)
        if message is not None:
            await self.outbox.add(conn, message)

    async def tell_followers(self, conn: Tx, original: Report) -> None:
        """Those whose reports joined this one hear how it ended, once (its own author gets
        the usual notice instead)."""
        told = {original.reporter_id}
        for follower in await self.repo.followers(conn, original.id):
            if follower["user_id"] not in told:
                told.add(follower["user_id"])
                await self.outbox.add(conn, self.renderer.original_closed(original, follower))
        await self.repo.followers_told(conn, original.id, self.clock())
        # those who followed it instead of sending their own
        for watcher in await self.repo.watchers(conn, original.id):
            if watcher["user_id"] not in told:
                told.add(watcher["user_id"])
                await self.outbox.add(conn, self.renderer.watched_closed(original, watcher))
        await self.repo.watchers_told(conn, original.id, self.clock())

    async def refused(self, conn: Tx, report: Report, why: str | None) -> ActionResult:
        last = await self.repo.last_change(conn, report.id)
        if last is None:
            return ActionResult(report, False, why)
        return ActionResult(report, False, why, by=last[1], by_id=last[0])
