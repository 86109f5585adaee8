"""A follow-up as stored: something a feature asked to happen later, about one subject."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.refs import Ref


@dataclass(frozen=True)
class FollowUp:
    """One follow-up: its kind (whose handler runs it), its subject (`Ref.report(12)`, …), when it
    falls due, how often it has been tried, and the data it was scheduled with."""

    id: int
    kind: str
    subject: Ref
    due_at: datetime
    attempts: int
    data: dict[str, Any]
