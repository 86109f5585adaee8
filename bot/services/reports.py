"""Reports: a resident's submission is stored with everything it must cause, in one go."""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from bot.domain.delivery import NewMessage, OutgoingMessage
from bot.domain.directory import Placement, distance_m
from bot.domain.refs import Ref, RefKind
from bot.domain.reports import (
    MAX_NOTE,
    OPEN,
    Action,
    Actor,
    IllegalTransition,
    Report,
    ReportDraft,
    Status,
    apply,
)
from bot.domain.users import FORGOTTEN, User
from bot.services.delivery import Outbox, fill_thread
from bot.storage.db import Database, Tx
from bot.storage.repositories import (
    RelayRepository,
    ReportRepository,
    StaffRepository,
    TemplateRepository,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportLimits:
    """Stop abuse without hurting honest residents (settings)."""

    max_open: int = 5
    max_per_hour: int = 5


class ReportRefused(Exception):
    """The report was not stored; `reason` says why: consent, open, hourly, incomplete,
    no_staff (no police chat would see it: STAFF_CHAT_ID is not set)."""

    def __init__(self, reason: str, limit: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


class ReportPlanner(Protocol):
    async def on_change(self, conn: Tx, report: Report, event: str) -> None: ...


class ReportRenderer(Protocol):
    """Turns a stored report into the messages it causes (the telegram layer implements it)."""

    def staff_post(
        self,
        report: Report,
        chat_id: int,
        earlier_reports: int,
        thread_id: int | None = None,
        alike: list[tuple[int, int]] | None = None,
    ) -> list[NewMessage]: ...

    def receipt(self, report: Report) -> NewMessage: ...

    def staff_post_update(
        self, report: Report, earlier_reports: int, officer: str | None
    ) -> NewMessage | None: ...

    def resident_notice(
        self,
        report: Report,
        action: Action,
        officer: tuple[str, str] | None,
        reason: str | None,
        note: str | None = None,
    ) -> NewMessage | None: ...

    def officer_says(
        self, report: Report, officer: tuple[str, str] | None, from_chat: int, message_id: int
    ) -> list[NewMessage]: ...

    def resident_says(
        self, report: Report, from_chat: int, message_id: int
    ) -> list[NewMessage]: ...

    def staff_topic(self, report: Report, chat_id: int) -> NewMessage: ...

    def topic_state(self, report: Report, closed: bool) -> NewMessage | None: ...

    def ask_note(
        self, report: Report, action: Action, officer_id: int, officer: str, version: int
    ) -> NewMessage: ...

    def resident_unreachable(self, report: Report) -> NewMessage: ...

    def recategorised(self, report: Report) -> NewMessage: ...

    def relocated(self, report: Report) -> NewMessage: ...

    def template_says(
        self, report: Report, officer: tuple[str, str] | None, text: str
    ) -> NewMessage: ...

    def duplicate_notice(self, report: Report, original: Report) -> NewMessage: ...

    def duplicate_joined(self, original: Report, duplicate: Report) -> NewMessage | None: ...

    def original_closed(self, original: Report, follower: dict[str, Any]) -> NewMessage: ...

    def not_solved(self, report: Report, comment: str | None) -> NewMessage: ...


@dataclass(frozen=True)
class ActionResult:
    report: Report
    changed: bool
    #: why nothing changed (the report as it is now tells the rest)
    refused: str | None = None
    #: who made the report's last change, as staff know them (for "someone was faster")
    by: str | None = None
    by_id: int | None = None


#: the reaction on an officer's message once it reached the resident. Telegram allows only its
#: own set of reaction emoji, which has no ✓; 👌 says "delivered" best among them.
DELIVERED = "👌"


def post_ref(report_id: int) -> str:
    return f"report:{report_id}:post"


def topic_ref(report_id: int) -> str:
    return f"report:{report_id}:topic"


def ask_ref(report_id: int, action: Action, version: int) -> str:
    """The bot's request for a typed note (resolve) or reason (reject): a reply to it acts,
    but only on the report as it was asked about (`version`: its last change)."""
    return f"report:{report_id}:ask:{action.value}:{version}"


def parse_ask(ref: str | None) -> tuple[int, Action, int] | None:
    parts = (ref or "").split(":")
    if len(parts) != 5 or parts[0] != "report" or parts[2] != "ask":
        return None
    try:
        return int(parts[1]), Action(parts[3]), int(parts[4])
    except ValueError:
        return None


#: in an outbox row: "the forum topic of this report", filled in when the row is sent
TOPIC_OF = "topic_of_report"


class Said(StrEnum):
    """What became of an officer's message in the staff group."""

    RELAYED = "relayed"  # copied to the resident
    ACTED = "acted"  # it was the note or reason the bot asked for: the report changed
    CHANGED = "changed"  # it was, but the report changed meanwhile: nothing happened
    NOT_TEXT = "not_text"  # a note or reason must be text
    TOO_LONG = "too_long"
    NOT_A_REPORT = "not_a_report"  # a reply to a bot message that belongs to no report
    IGNORED = "ignored"  # officers talking among themselves, outside any report
    ERASED = "erased"  # the resident had their data erased (/forgetme): nobody to tell


#: what an officer may send a resident (service messages, polls and games are not relayed)
RELAYABLE = frozenset(
    {
        "text", "photo", "video", "voice", "audio", "document", "animation", "sticker",
        "video_note", "location", "venue", "contact",
    }
)  # fmt: skip


@dataclass(frozen=True)
class SimilarRule:
    """Reports of the same category this close in place and time are shown as possibly the
    same thing."""

    radius_m: float = 150.0
    window: timedelta = timedelta(hours=24)


class ReportService:
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
        #: inside the transaction that resolves a report (area alerts for those who opted in)
        self.on_resolved = on_resolved
        #: precincts' own staff chats (the directory): they see their reports without a group
        self.precinct_chats = precinct_chats
        self.db = db
        #: when a new report is shown with others that may be the same thing (None: never)
        self.similar = similar
        self.outbox = outbox
        self.clock = clock
        self.renderer = renderer
        self.staff_chat_id = staff_chat_id
        self.limits = limits or ReportLimits()
        self.staff_topics = staff_topics
        #: a report's precinct, inspector and destination from its location (the directory)
        self.place = place
        #: follow-ups (reminders, escalations, the survey) scheduled and cancelled with changes
        self.planner = planner
        self.repo = ReportRepository()
        self.staff = StaffRepository()
        self.relays = RelayRepository()
        self.templates = TemplateRepository()

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
        placement = Placement()
        if self.place is not None and draft.latitude is not None and draft.longitude is not None:
            placement = self.place(draft.latitude, draft.longitude)
        staff_chat = placement.staff_chat_id or await self.staff_chat_id()
        if staff_chat is None:  # no police chat would ever see it: not accepted
            log.warning("a report by %s refused: STAFF_CHAT_ID is not set", reporter.id)
            raise ReportRefused("no_staff")
        shared = placement.staff_thread_id
        # a topic of its own only in the main staff group, and only when it has topics
        topics = placement.staff_chat_id is None and shared is None
        topics = topics and staff_chat is not None and self.staff_topics is not None
        topics = topics and await self.staff_topics()  # type: ignore[misc]
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
            report_id = await self.repo.insert(
                conn,
                reporter_id=reporter.id,
                draft=draft,
                language=reporter.language,
                reporter_name=None if draft.anonymous else name,
                reporter_username=None if draft.anonymous else username,
                now=now,
                precinct_id=placement.precinct_id,
                inspector_id=placement.inspector_id,
                staff_chat_id=staff_chat,
                shared_thread_id=shared if staff_chat is not None else None,
            )
            await self._event(conn, report_id, "resident", reporter.id, "submitted")
            report = await self.repo.get(conn, report_id)
            assert report is not None
            if self.planner is not None:
                await self.planner.on_change(conn, report, "submitted")
            if staff_chat is not None:
                alike = await self._alike(conn, report)
                posts = self.renderer.staff_post(report, staff_chat, earlier, shared, alike)
                if topics:
                    # its own forum topic first; the post rows, written now, learn the topic's
                    # id when they are sent (per-chat order: the topic is created before them)
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
            await self.outbox.add(conn, self.renderer.receipt(report))
        self.outbox.notify()
        log.info("report %s submitted by %s (%s)", report_id, reporter.id, draft.category)
        return report

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
            result = await self._act(
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

    async def _act(
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
        report = await self.repo.get(conn, report_id)
        if report is None:
            raise LookupError(f"report {report_id} does not exist")
        if seen is not None and report.status is not seen:
            # the officer pressed a button of the post as it was: someone was faster
            return await self._refused(conn, report, "changed meanwhile")
        if version is not None and await self.repo.version(conn, report_id) != version:
            # a note asked for before a change (even one that came back to the same status)
            return await self._refused(conn, report, "changed meanwhile")
        result = await self._transition(
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
            return await self._refused(conn, result.report, result.refused)
        updated = result.report
        if action is Action.REOPEN:
            await self._topic_state(conn, updated, closed=False)  # before anything is posted
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
            await self._tell_followers(conn, updated)
        if action is Action.RESOLVE and self.on_resolved is not None:
            await self.on_resolved(conn, updated)
        if action is Action.REOPEN and updated.duplicate_of is not None:
            await self.repo.unfollow(conn, updated.id)  # handled on its own again
        if updated.status not in OPEN:
            await self._topic_state(conn, updated, closed=True)
        return ActionResult(updated, True)

    async def _alike(self, conn: Tx, report: Report) -> list[tuple[int, int]]:
        """Open reports of the same category near this one, made lately: (number, metres),
        the nearest three."""
        rule = self.similar
        if rule is None or report.latitude is None or report.longitude is None:
            return []
        lat, lon = report.latitude, report.longitude
        dlat = rule.radius_m / 111_320
        dlon = rule.radius_m / (111_320 * max(math.cos(math.radians(lat)), 0.01))
        rows = await self.repo.near_open(
            conn,
            report.category,
            self.clock() - rule.window,
            (lat - dlat, lon - dlon, lat + dlat, lon + dlon),
            report.id,
        )
        found = [
            (int(row["id"]), int(distance_m(lat, lon, row["latitude"], row["longitude"])))
            for row in rows
        ]
        return sorted((f for f in found if f[1] <= rule.radius_m), key=lambda f: f[1])[:3]

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
            await self._event(
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
                return await self._refused(conn, report, "changed meanwhile")
            if original.status not in OPEN:
                return ActionResult(report, False, "original closed")
            result = await self._transition(
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
                return await self._refused(conn, result.report, result.refused)
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
            await self._topic_state(conn, updated, closed=True)
        self.outbox.notify()
        log.info("report %s: a duplicate of %s (by %s)", report_id, original.id, by_id)
        return ActionResult(updated, True)

    async def assign(
        self,
        report_id: int,
        officer_id: int,
        officer_name: str,
        by_id: int,
        by_name: str,
    ) -> ActionResult:
        """Hand a report to an officer (a new one, or one already held): they hold it as if
        they had taken it, the resident is told who handles it, and the history says who
        handed it over."""
        async with self.db.transaction() as conn:
            result = await self._act(
                conn, report_id, Action.TAKE, officer_id, officer_name, None, None, None
            )
            if result.changed and by_id != officer_id:
                await self._event(
                    conn, report_id, "staff", by_id, "assign", note=officer_name, actor_name=by_name
                )
        if result.changed:
            self.outbox.notify()
            log.info("report %s: handed to %s by %s", report_id, officer_id, by_id)
        return result

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
            await self._event(
                conn, report_id, "staff", by_id, "place", note=note, actor_name=by_name
            )
            updated = await self.repo.get(conn, report_id)
            assert updated is not None
            await self._redraw_post(conn, updated)
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
            await self._event(
                conn, report_id, "staff", by_id, "priority", note=priority, actor_name=by_name
            )
            updated = await self.repo.get(conn, report_id)
            assert updated is not None
            if self.planner is not None:
                await self.planner.on_change(conn, updated, "priority")
            await self._redraw_post(conn, updated)
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
            await self._event(
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
            await self._redraw_post(conn, updated)
            await self.outbox.add(conn, self.renderer.recategorised(updated))
        self.outbox.notify()
        return updated

    async def redraw_post(self, conn: Tx, report_id: int) -> bool:
        """Bring a report's staff post up to date (inside the caller's transaction); False if
        it has no post yet (it will be sent as the report is then)."""
        report = await self.repo.get(conn, report_id)
        if report is None or report.staff_message_id is None:
            return False
        await self._redraw_post(conn, report)
        return True

    async def _redraw_post(self, conn: Tx, report: Report) -> None:
        """The staff post shows the report as it is now (a field changed, not its status)."""
        earlier = await self.repo.count_by_reporter(conn, report.reporter_id) - 1
        last = await self.repo.last_change(conn, report.id)
        edit = self.renderer.staff_post_update(report, earlier, last[1] if last else None)
        if edit is not None:
            await self.outbox.add(conn, edit)

    async def _tell_followers(self, conn: Tx, original: Report) -> None:
        """Those whose reports joined this one hear how it ended, once (its own author gets
        the usual notice instead)."""
        for follower in await self.repo.followers(conn, original.id):
            if follower["user_id"] != original.reporter_id:
                await self.outbox.add(conn, self.renderer.original_closed(original, follower))
        await self.repo.followers_told(conn, original.id, self.clock())

    async def _refused(self, conn: Tx, report: Report, why: str | None) -> ActionResult:
        last = await self.repo.last_change(conn, report.id)
        if last is None:
            return ActionResult(report, False, why)
        return ActionResult(report, False, why, by=last[1], by_id=last[0])

    async def _topic_state(self, conn: Tx, report: Report, closed: bool) -> None:
        message = self.renderer.topic_state(report, closed)
        if message is not None:
            await self.outbox.add(conn, message)

    async def ask(
        self, report_id: int, action: Action, *, officer_id: int, officer_name: str, seen: Status
    ) -> ActionResult:
        """Resolve with a note, or reject with a typed reason: the bot asks the officer to
        reply with the text; the reply (to that very message) acts, if nothing changed."""
        async with self.db.transaction() as conn:
            report = await self.repo.get(conn, report_id)
            if report is None:
                raise LookupError(f"report {report_id} does not exist")
            if report.status is not seen:
                return await self._refused(conn, report, "changed meanwhile")
            try:
                apply(
                    report.status,
                    action,
                    Actor.STAFF,
                    holder=report.officer_id,
                    officer_id=officer_id,
                )
            except IllegalTransition as exc:
                return ActionResult(report, False, str(exc))
            version = await self.repo.version(conn, report_id)
            await self.outbox.add(
                conn, self.renderer.ask_note(report, action, officer_id, officer_name, version)
            )
        self.outbox.notify()
        return ActionResult(report, False)

    async def from_officer(
        self,
        chat_id: int,
        message_id: int,
        *,
        officer_id: int,
        officer_name: str,
        reply_to: int | None,
        thread_id: int | None,
        text: str | None,
        content_type: str,
    ) -> tuple[Said, ActionResult | None]:
        """An officer's message in the staff group. In reply to the bot's request for a note
        or a reason it completes that action; in reply to a report's post (or anything the
        bot posted for it), or anywhere in a report's forum topic, it is relayed to the
        resident; anything else stays among staff."""
        async with self.db.transaction() as conn:
            ref = await self.relays.ref_of(conn, chat_id, reply_to) if reply_to else None
            asked = parse_ask(ref)
            if asked is not None:
                report_id, action, version = asked
                if text is None:
                    return Said.NOT_TEXT, None
                if len(text) > MAX_NOTE:
                    return Said.TOO_LONG, None
                result = await self._act(
                    conn,
                    report_id,
                    action,
                    officer_id,
                    officer_name,
                    None,
                    text.strip(),
                    None,
                    version,
                )
                said = Said.ACTED if result.changed else Said.CHANGED
                outcome: ActionResult | None = result
            else:
                report = None
                if reply_to is not None:
                    found = await self.relays.report_of_staff_post(conn, chat_id, reply_to)
                    report = await self.repo.get(conn, found) if found else None
                if report is None and thread_id is not None:
                    report = await self.repo.by_topic(conn, chat_id, thread_id)
                if report is None:
                    return (Said.NOT_A_REPORT if reply_to else Said.IGNORED), None
                if content_type not in RELAYABLE:
                    return Said.IGNORED, None
                if report.reporter_id == FORGOTTEN:
                    return Said.ERASED, None
                officer = await self.staff.profile(conn, officer_id)
                for message in self.renderer.officer_says(report, officer, chat_id, message_id):
                    await self.outbox.add(conn, message)
                await self._event(
                    conn,
                    report.id,
                    "staff",
                    officer_id,
                    "officer_message",
                    actor_name=officer_name,
                )
                said, outcome = Said.RELAYED, ActionResult(report, False)
        self.outbox.notify()
        return said, outcome

    async def relay_from_resident(
        self, resident_id: int, reply_to: int, message_id: int
    ) -> Report | None:
        """The resident answered a relayed officer message: copy it to the staff group."""
        async with self.db.transaction() as conn:
            report_id = await self.relays.report_of_relayed(conn, resident_id, reply_to)
            report = await self.repo.get(conn, report_id) if report_id else None
            if report is None or report.reporter_id != resident_id:
                return None
            if report.staff_chat_id is None:
                return None
            await self._to_staff(conn, report, resident_id, message_id)
        self.outbox.notify()
        return report

    async def write_to_staff(
        self, resident_id: int, report_id: int, message_id: int, *, header: bool = True
    ) -> Report | None:
        """ "Add details" from the report card: the resident's message goes under the post.
        Only their own report, and only while it is open."""
        async with self.db.transaction() as conn:
            report = await self.repo.get(conn, report_id)
            if report is None or report.reporter_id != resident_id:
                return None
            if report.status not in OPEN or report.staff_chat_id is None:
                return None
            await self._to_staff(conn, report, resident_id, message_id, header=header)
        self.outbox.notify()
        return report

    async def resident_unreachable(self, report_id: int) -> None:
        """A message for the resident was refused (they blocked the bot): tell the staff,
        once per report, under its post."""
        async with self.db.transaction() as conn:
            report = await self.repo.get(conn, report_id)
            if report is None or report.staff_chat_id is None:
                return
            if await self.repo.has_event(conn, report_id, "resident_unreachable"):
                return
            await self.outbox.add(conn, self.renderer.resident_unreachable(report))
            await self._event(conn, report_id, "system", None, "resident_unreachable")
        self.outbox.notify()

    async def _transition(
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
    ) -> ActionResult:
        """The lifecycle decides; compare-and-set stores it; the history records it."""
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
        ):
            current = await self.repo.get(conn, report.id)
            assert current is not None
            return ActionResult(current, False, "changed meanwhile")
        event = "withdraw" if action is Action.WITHDRAW else action.value
        await self._event(
            conn,
            report.id,
            actor.value,
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

    async def _event(
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

    async def _to_staff(
        self,
        conn: Tx,
        report: Report,
        resident_id: int,
        message_id: int,
        *,
        header: bool = True,
    ) -> None:
        messages = self.renderer.resident_says(report, resident_id, message_id)
        for message in messages if header else messages[1:]:  # [0] is the header
            await self.outbox.add(conn, message)
        await self._event(conn, report.id, "resident", resident_id, "resident_message")

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
            result = await self._transition(
                conn, report, Action.WITHDRAW, Actor.RESIDENT, resident_id
            )
            if not result.changed:
                return result
            updated = result.report
            earlier = await self.repo.count_by_reporter(conn, resident_id) - 1
            edit = self.renderer.staff_post_update(updated, earlier, None)
            if edit is not None:
                await self.outbox.add(conn, edit)
            await self._topic_state(conn, updated, closed=True)
            await self._tell_followers(conn, updated)  # theirs joined it: they must know
        self.outbox.notify()
        return ActionResult(updated, True)

    async def relayed_to_resident(self, chat_id: int, message_id: int) -> int | None:
        """The report a staff message was relayed for (an officer editing it is told that
        the resident keeps the first version)."""
        async with self.db.read() as conn:
            return await self.relays.relayed_from(conn, chat_id, message_id)

    async def reopen_by_resident(
        self, conn: Tx, report_id: int, resident_id: int, note: str | None
    ) -> ActionResult | None:
        """ "Not solved" in the survey: the report is taken again by whoever handled it, the post
        is brought up to date and the staff are told (inside the caller's transaction)."""
        report = await self.repo.get(conn, report_id)
        if report is None or report.reporter_id != resident_id:
            return None
        result = await self._transition(
            conn, report, Action.REOPEN, Actor.RESIDENT, resident_id, note=note
        )
        if not result.changed:
            return result
        updated = result.report
        await self._topic_state(conn, updated, closed=False)
        earlier = await self.repo.count_by_reporter(conn, updated.reporter_id) - 1
        edit = self.renderer.staff_post_update(updated, earlier, None)
        if edit is not None:
            await self.outbox.add(conn, edit)
        if updated.staff_chat_id is not None:
            await self.outbox.add(conn, self.renderer.not_solved(updated, note))
        self.outbox.notify()
        return result

    async def held_by(self, officer_id: int) -> list[Report]:
        """/mine: the reports an officer has taken and not closed."""
        async with self.db.read() as conn:
            return await self.repo.held_by(conn, officer_id)

    async def set_staff_profile(self, user_id: int, rank: str, surname: str) -> None:
        async with self.db.transaction() as conn:
            await self.staff.set_profile(conn, user_id, rank, surname, self.clock())

    async def staff_profile(self, user_id: int) -> tuple[str, str] | None:
        async with self.db.read() as conn:
            return await self.staff.profile(conn, user_id)

    async def get(self, report_id: int) -> Report | None:
        async with self.db.read() as conn:
            return await self.repo.get(conn, report_id)

    async def on_sent(self, conn: Tx, message: OutgoingMessage, message_id: int | None) -> None:
        """Delivery hook: remember where a report's staff post landed (replies trace back)."""
        if (
            message.method == "copyMessage"
            and message.ref is not None
            and message.ref.endswith(":relay")
            and message.chat_id > 0  # an officer's message reached the resident
        ):
            # mark the officer's message in the staff group instead of writing a new one
            await self.outbox.add(
                conn,
                NewMessage(
                    int(message.payload["from_chat_id"]),
                    "setMessageReaction",
                    {
                        "message_id": int(message.payload["message_id"]),
                        "reaction": [{"type": "emoji", "emoji": DELIVERED}],
                    },
                    ref=message.ref.replace(":relay", ":delivered"),
                ),
            )
            self.outbox.notify()
        ref = Ref.of(message.ref)
        if ref is None or ref.kind is not RefKind.REPORT or ref.id is None:
            return
        report_id = ref.id
        if ref.part == "topic" and message_id is not None:
            # the report's topic exists: its post rows, already queued, will go there
            await self.repo.set_staff_topic(conn, report_id, message.chat_id, message_id)
            report = await self.repo.get(conn, report_id)
            if report is not None and report.status not in OPEN:  # withdrawn meanwhile
                await self._topic_state(conn, report, closed=True)
                self.outbox.notify()
        elif ref.part == "post":
            await self.repo.set_staff_post(conn, report_id, message.chat_id, message_id)
            report = await self.repo.get(conn, report_id)
            if report is not None and report.updated_at >= message.created_at:
                # someone acted (or the resident withdrew, or staff changed its category,
                # priority or place) after the post was written and before it arrived: bring it
                # up to date now (a report just made has no such change: no needless edit)
                changed = report.status is not Status.NEW
                for action in ("category", "priority", "place"):
                    changed = changed or await self.repo.has_event(conn, report.id, action)
                if changed:
                    await self._redraw_post(conn, report)
                    self.outbox.notify()

    async def on_failed(self, conn: Tx, message: OutgoingMessage, error: str) -> None:
        """Delivery hook: Telegram will not create the report's topic (topics switched off, or
        the bot may not manage them): its post rows go to the group without one."""
        ref = Ref.of(message.ref)
        if ref is None or ref.kind is not RefKind.REPORT or ref.id is None:
            return
        report_id = ref.id
        if ref.part == "topic":
            log.error(
                "report %s: Telegram refused its forum topic (%s); posting it without one. "
                "Give the bot the right to manage topics, or switch topics off.",
                report_id,
                error,
            )
            await self.repo.set_staff_topic(conn, report_id, message.chat_id, None)

    async def on_topic_gone(self, conn: Tx, message: OutgoingMessage, error: str) -> None:
        """Delivery hook: a message for a report's topic found it closed or deleted (it goes to
        General). A deleted topic took the post and its buttons with it: post the report again,
        without a topic, as it is now."""
        ref = Ref.of(message.ref)
        if ref is None or ref.kind is not RefKind.REPORT or ref.id is None:
            return
        if "not found" not in error.lower() and "deleted" not in error.lower():
            return  # closed by hand: the post and its buttons are still there
        report = await self.repo.get(conn, ref.id)
        if report is None or report.staff_thread_id is None or report.staff_chat_id is None:
            return
        if report.staff_thread_shared:
            return  # the precinct's topic: its messages go to General from now on
        if message.payload.get("message_thread_id") != report.staff_thread_id:
            return
        log.warning("report %s: its topic was deleted; posting the report again", report.id)
        await self.repo.set_staff_topic(conn, report.id, report.staff_chat_id, None)
        await self.repo.set_staff_post(conn, report.id, report.staff_chat_id, None)
        earlier = await self.repo.count_by_reporter(conn, report.reporter_id) - 1
        for post in self.renderer.staff_post(report, report.staff_chat_id, earlier):
            await self.outbox.add(conn, post)
        self.outbox.notify()

    async def prepare(self, message: OutgoingMessage) -> dict[str, Any]:
        """Delivery hook: fill in the forum topic of a post row written before the topic
        existed (no topic after all: the group itself)."""

        async def thread_of(report_id: int) -> int | None:
            report = await self.get(report_id)
            return report.staff_thread_id if report is not None else None

        return await fill_thread(message.payload, TOPIC_OF, thread_of)
