"""What an outbox row or a follow-up is about, as a typed value instead of a string to split.

Outbox rows carry a `ref` ("report:1000:post", "duty:17:offer:42") and follow-ups a subject
("report:1000", "duty:17", "digest:2026-12-07"). Both are stored as text, in databases written by
every release, so `Ref.parse(text)` reads each format ever written and `str(ref)` gives back the
very same text.

The shape is `kind[:id][:part]`: `id` is the number of the report, duty, helper, community
survey or alert for the kinds numbered so (`NUMBERED`); any other kind keeps all that follows
it in `part` ("ops:group_lost:-1001", "digest:2026-12-07", "priorities:zhd-vokzal").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RefKind(StrEnum):
    """Whose row it is: the feature that reacts to its delivery or runs its follow-up."""

    REPORT = "report"
    DUTY = "duty"
    HELPER = "helper"
    #: a community survey (its questions to residents, its results in the staff group)
    CSURVEY = "csurvey"
    #: a new report in an area a resident follows
    ALERT = "alert"
    #: the bot's own trouble told to the staff (a group lost, the outbox stalled)
    OPS = "ops"
    #: a precinct's priorities changed (keyed by the precinct's id, a word)
    PRIORITIES = "priorities"
    DIGEST = "digest"
    BACKUP = "backup"
    #: a report's referral to an outside body (its post in the body's chat, the body's asks)
    REFERRAL = "referral"
    #: a complaint about police conduct (its post in the complaints chat, the conversation)
    COMPLAINT = "complaint"


#: the kinds whose second field is an integer id
NUMBERED = frozenset(
    {
        RefKind.REPORT,
        RefKind.DUTY,
        RefKind.HELPER,
        RefKind.CSURVEY,
        RefKind.ALERT,
        RefKind.REFERRAL,
        RefKind.COMPLAINT,
    }
)


@dataclass(frozen=True, slots=True)
class Ref:
    """`report:1000:post` is `Ref(RefKind.REPORT, 1000, "post")`."""

    kind: RefKind
    #: the report's (duty's, helper's …) number; None for a kind not numbered, or bare
    id: int | None = None
    #: what of it, "" when nothing: "post", "ask:resolve:3", "remind:42:24:pin"
    part: str = ""

    @classmethod
    def parse(cls, text: str) -> Ref:
        """Read a stored ref or subject; ValueError for one of no known kind or a bad id."""
        kind_text, _, rest = text.partition(":")
        kind = RefKind(kind_text)
        if kind not in NUMBERED or not rest:
            return cls(kind, None, rest)
        number, _, part = rest.partition(":")
        if not number.lstrip("-").isdecimal():
            raise ValueError(f"{text!r}: {kind} needs a number")
        return cls(kind, int(number), part)

    @classmethod
    def of(cls, text: str | None) -> Ref | None:
        """`parse`, or None for no ref or one this release does not know."""
        if text is None:
            return None
        try:
            return cls.parse(text)
        except ValueError:
            return None

    @classmethod
    def report(cls, report_id: int, *part: object) -> Ref:
        """`Ref.report(1000, "ask", "resolve", 7)` is "report:1000:ask:resolve:7"."""
        return cls(RefKind.REPORT, report_id, _joined(part))

    @classmethod
    def referral(cls, referral_id: int, *part: object) -> Ref:
        """`Ref.referral(7, "post")` is "referral:7:post"."""
        return cls(RefKind.REFERRAL, referral_id, _joined(part))

    @classmethod
    def complaint(cls, complaint_id: int, *part: object) -> Ref:
        """`Ref.complaint(3, "post")` is "complaint:3:post"."""
        return cls(RefKind.COMPLAINT, complaint_id, _joined(part))

    @classmethod
    def duty(cls, duty_id: int, *part: object) -> Ref:
        """`Ref.duty(17, "offer", 42)` is "duty:17:offer:42"."""
        return cls(RefKind.DUTY, duty_id, _joined(part))

    @classmethod
    def helper(cls, helper_id: int, *part: object) -> Ref:
        """`Ref.helper(5, "post")` is "helper:5:post"."""
        return cls(RefKind.HELPER, helper_id, _joined(part))

    @classmethod
    def csurvey(cls, survey_id: int, *part: object) -> Ref:
        """`Ref.csurvey(3, "results", 1)` is "csurvey:3:results:1"."""
        return cls(RefKind.CSURVEY, survey_id, _joined(part))

    @classmethod
    def alert(cls, report_id: int) -> Ref:
        """A new report told to a resident who follows its area: "alert:1000"."""
        return cls(RefKind.ALERT, report_id)

    @classmethod
    def ops(cls, *part: object) -> Ref:
        """`Ref.ops("group_lost", -1001)` is "ops:group_lost:-1001"."""
        return cls(RefKind.OPS, None, _joined(part))

    def plus(self, *more: object) -> Ref:
        """The same ref with more parts: `Ref.duty(17, "remind", 42, 1).plus("pin")`."""
        return Ref(self.kind, self.id, _joined((*self.parts, *more)))

    def with_part(self, *part: object) -> Ref:
        """The same kind and id, another part: "report:1000:relay" → "report:1000:delivered"."""
        return Ref(self.kind, self.id, _joined(part))

    @property
    def number(self) -> int:
        """`id`, for a ref that must have one (ValueError for one without)."""
        if self.id is None:
            raise ValueError(f"{self}: no number")
        return self.id

    @property
    def parts(self) -> tuple[str, ...]:
        """`part` split at its colons: ("ask", "resolve", "3"); () when there is none."""
        return tuple(self.part.split(":")) if self.part else ()

    def __str__(self) -> str:
        text = self.kind.value
        if self.id is not None:
            text += f":{self.id}"
        if self.part:
            text += f":{self.part}"
        return text


def _joined(part: tuple[object, ...]) -> str:
    """Parts as stored: `str()` of each (an enum's value), colon-separated."""
    return ":".join(str(p) for p in part)
