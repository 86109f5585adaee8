"""Reports of minor offences: the lifecycle, and nothing else allowed.

new ──take──▶ taken ──resolve──▶ resolved
 │             │  ▲ take by another officer (hand over)
 │             └──┴──reject──▶ rejected
 ├──reject──▶ rejected
 └──withdraw (resident)──▶ withdrawn
new | taken ──refer (staff)──▶ referred ──resolve (the body, or staff recording its answer)──▶
resolved; referred ──take (staff: taken back, or the body could not be reached)──▶ taken
resolved | rejected ──reopen (staff; resident only from resolved)──▶ taken
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    TAKEN = "taken"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    #: passed to the outside body whose matter it is (an akimat's department …)
    REFERRED = "referred"


class Action(StrEnum):
    TAKE = "take"
    RESOLVE = "resolve"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"
    REFER = "refer"


class Actor(StrEnum):
    STAFF = "staff"
    RESIDENT = "resident"
    #: an outside body a report was referred to, from its own chat
    BODY = "body"


#: (status, action, actor) -> new status: the whole lifecycle
TRANSITIONS: dict[tuple[Status, Action, Actor], Status] = {
    (Status.NEW, Action.TAKE, Actor.STAFF): Status.TAKEN,
    (Status.NEW, Action.REJECT, Actor.STAFF): Status.REJECTED,
    (Status.NEW, Action.WITHDRAW, Actor.RESIDENT): Status.WITHDRAWN,
    (Status.TAKEN, Action.TAKE, Actor.STAFF): Status.TAKEN,  # handed to another officer
    (Status.TAKEN, Action.RESOLVE, Actor.STAFF): Status.RESOLVED,
    (Status.TAKEN, Action.REJECT, Actor.STAFF): Status.REJECTED,
    (Status.RESOLVED, Action.REOPEN, Actor.STAFF): Status.TAKEN,
    (Status.REJECTED, Action.REOPEN, Actor.STAFF): Status.TAKEN,
    (Status.RESOLVED, Action.REOPEN, Actor.RESIDENT): Status.TAKEN,  # "not solved" in the survey
    (Status.NEW, Action.REFER, Actor.STAFF): Status.REFERRED,
    (Status.TAKEN, Action.REFER, Actor.STAFF): Status.REFERRED,
    (Status.REFERRED, Action.RESOLVE, Actor.BODY): Status.RESOLVED,
    (Status.REFERRED, Action.RESOLVE, Actor.STAFF): Status.RESOLVED,  # the body's answer
    (Status.REFERRED, Action.TAKE, Actor.STAFF): Status.TAKEN,  # taken back
}

OPEN = frozenset({Status.NEW, Status.TAKEN, Status.REFERRED})


#: what staff do to a report, in the group (its post's buttons, commands, replies) and in the
#: console (its card's forms)
STAFF_STEPS = (
    "take",
    "resolve",
    "reject",
    "reopen",
    "assign",
    "refer",
    "extend",
    "duplicate",
    "write",
    "template",
)


def staff_steps(status: Status) -> frozenset[str]:
    """The steps staff may take on a report in `status`: one rule for the staff post's buttons
    and the console's card (tests/unit/test_console_card.py holds the buttons to it)."""
    if status is Status.NEW:
        return frozenset(STAFF_STEPS) - {"resolve", "reopen"}
    if status is Status.TAKEN:
        return frozenset(STAFF_STEPS) - {"reopen"}
    if status is Status.REFERRED:  # in the body's hands: record its answer, or take it back
        return frozenset({"resolve", "take", "extend", "write", "template"})
    if status in (Status.RESOLVED, Status.REJECTED):
        return frozenset({"reopen", "write"})
    return frozenset()


class IllegalTransition(Exception):
    """The action does not apply to the report as it is now (often: someone was faster)."""

    def __init__(self, status: Status, action: Action, actor: Actor, reason: str = "") -> None:
        super().__init__(reason or f"{actor} cannot {action} a report that is {status}")
        self.status = status
        self.action = action
        self.actor = actor


@dataclass(frozen=True, slots=True)
class Change:
    status: Status
    officer_id: int | None  # who holds the report afterwards


def apply(
    status: Status,
    action: Action,
    actor: Actor,
    *,
    holder: int | None,
    officer_id: int | None = None,
) -> Change:
    """The outcome of `action` by `actor` (an officer's id for staff) on a report in `status`
    held by `holder`; raises IllegalTransition for anything the lifecycle does not allow."""
    target = TRANSITIONS.get((status, action, actor))
    if target is None:
        raise IllegalTransition(status, action, actor)
    if actor is Actor.STAFF and officer_id is None:
        raise IllegalTransition(status, action, actor, "a staff action needs the officer")
    if status is Status.TAKEN and action is Action.TAKE and holder == officer_id:
        raise IllegalTransition(status, action, actor, "the officer already holds it")
    if action in (Action.TAKE, Action.REOPEN, Action.REFER) and actor is Actor.STAFF:
        return Change(target, officer_id)
    if action is Action.WITHDRAW:
        return Change(target, None)
    return Change(target, holder)  # resolve/reject keep who handled it; resident reopen too


