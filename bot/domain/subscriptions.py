"""Following an area: what a resident chose to hear about it, and the local priorities each
precinct's police publish (both languages, since a local date)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class SubscriptionKind(StrEnum):
    """What a follower can switch on or off: the stored column names."""

    SURVEYS = "surveys"
    PRIORITIES = "priorities"
    ALERTS = "alerts"


@dataclass(frozen=True)
class Subscription:
    id: int
    user_id: int
    precinct_id: str
    surveys: bool
    priorities: bool
    alerts: bool
    created_at: datetime

    def wants(self, kind: SubscriptionKind) -> bool:
        return {
            SubscriptionKind.SURVEYS: self.surveys,
            SubscriptionKind.PRIORITIES: self.priorities,
            SubscriptionKind.ALERTS: self.alerts,
        }[kind]


@dataclass(frozen=True)
class Listener:
    """A reachable follower of an area, and the language to tell them in."""

    user_id: int
    language: str


@dataclass(frozen=True)
class LocalPriority:
    id: int
    precinct_id: str
    text_kk: str
    text_ru: str
    #: YYYY-MM-DD, local: the day the police started on it
    since: str
    by_id: int
    by_name: str | None
    created_at: datetime
    removed_at: datetime | None = None

    def text(self, language: str) -> str:
        return self.text_kk if language == "kk" else self.text_ru
