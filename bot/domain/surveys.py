"""The resident's satisfaction survey after a resolved report, as stored: was it solved, a 1-5
rating, an optional comment (each answered once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Solved(StrEnum):
    """The first question's answers, as stored (surveys.solved)."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"


@dataclass(frozen=True)
class SatisfactionSurvey:
    """One report's survey: whom it was sent to and what they answered so far."""

    report_id: int
    resident_id: int
    precinct_id: str | None
    officer_id: int | None
    sent_at: datetime
    solved: Solved | None = None
    rating: int | None = None
    comment: str | None = None
    answered_at: datetime | None = None