@dataclass(frozen=True, slots=True)
class Officer:
    """An officer as residents see them: rank and surname, from /me."""

    user_id: int
    rank: str
    surname: str

    @property
    def name(self) -> str:
        return f"{self.rank} {self.surname}"


MAX_DESCRIPTION = 2000
MAX_MEDIA = 5
#: an officer's typed note or reason for the resident
MAX_NOTE = 1000
#: an officer's message typed in the console (the header and it fit one Telegram message)
MAX_WRITTEN = 3000


@dataclass(frozen=True, slots=True)
class Media:
    kind: str  # "photo" or "video"
    file_id: str
    file_unique_id: str


@dataclass(frozen=True, slots=True)
class ReportDraft:
    """What the resident has told the wizard so far (kept as JSON in the FSM between steps)."""

    category: str
    description: str = ""
    voice_file_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    media: tuple[Media, ...] = ()
    anonymous: bool = False
    phone: str | None = None
    #: made when the wizard starts: a «Send» handled twice makes one report
    key: str | None = None

    @property
    def location_verified(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def problems(self) -> list[str]:
        """What keeps this draft from being submitted (empty when it is complete)."""
        found = []
        if not self.description.strip() and self.voice_file_id is None and not self.media:
            found.append("nothing describes what happened")
        if len(self.description) > MAX_DESCRIPTION:
            found.append("description too long")
        if not self.location_verified and not (self.address and self.address.strip()):
            found.append("no place")
        if len(self.media) > MAX_MEDIA:
            found.append("too many photos or videos")
        return found

    def to_json(self) -> dict[str, object]:
        return {
            "category": self.category,
            "description": self.description,
            "voice_file_id": self.voice_file_id,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "address": self.address,
            "media": [[m.kind, m.file_id, m.file_unique_id] for m in self.media],
            "anonymous": self.anonymous,
            "phone": self.phone,
            "key": self.key,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ReportDraft:
        media = data.get("media") or []
        assert isinstance(media, list)
        return cls(
            category=str(data["category"]),
            description=str(data.get("description") or ""),
            voice_file_id=data.get("voice_file_id"),  # type: ignore[arg-type]
            latitude=data.get("latitude"),  # type: ignore[arg-type]
            longitude=data.get("longitude"),  # type: ignore[arg-type]
            address=data.get("address"),  # type: ignore[arg-type]
            media=tuple(Media(str(k), str(f), str(u)) for k, f, u in media),
            anonymous=bool(data.get("anonymous")),
            phone=data.get("phone"),  # type: ignore[arg-type]
            key=str(data["key"]) if data.get("key") else None,
        )


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    reporter_id: int
    category: str
    description: str
    voice_file_id: str | None
    latitude: float | None
    longitude: float | None
    address: str | None
    location_verified: bool
    anonymous: bool
    reporter_name: str | None
    reporter_username: str | None
    phone: str | None
    language: str
    status: Status
    officer_id: int | None
    staff_chat_id: int | None
    staff_message_id: int | None
    staff_thread_id: int | None
    created_at: datetime
    updated_at: datetime
    media: tuple[Media, ...] = ()
    #: from its location and the directory; None: unassigned (routed by hand)
    precinct_id: str | None = None
    inspector_id: str | None = None
    #: its staff thread is its precinct's own topic, shared with other reports
    staff_thread_shared: bool = False
    #: the earlier report this one was marked the same as
    duplicate_of: int | None = None
    #: "high": staff marked it urgent (recalled and escalated twice as soon)
    priority: str = "normal"
    #: the outside body it is referred to (while referred)
    referred_to: str | None = None
    #: how it came in: "telegram", "phone" or "walkin" (filed by an officer for a caller,
    #: who gave their consent orally to `consent_by`)
    channel: str = "telegram"
    consent_by: str | None = None
    #: residents who reported the same thing: followed it instead of sending theirs, or
    #: theirs was marked its duplicate
    also_affected: int = 0
    #: the legal clock: the last day of the answer's term (local), extensions made, and the
    #: first answer's time, working days taken and working days late (0: in time)
    due_on: date | None = None
    extensions: int = 0
    answered_at: datetime | None = None
    answer_days: int | None = None
    late_days: int | None = None


@dataclass(frozen=True, slots=True)
class Nearby:
    """An open report a resident is shown before sending theirs: what and how far, never who
    sent it or what they wrote."""

    id: int
    metres: int
    status: Status
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ServiceArea:
    """A bounding box residents may report from (default: Shymkent)."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east


@dataclass(frozen=True, slots=True)
class FoundReport:
    """A line of /find: one of a named reporter's reports."""

    id: int
    status: Status
    category: str
    created_at: datetime
    reporter_name: str | None
