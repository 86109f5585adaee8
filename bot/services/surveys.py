"""The resident's satisfaction survey: was it solved (yes / partly / no), a 1-5 rating of the
police's work, an optional comment. "No" reopens the report and tells the staff."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.outbox import NewMessage
from bot.domain.reports import MAX_NOTE, Report
from bot.domain.surveys import SatisfactionSurvey, Solved
from bot.services.outbox import Outbox
from bot.services.reports import ResidentReports
from bot.storage.db import Database
from bot.storage.repositories import FollowUpRepository, ReportRepository

SOLVED = tuple(Solved)


class Answer(StrEnum):
    STORED = "stored"
    ALREADY = "already"  # answered before (a second tap, an old message)
    NOT_YOURS = "not_yours"  # no survey of this resident for that report


@dataclass(frozen=True)
class SurveyState:
    report_id: int
    solved: Solved | None
    rating: int | None
    comment: str | None
    #: "no" reopened the report (False when the staff had reopened it already)
    reopened: bool = False


class SurveyService:
    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        clock: Callable[[], datetime],
        reports: ResidentReports,
        comment_to_staff: Callable[[Report, str], NewMessage | None],
        not_solved: Callable[[Report, str | None], NewMessage | None],
    ) -> None:
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.reports = reports
        self.comment_to_staff = comment_to_staff
        self.not_solved = not_solved
        self.repo = FollowUpRepository()
        self.report_repo = ReportRepository()

    async def answer(
        self, resident_id: int, report_id: int, field: str, value: str | int
    ) -> tuple[Answer, SurveyState | None]:
        """Store one answer in one transaction; "no" to "solved" reopens the report there too,
        and a comment after "no" or "partly" goes to the staff."""
        async with self.db.transaction() as conn:
            survey = await self.repo.survey(conn, report_id)
            if survey is None or survey.resident_id != resident_id:
                return Answer.NOT_YOURS, None
            if field == "comment":
                value = str(value).strip()[:MAX_NOTE]
            if not await self.repo.answer(conn, report_id, field, value, self.clock()):
                return Answer.ALREADY, _state(survey)
            survey = await self.repo.survey(conn, report_id)
            assert survey is not None
            reopened = False
            if field == "solved" and value == Solved.NO:
                result = await self.reports.reopen_by_resident(conn, report_id, resident_id, None)
                reopened = result is not None and result.changed
                if not reopened:  # the staff reopened it already: still tell them
                    report = await self.report_repo.get(conn, report_id)
                    if report is not None and report.staff_chat_id is not None:
                        message = self.not_solved(report, None)
                        if message is not None:
                            await self.outbox.add(conn, message)
            if field == "comment" and survey.solved in (Solved.NO, Solved.PARTLY):
                report = await self.report_repo.get(conn, report_id)
                if report is not None and report.staff_chat_id is not None:
                    message = self.comment_to_staff(report, str(value))
                    if message is not None:
                        await self.outbox.add(conn, message)
        self.outbox.notify()
        state = _state(survey)
        return Answer.STORED, SurveyState(
            state.report_id, state.solved, state.rating, state.comment, reopened
        )


def _state(survey: SatisfactionSurvey) -> SurveyState:
    return SurveyState(survey.report_id, survey.solved, survey.rating, survey.comment)
