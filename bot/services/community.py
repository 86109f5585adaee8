"""Community surveys without Telegram: staff compose one (a draft, previewed in the staff
group), send it, and the bot writes one outbox row per resident who follows a targeted area
with surveys on (bulk rows, at Telegram's pace, never at night); each resident has one answer,
changeable until the end; at the end (a follow-up, so a restart does not lose it) the results
go to the staff group. Answers are counted per precinct and never shown with a name."""

from __future__ import annotations

import csv
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain.community import (
    MIN_RUN,
    OTHER,
    CommunitySurvey,
    SurveyDraft,
    SurveyRecipient,
    SurveyStatus,
    SurveySummary,
    Tally,
    fold_small,
    tally,
)
from bot.domain.outbox import NewMessage
from bot.domain.refs import Ref
from bot.services.export import DELIMITER, safe_cell
from bot.services.followups import FollowUp, FollowUps, Later
from bot.services.outbox import Outbox
from bot.services.report_followups import in_quiet_hours
from bot.storage.db import Database, Tx
from bot.storage.repositories import CommunitySurveyRepository

log = logging.getLogger(__name__)

SEND = "csurvey_send"
CLOSE = "csurvey_close"
#: survey messages a second, about (Telegram's ~30 a second, shared with everything else)
PACE = 25.0


@dataclass(frozen=True)
class Results:
    survey: CommunitySurvey
    total: Tally
    areas: list[Tally]
    final: bool


class SurveyRenderer(Protocol):
    def survey_message(self, survey: CommunitySurvey, recipient: SurveyRecipient) -> NewMessage: ...

    def results_posts(
        self, results: Results, chat_id: int, detailed: bool = True
    ) -> list[NewMessage]: ...


class Answer(StrEnum):
    STORED = "stored"
    CHANGED = "changed"
    SAME = "same"  # the option they had chosen already
    CLOSED = "closed"  # ended (or its end time has passed)
    NOT_YOURS = "not_yours"  # not sent to this person, or no such option


@dataclass(frozen=True)
class AnswerOutcome:
    answer: Answer
    survey: CommunitySurvey | None = None
    recipient: SurveyRecipient | None = None
    option: int | None = None


