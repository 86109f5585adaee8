"""What staff do to a report: act on it, hand it over, close it as a duplicate, correct its place,
priority or category, answer with a template; and an officer's own profile and reports."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from bot.domain.deadlines import ExtensionRefused
from bot.domain.directory import Placement
from bot.domain.reports import OPEN, Action, Actor, Officer, Report, Status
from bot.services.reports.lifecycle import ReportLifecycle
from bot.services.reports.ports import ActionResult, Extension

log = logging.getLogger(__name__)


class StaffActions:
    """Staff actions on reports."""

    def __init__(self, lifecycle: ReportLifecycle) -> None:
        self.lifecycle = lifecycle
        self.db = lifecycle.db
        self.outbox = lifecycle.outbox
        self.clock = lifecycle.clock
        self.renderer = lifecycle.renderer
        self.repo = lifecycle.repo
        self.staff = lifecycle.staff
        self.templates = lifecycle.templates
        self.planner = lifecycle.planner

    async def assign(
        self,
        report_id: int,
        officer_id: int,
        officer_name: str,
        by_id: int,
        by_name: str,
        seen: Status | None = None,
    ) -> ActionResult:
        """Hand a report to an officer (a new one, or one already held): they hold it as if
        they had taken it, the resident is told who handles it, and the history says who
        handed it over. `seen`: the status the officer saw (else any open one)."""
        async with self.db.transaction() as conn:
            result = await self.lifecycle.staff_act(
                conn, report_id, Action.TAKE, officer_id, officer_name, None, None, seen
            )
            if result.changed and by_id != officer_id:
                await self.lifecycle.event(
                    conn, report_id, "staff", by_id, "assign", note=officer_name, actor_name=by_name
                )
        if result.changed:
            self.outbox.notify()
            log.info("report %s: handed to %s by %s", report_id, officer_id, by_id)
        return result

    async def mark_duplicate(
        self,
        report_id: int,
        original_id: int,
        by_id: int,
        by_name: str,
        seen: Status | None = None,
    ) -> ActionResult | None:
        """Report `report_id` is the same thing as `original_id` (or the report that one
        joined): it is closed with a link, its author is told and follows the original, and so
        do those who followed it. None if either report does not exist or the chain leads back
        to it; a refused result if the original is closed ("original closed")."""
        async with self.db.transaction() as conn:
            report = await self.repo.get(conn, report_id)
            original = await self.repo.get(conn, original_id)
            if report is None or original is None:
                return None
            visited = {original.id}
            while original.duplicate_of is not None and original.duplicate_of not in visited:
                first = await self.repo.get(conn, original.duplicate_of)
                if first is None:
                    break
                visited.add(first.id)
                original = first
            if original.id == report.id or report.id in visited:
                return None
            if seen is not None and report.status is not seen:
                return await self.lifecycle.refused(conn, report, "changed meanwhile")
            if original.status not in OPEN:
                return ActionResult(report, False, "original closed")
            result = await self.lifecycle.transition(
                conn,
                report,
                Action.REJECT,
                Actor.STAFF,
                by_id,
                officer_id=by_id,
                note=f"№ {original.id}",
                actor_name=by_name,
            )
            if not result.changed:
                return await self.lifecycle.refused(conn, result.report, result.refused)
            await self.repo.mark_duplicate(
                conn, report.id, original.id, report.reporter_id, report.language, self.clock()
            )
            await self.repo.move_followers(conn, report.id, original.id)
            updated = await self.repo.get(conn, report.id)
            assert updated is not None
            earlier = await self.repo.count_by_reporter(conn, updated.reporter_id) - 1
            edit = self.renderer.staff_post_update(updated, earlier, by_name)
            if edit is not None:
                await self.outbox.add(conn, edit)
            await self.outbox.add(conn, self.renderer.duplicate_notice(updated, original))
            joined = self.renderer.duplicate_joined(original, updated)
            if joined is not None:  # the officer on the original sees what came in
                await self.outbox.add(conn, joined)
            await self.lifecycle.topic_state(conn, updated, closed=True)
        self.outbox.notify()
        log.info("report %s: a duplicate of %s (by %s)", report_id, original.id, by_id)
        return ActionResult(updated, True)

    async def relocate(
        self,
        report_id: int,
        latitude: float | None,
        longitude: float | None,
        placement: Placement,
        by_id: int,
        by_name: str,
    ) -> Report | None:
        """Staff correct where a report is (a location, or a precinct for a typed address):
        its precinct and inspector follow, the post shows them, the resident is told. The
        post stays where it is."""
        async with self.db.transaction() as conn:
            report = await self.repo.get(conn, report_id)
            if report is None or report.status not in OPEN:
                return None  # a closed report stays where it was handled
            await self.repo.set_place(
                conn,
                report_id,
                latitude,
                longitude,
                placement.precinct_id,
                placement.inspector_id,
                self.clock(),
            )
            note = f"{report.precinct_id or '—'} → {placement.precinct_id or '—'}"
            if latitude is not None and longitude is not None:
                if report.latitude is not None and report.longitude is not None:
                    note += f"; {report.latitude:.5f}, {report.longitude:.5f} →"
                note += f" ({latitude:.5f}, {longitude:.5f})"
            await self.lifecycle.event(
                conn, report_id, "staff", by_id, "place", note=note, actor_name=by_name
            )
            updated = await self.repo.get(conn, report_id)
            assert updated is not None
            await self.lifecycle.redraw(conn, updated)
            await self.outbox.add(conn, self.renderer.relocated(updated))
        self.outbox.notify()
        return updated

    async def set_priority(
        self, report_id: int, priority: str, by_id: int, by_name: str
    ) -> Report | None:
        """Mark a report urgent (or normal again): its post says so, its reminders come
        sooner. None if there is no such report."""
        async with self.db.transaction() as conn:
            report = await self.repo.get(conn, report_id)
            if report is None:
                return None
            if report.priority == priority:
                return report
            await self.repo.set_priority(conn, report_id, priority, self.clock())
            await self.lifecycle.event(
                conn, report_id, "staff", by_id, "priority", note=priority, actor_name=by_name
            )
            updated = await self.repo.get(conn, report_id)
            assert updated is not None
            if self.planner is not None:
                await self.planner.on_change(conn, updated, "priority")
            await self.lifecycle.redraw(conn, updated)
        self.outbox.notify()
        return updated

    async def recategorise(
        self, report_id: int, category: str, by_id: int, by_name: str
    ) -> Report | None:
        """File a report under another category: the post shows it, the history keeps the old
        one, the resident is told in their language. None if there is no such report."""
        async with self.db.transaction() as conn:
            report = await self.repo.get(conn, report_id)
            if report is None:
                return None
            if report.category == category:
                return report
            await self.repo.set_category(conn, report_id, category, self.clock())
            await self.lifecycle.event(
                conn,
                report_id,
                "staff",
                by_id,
                "category",
                note=f"{report.category} → {category}",
                actor_name=by_name,
            )
            updated = await self.repo.get(conn, report_id)
            assert updated is not None
            await self.lifecycle.redraw(conn, updated)
            await self.outbox.add(conn, self.renderer.recategorised(updated))
        self.outbox.notify()
        return updated

    async def extend(
        self, report_id: int, to: date | int, reason: str, by_id: int, by_name: str
    ) -> Extension | None:
        """Extend the answer's term of an open report, to a date or by so many working days,
        with a reason: the post shows the new date, the history keeps the old one, the resident
        is told why and until when. None if there is no such report."""
        legal = self.lifecycle.legal
        async with self.db.transaction() as conn:
            report = await self.repo.get(conn, report_id)
            if report is None:
                return None
            if report.status not in OPEN:
                return Extension(report, "closed")
            if legal is None or report.due_on is None:
                return Extension(report, "no term")
            target = legal.later_by(report.due_on, to) if isinstance(to, int) else to
            try:
                new_due = legal.extended(
                    report.category, report.created_at, report.due_on, target, self.clock()
                )
            except ExtensionRefused as refused:
                return Extension(report, refused.reason, refused.latest)
            if not await self.repo.extend(conn, report.id, new_due, report.due_on, self.clock()):
                current = await self.repo.get(conn, report.id)
                assert current is not None
                return Extension(
                    current, "not later", legal.latest(report.category, report.created_at)
                )
            await self.lifecycle.event(
                conn,
                report.id,
                "staff",
                by_id,
                "extend",
                note=f"{report.due_on.isoformat()} → {new_due.isoformat()}: {reason}",
                actor_name=by_name,
            )
            updated = await self.repo.get(conn, report.id)
            assert updated is not None
            await self.lifecycle.redraw(conn, updated)
            await self.outbox.add(conn, self.renderer.extended(updated, reason))
            if self.planner is not None:
                await self.planner.on_change(conn, updated, "extend")
        self.outbox.notify()
        log.info("report %s: answer term extended to %s by %s", report_id, new_due, by_id)
        return Extension(updated)

    async def send_template(
        self, report_id: int, template_id: int, officer_id: int, officer_name: str
    ) -> Report | None:
        """A ready answer to the resident, in the resident's language, signed like an
        officer's message and kept in the history. None if the report is closed or the
        template is gone."""
        async with self.db.transaction() as conn:
            report = await self.repo.get(conn, report_id)
            template = await self.templates.get(conn, template_id)
            if report is None or template is None or report.status not in OPEN:
                return None
            if template["category"] not in (None, report.category):
                return None
            text = template["text_kk"] if report.language == "kk" else template["text_ru"]
            officer = await self.staff.profile(conn, officer_id)
            await self.outbox.add(conn, self.renderer.template_says(report, officer, text))
            await self.lifecycle.event(
                conn,
                report.id,
                "staff",
                officer_id,
                "template",
                note=template["title"],
                actor_name=officer_name,
            )
        self.outbox.notify()
        return report

    async def templates_for(self, category: str) -> list[dict[str, Any]]:
        async with self.db.read() as conn:
            return await self.templates.active(conn, category)

    async def held_by(self, officer_id: int) -> list[Report]:
        """/mine: the reports an officer has taken and not closed."""
        async with self.db.read() as conn:
            return await self.repo.held_by(conn, officer_id)

    async def set_staff_profile(self, user_id: int, rank: str, surname: str) -> None:
        async with self.db.transaction() as conn:
            await self.staff.set_profile(conn, user_id, rank, surname, self.clock())

    async def officers(self) -> list[Officer]:
        """The officers who introduced themselves with /me (the console's «hand over to»)."""
        async with self.db.read() as conn:
            return await self.staff.profiles(conn)

    async def staff_profile(self, user_id: int) -> tuple[str, str] | None:
        async with self.db.read() as conn:
            return await self.staff.profile(conn, user_id)
