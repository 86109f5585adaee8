"""The resident's own reports: the list, a card with its history, withdrawing, and «not solved»."""

from __future__ import annotations

from bot.domain.reports import Action, Actor, Report
from bot.services.reports.lifecycle import ReportLifecycle
from bot.services.reports.ports import ActionResult
from bot.storage.db import Tx


class ResidentReports:
    """What a resident sees and does with their own reports."""

    def __init__(self, lifecycle: ReportLifecycle) -> None:
        self.lifecycle = lifecycle
        self.db = lifecycle.db
        self.outbox = lifecycle.outbox
        self.renderer = lifecycle.renderer
        self.repo = lifecycle.repo

    async def mine(self, resident_id: int, page: int, per_page: int) -> tuple[list[Report], int]:
        """A page of the resident's reports, newest first, and how many there are."""
        async with self.db.read() as conn:
            total = await self.repo.count_by_reporter(conn, resident_id)
            items = await self.repo.by_reporter(conn, resident_id, page * per_page, per_page)
        return items, total

    async def card(
        self, resident_id: int, report_id: int
    ) -> tuple[Report, list[dict[str, object]]] | None:
        """The resident's own report and its history (None for anyone else's)."""
        async with self.db.read() as conn:
            report = await self.repo.get(conn, report_id)
            if report is None or report.reporter_id != resident_id:
                return None
            return report, await self.repo.history(conn, report_id)

    async def withdraw(self, resident_id: int, report_id: int) -> ActionResult | None:
        """The resident takes back a report nobody has taken yet."""
        async with self.db.transaction() as conn:
            report = await self.repo.get(conn, report_id)
            if report is None or report.reporter_id != resident_id:
                return None
            result = await self.lifecycle.transition(
                conn, report, Action.WITHDRAW, Actor.RESIDENT, resident_id
            )
            if not result.changed:
                return result
            updated = result.report
            earlier = await self.repo.count_by_reporter(conn, resident_id) - 1
            edit = self.renderer.staff_post_update(updated, earlier, None)
            if edit is not None:
                await self.outbox.add(conn, edit)
            await self.lifecycle.topic_state(conn, updated, closed=True)
            await self.lifecycle.tell_followers(conn, updated)  # theirs joined it: they must know
        self.outbox.notify()
        return ActionResult(updated, True)

    async def reopen_by_resident(
        self, conn: Tx, report_id: int, resident_id: int, note: str | None
    ) -> ActionResult | None:
        """ "Not solved" in the survey: the report is taken again by whoever handled it, the post
        is brought up to date and the staff are told (inside the caller's transaction)."""
        report = await self.repo.get(conn, report_id)
        if report is None or report.reporter_id != resident_id:
            return None
        result = await self.lifecycle.transition(
            conn, report, Action.REOPEN, Actor.RESIDENT, resident_id, note=note
        )
        if not result.changed:
            return result
        updated = result.report
        await self.lifecycle.topic_state(conn, updated, closed=False)
        earlier = await self.repo.count_by_reporter(conn, updated.reporter_id) - 1
        edit = self.renderer.staff_post_update(updated, earlier, None)
        if edit is not None:
            await self.outbox.add(conn, edit)
        if updated.staff_chat_id is not None:
            await self.outbox.add(conn, self.renderer.not_solved(updated, note))
        self.outbox.notify()
        return result