class CommunitySurveyService:
    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        clock: Callable[[], datetime],
        followups: FollowUps,
        renderer: SurveyRenderer,
        staff_chat_id: Callable[[], Awaitable[int | None]],
        zone: ZoneInfo,
        quiet: tuple[time, time] | None = None,
        analysts_chat_id: int | None = None,
    ) -> None:
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.followups = followups
        self.renderer = renderer
        self.staff_chat_id = staff_chat_id
        self.zone = zone
        self.quiet = quiet
        self.analysts_chat_id = analysts_chat_id
        self.repo = CommunitySurveyRepository()
        #: survey messages written to the outbox per transaction
        self.batch = 2000
        followups.register(SEND, self._send, self._chat_before, slow=True)  # 2,000 a batch
        followups.register(CLOSE, self._close_due, self._chat_before)

    # --- staff ---------------------------------------------------------------------------------

    async def draft(
        self, draft: SurveyDraft, chat_id: int, by_id: int, by_name: str | None
    ) -> tuple[CommunitySurvey, int]:
        """Store a draft; returns it and how many residents it would reach now."""
        async with self.db.transaction() as conn:
            survey_id = await self.repo.add(conn, draft, chat_id, by_id, by_name, self.clock())
            survey = await self.repo.get(conn, survey_id)
            audience = await self.repo.audience(conn, draft.targets)
        assert survey is not None
        return survey, audience

    async def get(self, survey_id: int) -> CommunitySurvey | None:
        async with self.db.read() as conn:
            return await self.repo.get(conn, survey_id)

    async def recent(self, limit: int = 10) -> list[SurveySummary]:
        async with self.db.read() as conn:
            return await self.repo.recent(conn, limit)

    async def send(self, survey_id: int, by_id: int, by_name: str | None) -> str:
        """A draft goes out: "sent"; "gone" when it is no draft any more (sent or discarded
        by someone else); "ended" when its end time is (almost) here, "night" when it would
        wait for the morning and end within the hour after it: compose it again."""
        now = self.clock()
        async with self.db.transaction() as conn:
            survey = await self.repo.get(conn, survey_id)
            if survey is None or survey.status is not SurveyStatus.DRAFT:
                return "gone"
            ends_at = survey.ends_at
            if ends_at - now < MIN_RUN:
                return "ended"
            morning = in_quiet_hours(now, self.quiet, self.zone) if self.quiet else None
            if morning is not None and ends_at - morning < MIN_RUN:
                return "night"  # it would go out in the morning with (almost) no time left
            if not await self.repo.set_status(
                conn, survey_id, SurveyStatus.DRAFT, SurveyStatus.OPEN, now, by_id, by_name
            ):
                return "gone"
            await self.followups.schedule(conn, SEND, Ref.csurvey(survey_id), now)
            await self.followups.schedule(conn, CLOSE, Ref.csurvey(survey_id), ends_at)
        return "sent"

    async def discard(self, survey_id: int) -> bool:
        async with self.db.transaction() as conn:
            return await self.repo.set_status(
                conn, survey_id, SurveyStatus.DRAFT, SurveyStatus.DISCARDED, self.clock()
            )

    async def close(self, survey_id: int, by_name: str) -> bool:
        """Ended by staff before its time: the results go out now. False if not open."""
        chat_id = await self.staff_chat_id()
        async with self.db.transaction() as conn:
            closed = await self._close(conn, survey_id, by_name, chat_id)
        self.outbox.notify()
        return closed

    # --- follow-ups ----------------------------------------------------------------------------

    async def _send(self, conn: Tx, followup: FollowUp, chat_id: int | None) -> Later | None:
        """One batch of messages per run (the write lock is held briefly: residents are not kept
        waiting by a survey to a whole city), then again at once until every one is queued."""
        survey_id = followup.subject.number
        survey = await self.repo.get(conn, survey_id)
        if survey is None or survey.status is not SurveyStatus.OPEN:
            return None
        now = self.clock()
        ends_at = survey.ends_at
        if self.quiet is not None:
            # nobody is woken by a survey: not now if this batch would still be going out then
            last = now + timedelta(seconds=self.batch / PACE)
            morning = in_quiet_hours(now, self.quiet, self.zone) or in_quiet_hours(
                last, self.quiet, self.zone
            )
            if morning is not None and morning + MIN_RUN <= ends_at:
                return Later(morning)
            if morning is not None:
                ends_at = now  # its time would be over before anyone could answer
        if now + timedelta(minutes=10) >= ends_at:  # too late (a long downtime): stop here
            if survey.fanned_at is None:
                await self._close(conn, survey_id, None, chat_id)  # it never went out
            return None
        if survey.fanned_at is None:
            count = await self.repo.enrol(conn, survey_id, survey.targets, now)
            log.info("community survey %s: going out to %s residents", survey_id, count)
        batch = await self.repo.next_batch(conn, survey_id, self.batch)
        made: dict[tuple[str, str | None], NewMessage] = {}  # one text per language and area
        for recipient in batch:
            key = (recipient.language, recipient.precinct_id)
            if key not in made:
                made[key] = self.renderer.survey_message(survey, recipient)
            await self.outbox.add(conn, replace(made[key], chat_id=recipient.user_id))
        return Later(now) if len(batch) == self.batch else None

    async def _chat_before(self, _: FollowUp) -> int | None:
        """Before the claiming transaction: reading the chat inside it could wait on itself."""
        return await self.staff_chat_id()

    async def _close_due(self, conn: Tx, followup: FollowUp, chat_id: int | None) -> None:
        await self._close(conn, followup.subject.number, None, chat_id)

    async def _close(
        self, conn: Tx, survey_id: int, by_name: str | None, chat_id: int | None
    ) -> bool:
        if not await self.repo.set_status(
            conn, survey_id, SurveyStatus.OPEN, SurveyStatus.CLOSED, self.clock(), by_name=by_name
        ):
            return False
        # messages not sent yet would only offer buttons that no longer count
        await self.outbox.repo.drop_pending(conn, Ref.csurvey(survey_id))
        await self.followups.cancel(conn, Ref.csurvey(survey_id), SEND, CLOSE)
        survey = await self.repo.get(conn, survey_id)
        assert survey is not None
        await self.repo.seal(conn, survey_id, len(survey.options))
        results = await self._results(conn, survey_id)
        assert results is not None
        if chat_id is not None:
            for message in self.renderer.results_posts(results, chat_id):
                await self.outbox.add(conn, message)
        if self.analysts_chat_id is not None:  # figures only: the whole, no area
            for message in self.renderer.results_posts(results, self.analysts_chat_id, False):
                await self.outbox.add(conn, message)
        log.info("community survey %s closed (%s)", survey_id, by_name or "end time")
        return True

    # --- residents -----------------------------------------------------------------------------

    async def answer(self, user_id: int, survey_id: int, option: int) -> AnswerOutcome:
        """One answer per resident who was sent the survey; another press changes it."""
        now = self.clock()
        async with self.db.transaction() as conn:
            survey = await self.repo.get(conn, survey_id)
            if survey is None or survey.status in (SurveyStatus.DRAFT, SurveyStatus.DISCARDED):
                return AnswerOutcome(Answer.NOT_YOURS)
            recipient = await self.repo.recipient(conn, survey_id, user_id)
            if survey.status is SurveyStatus.CLOSED or now >= survey.ends_at:
                # nobody is linked to an ended survey any more: the same answer for anyone
                before = await self.repo.answer_of(conn, survey_id, user_id)
                return AnswerOutcome(Answer.CLOSED, survey, recipient, before)
            if recipient is None or not 0 <= option < len(survey.options):
                return AnswerOutcome(Answer.NOT_YOURS)
            before = await self.repo.answer_of(conn, survey_id, user_id)
            if before == option:
                return AnswerOutcome(Answer.SAME, survey, recipient, option)
            await self.repo.answer(conn, survey_id, user_id, option, now)
        kind = Answer.STORED if before is None else Answer.CHANGED
        return AnswerOutcome(kind, survey, recipient, option)

    async def state_of(self, user_id: int, survey_id: int) -> AnswerOutcome:
        """What a resident's survey message should show now (without changing anything)."""
        async with self.db.read() as conn:
            survey = await self.repo.get(conn, survey_id)
            recipient = await self.repo.recipient(conn, survey_id, user_id)
            if survey is None or recipient is None:
                return AnswerOutcome(Answer.NOT_YOURS)
            option = await self.repo.answer_of(conn, survey_id, user_id)
        return AnswerOutcome(Answer.SAME, survey, recipient, option)

    # --- results -------------------------------------------------------------------------------

    async def results(self, survey_id: int) -> Results | None:
        """The counts so far (or final): None for no such survey, or one never sent."""
        async with self.db.read() as conn:
            return await self._results(conn, survey_id)

    async def _results(self, conn: Tx, survey_id: int) -> Results | None:
        survey = await self.repo.get(conn, survey_id)
        if survey is None or survey.status not in (SurveyStatus.OPEN, SurveyStatus.CLOSED):
            return None
        recipients, answers = await self.repo.counts(conn, survey_id)
        total, areas = tally(len(survey.options), recipients, answers)
        return Results(survey, total, areas, survey.status is SurveyStatus.CLOSED)

    async def write_csv(
        self, survey_id: int, path: Path, area_name: Callable[[str], str], min_answers: int
    ) -> Results | None:
        """The results as CSV: one row per area and option (and the whole as «all»), with the
        recipients and answers of the area; counts only, no person; areas with fewer than
        `min_answers` answers together as «other»."""
        results = await self.results(survey_id)
        if results is None:
            return None
        options = results.survey.options
        shown, other = fold_small(results.areas, min_answers)
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            out = csv.writer(file, delimiter=DELIMITER)
            out.writerow(
                [
                    "survey", "precinct", "precinct_name", "recipients", "answered", "option",
                    "option_kk", "option_ru", "answers", "share_percent",
                ]
            )  # fmt: skip
            for area in [results.total, *shown, *([other] if other else [])]:
                precinct = area.precinct_id
                if precinct is None or precinct == OTHER:
                    key, name = ("all" if precinct is None else "other"), ""
                else:
                    key, name = precinct, area_name(precinct)
                for n, option in enumerate(options):
                    out.writerow(
                        safe_cell(v)
                        for v in (
                            survey_id, key, name, area.recipients, area.answered, n + 1,
                            option.kk, option.ru,
                            area.counts[n], f"{area.share(n):.1f}",
                        )
                    )  # fmt: skip
        return results
