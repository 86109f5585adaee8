"""A resident's report: stored with everything it must cause (the staff post, its topic, the
receipt), in one go, within the limits."""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.directory import Placement, distance_m
from bot.domain.outbox import NewMessage
from bot.domain.phone_reports import claim_hash, new_claim_code
from bot.domain.reports import OPEN, Nearby, Report, ReportDraft
from bot.domain.users import OFFLINE, User
from bot.services.reports.lifecycle import ReportLifecycle
from bot.services.reports.ports import TOPIC_OF, ReportLimits, ReportRefused, SimilarRule
from bot.storage.db import Tx

log = logging.getLogger(__name__)


#: wrong claim codes a person may type in an hour
MAX_CLAIM_FAILURES = 5


@dataclass(frozen=True, slots=True)
class _Where:
    placement: Placement
    staff_chat: int
    shared: int | None
    topics: bool


class ReportSubmission:
    """Accepting a resident's report."""

    def __init__(
        self,
        lifecycle: ReportLifecycle,
        staff_chat_id: Callable[[], Awaitable[int | None]],
        limits: ReportLimits | None = None,
        staff_topics: Callable[[], Awaitable[bool]] | None = None,
        place: Callable[[float, float], Placement] | None = None,
        similar: SimilarRule | None = None,
        precinct_chats: Callable[[], frozenset[int]] | None = None,
    ) -> None:
        self.lifecycle = lifecycle
        self.db = lifecycle.db
        self.outbox = lifecycle.outbox
        self.clock = lifecycle.clock
        self.renderer = lifecycle.renderer
        self.repo = lifecycle.repo
        self.planner = lifecycle.planner
        self.staff_chat_id = staff_chat_id
        self.limits = limits or ReportLimits()
        self.staff_topics = staff_topics
        #: a report's precinct, inspector and destination from its location (the directory)
        self.place = place
        #: when a new report is shown with others that may be the same thing (None: never)
        self.similar = similar
        #: precincts' own staff chats (the directory): they see their reports without a group
        self.precinct_chats = precinct_chats
        #: wrong claim codes per person, this hour
        self._claim_failures: dict[int, list[datetime]] = {}

    async def accepts_reports(self) -> bool:
        """Whether any police chat would see a report: the staff group is configured, or a
        precinct has a staff chat of its own. Without one, nobody could answer a report, so
        the resident is told so instead of being promised an answer."""
        if await self.staff_chat_id() is not None:
            return True
        return self.precinct_chats is not None and bool(self.precinct_chats())

    async def submit(
        self,
        reporter: User,
        draft: ReportDraft,
        *,
        name: str | None,
        username: str | None,
    ) -> Report:
        """Store the report, its media, its history and the messages it causes (the staff
        post and the resident's receipt) in one transaction. Only a returned report exists."""
        if not reporter.has_consent:
            raise ReportRefused("consent")
        if draft.problems():
            raise ReportRefused("incomplete")
        where = await self._where(draft, reporter.id)
        now = self.clock()
        async with self.db.transaction() as conn:
            if draft.key is not None:
                made = await self.repo.by_submission_key(conn, reporter.id, draft.key)
                if made is not None:  # this «Send» was handled before (then the process died)
                    report = await self.repo.get(conn, made)
                    assert report is not None
                    return report
            open_now = await self.repo.count_by_reporter(conn, reporter.id, open_only=True)
            if open_now >= self.limits.max_open:
                raise ReportRefused("open", self.limits.max_open)
            last_hour = await self.repo.count_by_reporter(
                conn, reporter.id, since=now - timedelta(hours=1)
            )
            if last_hour >= self.limits.max_per_hour:
                raise ReportRefused("hourly", self.limits.max_per_hour)
            earlier = await self.repo.count_by_reporter(conn, reporter.id)
            report = await self._file(
                conn, where, reporter.id, reporter.language, draft, name, username, now, earlier
            )
            await self.lifecycle.event(conn, report.id, "resident", reporter.id, "submitted")
            await self.outbox.add(conn, self.renderer.receipt(report))
        self.outbox.notify()
        log.info("report %s submitted by %s (%s)", report.id, reporter.id, draft.category)
        return report

    async def for_caller(
        self,
        draft: ReportDraft,
        caller: str,
        channel: str,
        language: str,
        officer_id: int,
        officer_name: str,
    ) -> tuple[Report, str]:
        """A report an officer takes by phone or in person: filed like a resident's, marked
        with its channel and the officer who recorded the caller's oral consent, linked to
        nobody in Telegram until the caller claims it with the code returned (kept hashed)."""
        if draft.problems():
            raise ReportRefused("incomplete")
        where = await self._where(draft, officer_id)
        now = self.clock()
        async with self.db.transaction() as conn:
            report = await self._file(
                conn, where, OFFLINE, language, draft, caller, None, now, None,
                channel=channel, consent_by=officer_name,
            )  # fmt: skip
            await self.lifecycle.event(
                conn, report.id, "staff", officer_id, f"taken_{channel}", actor_name=officer_name
            )
            while True:
                code = new_claim_code()
                if await self.repo.add_claim_code(conn, report.id, claim_hash(code), now):
                    break
        self.outbox.notify()
        log.info("report %s taken by %s (%s) for a caller", report.id, officer_id, channel)
        return report, code

    def claims_left(self, user_id: int) -> int:
        """Wrong codes a person may still try this hour (this process counts them)."""
        hour_ago = self.clock() - timedelta(hours=1)
        recent = [at for at in self._claim_failures.get(user_id, []) if at > hour_ago]
        self._claim_failures[user_id] = recent
        return MAX_CLAIM_FAILURES - len(recent)

    async def claim(self, resident: User, code: str) -> Report | None:
        """A caller claims, in Telegram, the report an officer filed for them: from now on its
        updates reach them. None for a code that fits no unused one (never saying whether a
        report exists)."""
        if not resident.has_consent:
            return None
        async with self.db.transaction() as conn:
            report_id = await self.repo.claim(
                conn, claim_hash(code), resident.id, resident.language, OFFLINE, self.clock()
            )
            if report_id is None:
                self._claim_failures.setdefault(resident.id, []).append(self.clock())
                return None
            await self.lifecycle.event(conn, report_id, "resident", resident.id, "claimed")
            report = await self.repo.get(conn, report_id)
            assert report is not None
            await self.outbox.add(conn, self.renderer.claimed(report))
        self.outbox.notify()
        log.info("report %s claimed by %s", report_id, resident.id)
        return report

    async def _where(self, draft: ReportDraft, who: int) -> _Where:
        """Where the post goes: the precinct's chat or topic from the place, else the staff
        group (with a topic of its own when the group has topics)."""
        placement = Placement()
        if self.place is not None and draft.latitude is not None and draft.longitude is not None:
            placement = self.place(draft.latitude, draft.longitude)
        staff_chat = placement.staff_chat_id or await self.staff_chat_id()
        if staff_chat is None:  # no police chat would ever see it: not accepted
            log.warning("a report by %s refused: STAFF_CHAT_ID is not set", who)
            raise ReportRefused("no_staff")
        shared = placement.staff_thread_id
        # a topic of its own only in the main staff group, and only when it has topics
        topics = placement.staff_chat_id is None and shared is None
        topics = topics and self.staff_topics is not None
        topics = topics and await self.staff_topics()  # type: ignore[misc]
        return _Where(placement, staff_chat, shared, topics)

    async def _file(
        self,
        conn: Tx,
        where: _Where,
        reporter_id: int,
        language: str,
        draft: ReportDraft,
        name: str | None,
        username: str | None,
        now: datetime,
        earlier: int | None,
        *,
        channel: str = "telegram",
        consent_by: str | None = None,
    ) -> Report:
        """The report, its media and its staff post (and topic), inside the caller's
        transaction."""
        placement, staff_chat, shared = where.placement, where.staff_chat, where.shared
        report_id = await self.repo.insert(
            conn,
            reporter_id=reporter_id,
            draft=draft,
            language=language,
            reporter_name=None if draft.anonymous else name,
            reporter_username=None if draft.anonymous else username,
            now=now,
            precinct_id=placement.precinct_id,
            inspector_id=placement.inspector_id,
            staff_chat_id=staff_chat,
            shared_thread_id=shared,
            due_on=self.lifecycle.legal.due(draft.category, now)
            if self.lifecycle.legal is not None
            else None,
            channel=channel,
            consent_by=consent_by,
        )
        report = await self.repo.get(conn, report_id)
        assert report is not None
        if self.planner is not None:
            await self.planner.on_change(conn, report, "submitted")
        alike = await self._alike(conn, report)
        posts = self.renderer.staff_post(report, staff_chat, earlier, shared, alike)
        if where.topics:
            # its own forum topic first; the post rows, written now, learn the topic's id when
            # they are sent (per-chat order: the topic is created before them)
            await self.outbox.add(conn, self.renderer.staff_topic(report, staff_chat))
            posts = [
                NewMessage(
                    m.chat_id,
                    m.method,
                    {**m.payload, "message_thread_id": {TOPIC_OF: report.id}},
                    m.ref,
                )
                for m in posts
            ]
        for message in posts:
            await self.outbox.add(conn, message)
        return report

    async def nearby(self, draft: ReportDraft) -> list[Nearby]:
        """Before «Send»: open reports of the draft's category within the duplicate radius and
        window of its location (the nearest three), to follow instead. None for a typed
        address (no distance to measure)."""
        if draft.latitude is None or draft.longitude is None:
            return []
        async with self.db.read() as conn:
            found = await self._near(conn, draft.category, draft.latitude, draft.longitude, 0)
            reports = [await self.repo.get(conn, number) for number, _ in found]
        return [
            Nearby(report.id, metres, report.status, report.created_at)
            for report, (_, metres) in zip(reports, found, strict=True)
            if report is not None
        ]

    async def follow_instead(self, reporter: User, report_id: int, draft: ReportDraft) -> bool:
        """The resident follows an open report near their draft instead of sending it: told
        how it ends; its staff post counts them. False if it is not one they could have been
        shown (closed meanwhile, elsewhere, another kind: a forged or stale press)."""
        if not reporter.has_consent:
            return False
        offered = {near.id for near in await self.nearby(draft)}
        if report_id not in offered:
            return False
        async with self.db.transaction() as conn:
            report = await self.repo.get(conn, report_id)
            if report is None or report.status not in OPEN:
                return False
            if await self.repo.watch(conn, report_id, reporter.id, reporter.language, self.clock()):
                await self.lifecycle.event(
                    conn, report_id, "resident", reporter.id, "followed_instead"
                )
                updated = await self.repo.get(conn, report_id)
                assert updated is not None
                if updated.staff_message_id is not None:
                    await self.lifecycle.redraw(conn, updated)
        self.outbox.notify()
        log.info("report %s followed by %s instead of a new one", report_id, reporter.id)
        return True

    async def _near(
        self, conn: Tx, category: str, lat: float, lon: float, exclude: int
    ) -> list[tuple[int, int]]:
        """Open reports of `category` near a place, made lately: (number, metres), the
        nearest three."""
        rule = self.similar
        if rule is None:
            return []
        dlat = rule.radius_m / 111_320
        dlon = rule.radius_m / (111_320 * max(math.cos(math.radians(lat)), 0.01))
        nearby = await self.repo.near_open(
            conn,
            category,
            self.clock() - rule.window,
            (lat - dlat, lon - dlon, lat + dlat, lon + dlon),
            exclude,
        )
        found = [(near.id, int(distance_m(lat, lon, near.latitude, near.longitude)))
                 for near in nearby]  # fmt: skip
        return sorted((f for f in found if f[1] <= rule.radius_m), key=lambda f: f[1])[:3]

    async def _alike(self, conn: Tx, report: Report) -> list[tuple[int, int]]:
        """Open reports of the same category near this one, made lately: (number, metres),
        the nearest three."""
        if report.latitude is None or report.longitude is None:
            return []
        return await self._near(conn, report.category, report.latitude, report.longitude,
                                report.id)  # fmt: skip
