"""The report services, made together around one shared core."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.domain.directory import Placement
from bot.domain.reports import Report
from bot.services.outbox import Outbox
from bot.services.reports.changes import ReportCore
from bot.services.reports.conversation import ReportConversation
from bot.services.reports.outcomes import ReportDelivery
from bot.services.reports.ports import ReportLimits, ReportPlanner, ReportRenderer, SimilarRule
from bot.services.reports.resident import ResidentReports
from bot.services.reports.staff_actions import StaffActions
from bot.services.reports.submission import ReportSubmission
from bot.storage.db import Database, Tx


class ReportService:
    """Reports, by responsibility: `submission` (a resident's new report, the limits),
    `actions` (what staff do to a report), `conversation` (officer and resident talking about
    one), `resident` (a resident's own reports), `delivery` (the outbox's hooks). They share
    `core`, the steps every change takes."""

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
    ) -> None:
        self.core = ReportCore(db, outbox, clock, renderer, planner, on_resolved)
        self.submission = ReportSubmission(
            self.core,
            staff_chat_id,
            limits,
            staff_topics=staff_topics,
            place=place,
            similar=similar,
            precinct_chats=precinct_chats,
        )
        self.actions = StaffActions(self.core)
        self.conversation = ReportConversation(self.core)
        self.resident = ResidentReports(self.core)
        self.delivery = ReportDelivery(self.core)

    async def get(self, report_id: int) -> Report | None:
        return await self.core.get(report_id)
