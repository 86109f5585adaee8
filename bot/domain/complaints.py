"""A complaint about a police officer's conduct: a resident's appeal of its own kind.

It is never a report: it has its own numbers, goes to the complaints chat only (the
supervisors' or internal security's), and no staff figure, export or search sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

#: what the resident writes, in characters (a Telegram message holds 4096 with the header)
MIN_COMPLAINT = 20
MAX_COMPLAINT = 3000
#: a supervisor's answer or message to the resident, at most
MAX_ANSWER = 3000


class ComplaintStatus(StrEnum):
    NEW = "new"
    TAKEN = "taken"  # a supervisor looks into it
    ANSWERED = "answered"  # the answer is given: closed


OPEN = frozenset({ComplaintStatus.NEW, ComplaintStatus.TAKEN})


@dataclass(frozen=True, slots=True)
class ComplaintDraft:
    """What the wizard collected; `key` makes «Send» pressed twice file one complaint."""

    description: str
    anonymous: bool
    key: str


@dataclass(frozen=True, slots=True)
class Complaint:
    id: int
    user_id: int
    language: str
    #: None: anonymous
    name: str | None
    description: str
    status: ComplaintStatus
    created_at: datetime
    due_on: date
    chat_id: int
    message_id: int | None = None
    handler_id: int | None = None
    handler_name: str | None = None
    answer: str | None = None
    answered_at: datetime | None = None
    answer_days: int | None = None
    late_days: int | None = None
    overdue_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class ComplaintRefused(StrEnum):
    """Why a supervisor's step did nothing."""

    UNKNOWN = "unknown"  # no such complaint in this chat
    CLOSED = "closed"  # answered already
    TAKEN = "taken"  # another supervisor has it


@dataclass(frozen=True, slots=True)
class ComplaintStep:
    complaint: Complaint | None
    refused: ComplaintRefused | None = None
