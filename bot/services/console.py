"""The staff console's services (issue 24): the queue of open reports, page by page (each page
in one consistent read), and the report card's actions, which call the same services as the
group's buttons and commands.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.console_map import HEAT_PLACES, MAX_MARKERS, RECENT_DAYS, MapData
from bot.domain.queue import Cursor, QueueFilter, QueuePage, place
from bot.domain.referrals import COMPETENCE
from bot.domain.reports import MAX_NOTE, Action, Status
from bot.services.referrals import ReferralService
from bot.services.referrals import Refused as ReferralRefused
from bot.services.reports import ReportService
from bot.services.reports.ports import Said
from bot.storage.db import Database
from bot.storage.repositories import QueueRepository

#: reports on one page of the queue
PAGE = 25


class ConsoleService:
    def __init__(self, db: Database, clock: Callable[[], datetime], zone: ZoneInfo) -> None:
        self.db = db
        self.clock = clock
        self.zone = zone
        self.reports = QueueRepository()

    async def queue(
        self, filt: QueueFilter, after: Cursor | None = None, size: int = PAGE
    ) -> QueuePage:
        """One page of open reports in the order a duty officer should look at them, from
        after `after` (the previous page's `next`)."""
        today = self.clock().astimezone(self.zone).date()
        async with self.db.read(slow=True) as conn:
            reports, total = await self.reports.queue(conn, filt, today, after, size + 1)
        shown = tuple(reports[:size])
        more = len(reports) > size and shown
        return QueuePage(shown, place(shown[-1], today) if more else None, total)

    async def map(
        self, days: int, category: str | None = None, within: frozenset[str] | None = None
    ) -> MapData:
        """The map's markers (open reports, and those closed in the last RECENT_DAYS) and the
        heat of the last `days` days (of `category`; of the precincts `within`, if given), in
        one consistent read."""
        now = self.clock()
        today = now.astimezone(self.zone).date()
        async with self.db.read(slow=True) as conn:
            markers, total = await self.reports.map_markers(
                conn, today, now - timedelta(days=RECENT_DAYS), MAX_MARKERS, within
            )
            heat = await self.reports.heat(
                conn, now - timedelta(days=days), category, HEAT_PLACES, within
            )
        return MapData(tuple(markers), total, tuple(heat))


class Outcome(StrEnum):
    """What a press in the console's report card came to (shown on the card afterwards; the
    value goes into the card's address, so it says nothing about anyone)."""

    DONE = "done"  # the report changed: the post is edited, the resident told
    SENT = "sent"  # the resident got the message
    LATE = "late"  # someone was faster: the report is not as the card showed it
    EMPTY = "empty"  # a text was needed
    TOO_LONG = "long"
    ERASED = "erased"  # the resident erased their data: nobody to write to
    OFFLINE = "offline"  # taken by phone: call them
    NOT_STAFF = "notstaff"  # handed to someone who is not in the staff group
    NO_ORIGINAL = "noorig"  # a duplicate of a report that does not exist (or of itself)
    ORIGINAL_CLOSED = "origclosed"
    NO_BODY = "nobody"  # a body no longer in the list
    CLOSED = "closed"  # the report is closed (or referred) for this step
    BAD_DATE = "baddate"
    NO_TERM = "noterm"  # came in before the legal clock
    PAST = "past"
    NOT_LATER = "notlater"
    TOO_LATE = "toolate"  # beyond the legal maximum
    NO_TEMPLATE = "notemplate"


@dataclass(frozen=True)
class Who:
    """The officer pressing, as Telegram names them."""

    user_id: int
    name: str


class CardActions:
    """The report card's buttons in the console: each calls the service the group's button
    or command calls, with the same compare-and-set (`seen`: the status the card showed), and
    says what came of it. One rule, two faces."""

    def __init__(
        self,
        reports: ReportService,
        referrals: ReferralService,
        may_handle: Callable[[int, str | None], Awaitable[bool]],
    ) -> None:
        self.reports = reports
        self.referrals = referrals
        #: may this person handle a report of this precinct (staff, or its precinct chat)
        self.may_handle = may_handle

    async def change(
        self,
        number: int,
        step: Action,
        who: Who,
        seen: Status,
        *,
        reason: str | None = None,
        note: str | None = None,
    ) -> Outcome:
        """Take, resolve (with an optional note), reject (a listed reason or a typed one),
        reopen."""
        note = note.strip() if note else None
        if note and len(note) > MAX_NOTE:
            return Outcome.TOO_LONG
        try:
            result = await self.reports.lifecycle.act(
                number,
                step,
                officer_id=who.user_id,
                officer_name=who.name,
                reason=reason,
                note=note or None,
                seen=seen,
            )
        except LookupError:
            return Outcome.LATE
        return Outcome.DONE if result.changed else Outcome.LATE

    async def assign(self, number: int, who: Who, seen: Status, to: Who) -> Outcome:
        report = await self.reports.get(number)
        if report is None:
            return Outcome.LATE
        if not await self.may_handle(to.user_id, report.precinct_id):
            return Outcome.NOT_STAFF
        if report.status is Status.TAKEN and report.officer_id == to.user_id:
            return Outcome.DONE  # theirs already: nothing to hand over
        try:
            result = await self.reports.actions.assign(
                number, to.user_id, to.name, who.user_id, who.name, seen
            )
        except LookupError:
            return Outcome.LATE
        return Outcome.DONE if result.changed else Outcome.LATE

    async def recategorise(self, number: int, who: Who, seen: Status, category: str) -> Outcome:
        """File it under another category (a bulk step: the report as the queue showed it)."""
        report = await self.reports.get(number)
        if report is None or report.status is not seen:
            return Outcome.LATE
        if report.category == category:
            return Outcome.DONE
        changed = await self.reports.actions.recategorise(number, category, who.user_id, who.name)
        return Outcome.DONE if changed is not None else Outcome.LATE

    async def refer(self, number: int, who: Who, seen: Status, body: str) -> Outcome:
        step = await self.referrals.refer(number, body, COMPETENCE, who.user_id, who.name, seen)
        if step.refused is None:
            return Outcome.DONE
        return {
            ReferralRefused.NO_BODY: Outcome.NO_BODY,
            ReferralRefused.CHANGED: Outcome.LATE,
        }.get(step.refused, Outcome.CLOSED)

    async def extend(self, number: int, who: Who, to: date | int, reason: str) -> Outcome:
        reason = reason.strip()
        if not reason:
            return Outcome.EMPTY
        if len(reason) > MAX_NOTE:
            return Outcome.TOO_LONG
        extension = await self.reports.actions.extend(number, to, reason, who.user_id, who.name)
        if extension is None:
            return Outcome.LATE
        return {
            None: Outcome.DONE,
            "closed": Outcome.CLOSED,
            "no term": Outcome.NO_TERM,
            "past": Outcome.PAST,
            "not later": Outcome.NOT_LATER,
        }.get(extension.refused, Outcome.TOO_LATE)

    async def duplicate(self, number: int, who: Who, seen: Status, original: int) -> Outcome:
        marked = await self.reports.actions.mark_duplicate(
            number, original, who.user_id, who.name, seen
        )
        if marked is None:
            return Outcome.NO_ORIGINAL
        if marked.changed:
            return Outcome.DONE
        if marked.refused == "original closed":
            return Outcome.ORIGINAL_CLOSED
        return Outcome.LATE

    async def write(self, number: int, who: Who, text: str) -> Outcome:
        said = await self.reports.conversation.write(
            number, text, officer_id=who.user_id, officer_name=who.name
        )
        return {
            Said.RELAYED: Outcome.SENT,
            Said.NOT_TEXT: Outcome.EMPTY,
            Said.TOO_LONG: Outcome.TOO_LONG,
            Said.ERASED: Outcome.ERASED,
            Said.OFFLINE: Outcome.OFFLINE,
        }.get(said, Outcome.LATE)

    async def template(self, number: int, who: Who, template: int) -> Outcome:
        sent = await self.reports.actions.send_template(number, template, who.user_id, who.name)
        return Outcome.SENT if sent is not None else Outcome.NO_TEMPLATE
