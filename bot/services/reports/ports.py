"""What the report services share with the rest: the ports they call (renderer, planner),
their results and refusals, the settings, and the refs of the messages they write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Protocol

from bot.domain.outbox import NewMessage
from bot.domain.refs import Ref, RefKind
from bot.domain.reports import Action, Report
from bot.storage.db import Tx


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
        earlier_reports: int | None,
        thread_id: int | None = None,
        alike: list[tuple[int, int]] | None = None,
    ) -> list[NewMessage]: ...

    def receipt(self, report: Report) -> NewMessage: ...

    def claimed(self, report: Report) -> NewMessage: ...

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
        self, report: Report, officer: tuple[str, str] | None, said: Relayed
    ) -> list[NewMessage]: ...

    def resident_says(
        self, report: Report, said: Relayed, *, header: bool = True
    ) -> list[NewMessage]: ...

    def staff_topic(self, report: Report, chat_id: int) -> NewMessage: ...

    def topic_state(self, report: Report, closed: bool) -> NewMessage | None: ...

    def ask_note(
        self, report: Report, action: Action, officer_id: int, officer: str, version: int
    ) -> NewMessage: ...

    def resident_unreachable(self, report: Report) -> NewMessage: ...

    def console_wrote(self, report: Report, officer: str, text: str) -> NewMessage | None: ...

    def relay_failed(self, report: Report, message_id: int) -> NewMessage: ...

    def recategorised(self, report: Report) -> NewMessage: ...

    def extended(self, report: Report, reason: str) -> NewMessage: ...

    def overdue(self, report: Report) -> NewMessage | None: ...

    def relocated(self, report: Report) -> NewMessage: ...

    def template_says(
        self, report: Report, officer: tuple[str, str] | None, text: str
    ) -> NewMessage: ...

    def duplicate_notice(self, report: Report, original: Report) -> NewMessage: ...

    def duplicate_joined(self, original: Report, duplicate: Report) -> NewMessage | None: ...

    def original_closed(self, original: Report, follower: dict[str, Any]) -> NewMessage: ...

    def watched_closed(self, report: Report, watcher: dict[str, Any]) -> NewMessage: ...

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


@dataclass(frozen=True)
class Extension:
    """An extension of a report's answer term: the report as it is now, or why not:
    "closed", "no term" (received before the legal clock), "past", "not later", "too late"
    (beyond `latest`, the legal maximum)."""

    report: Report
    refused: str | None = None
    latest: date | None = None


@dataclass(frozen=True)
class Relayed:
    """A message to pass between a resident and the staff: where it is and what it says.

    `html` is its text or caption with its formatting as HTML, escaped (None when it has
    neither); `length` counts the characters Telegram counts in it (without the markup). The
    relay goes as one message: the text under a header line, or the media copied with the
    header in its caption; as two (the header, then the copy) only when they do not fit."""

    chat_id: int
    message_id: int
    content_type: str = "text"
    html: str | None = None
    length: int = 0


def relay_ref(report_id: int, said: Relayed) -> Ref:
    """A relayed message's ref names the message it came from: once Telegram has taken the
    relay, that message gets the DELIVERED reaction, and an edit to it is traced back."""
    return Ref.report(report_id, "relay", said.chat_id, said.message_id)


def relayed_source(ref: Ref | None) -> tuple[int, int] | None:
    """`relay_ref` read back: (chat, message) the relay came from; None for any other ref
    (and for relays written before 0.2, which name no source)."""
    if ref is None or ref.kind is not RefKind.REPORT or ref.id is None:
        return None
    match ref.parts:
        case ("relay", chat, message):
            try:
                return int(chat), int(message)
            except ValueError:
                return None
        case _:
            return None


def post_ref(report_id: int) -> Ref:
    return Ref.report(report_id, "post")


def topic_ref(report_id: int) -> Ref:
    return Ref.report(report_id, "topic")


def ask_ref(report_id: int, action: Action, version: int) -> Ref:
    """The bot's request for a typed note (resolve) or reason (reject): a reply to it acts,
    but only on the report as it was asked about (`version`: its last change)."""
    return Ref.report(report_id, "ask", action.value, version)


def parse_ask(ref: Ref | None) -> tuple[int, Action, int] | None:
    """`ask_ref` read back: (report, action, version); None for any other ref."""
    if ref is None or ref.kind is not RefKind.REPORT or ref.id is None:
        return None
    match ref.parts:
        case ("ask", action, version):
            try:
                return ref.id, Action(action), int(version)
            except ValueError:
                return None
        case _:
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
    OFFLINE = "offline"  # taken by phone or in person, not claimed in Telegram: call them


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
