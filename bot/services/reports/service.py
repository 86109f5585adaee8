"""The report services, made together around one lifecycle."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.domain.deadlines import LegalClock
from bot.domain.directory import Placement
from bot.domain.reports import Report
from bot.services.outbox import Outbox
from bot.services.reports.conversation import ReportConversation
from bot.services.reports.lifecycle import ReportLifecycle
from bot.services.reports.outcomes import ReportDelivery
from bot.services.reports.ports import ReportLimits, ReportPlanner, ReportRenderer, SimilarRule
from bot.services.reports.resident import ResidentReports
from bot.services.reports.staff_actions import StaffActions
from bot.services.reports.submission import ReportSubmission
from bot.storage.db import Database, Tx


class ReportService:
    """Reports, by responsibility: `lifecycle` (a change of status: staff's Take, Resolve,
    Reject, Reopen, and the steps every change takes), `submission` (a resident's new report,
    the limits), `actions` (staff's other work on a report: hand over, duplicates, place,
    priority, category, ready answers), `conversation` (officer and resident talking about
    one), `resident` (a resident's own reports), `delivery` (the outbox's hooks)."""

    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        clock: Callable[[], datetime],
        renderer: ReportRenderer,
        staff_chat_id: Callable[[], Awaitable[int | None]],
        limits: ReportLimits | None = None,
        staff_topics: Callable[[], Awaitable[bool]] | None = None,
        place: Callable[[float, float], Placement] | None = None,
        planner: ReportPlanner | None = None,
        similar: SimilarRule | None = None,
        on_resolved: Callable[[Tx, Report], Awaitable[None]] | None = None,
        precinct_chats: Callable[[], frozenset[int]] | None = None,
        legal: LegalClock | None = None,
    ) -> None:
        self.lifecycle = ReportLifecycle(
            db, outbox, clock, renderer, planner, on_resolved, legal=legal
        )
        self.submission = ReportSubmission(
            self.lifecycle,
            staff_chat_id,
            limits,
            staff_topics=staff_topics,
            place=place,
            similar=similar,
            precinct_chats=precinct_chats,
        )
        self.actions = StaffActions(self.lifecycle)
        self.conversation = ReportConversation(self.lifecycle)
        self.resident = ResidentReports(self.lifecycle)
        self.delivery = ReportDelivery(self.lifecycle)

    async def get(self, report_id: int) -> Report | None:
        return await self.lifecycle.get(report_id)
