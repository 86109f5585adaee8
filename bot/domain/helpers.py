"""Public helpers (қоғамдық көмекші / общественный помощник): the IIN and age rules and the
pipeline from an application to an active helper, and nothing else allowed.

applied ──check (police)──▶ checked ──register (akimat: number, date)──▶ registered
   │                          │                                            │ activate
   └──reject──▶ rejected ◀────┘                                            ▼
                                       retired ◀──retire── active ◀──resume── suspended
                                          ▲                   └──suspend──────▲
                                          └──────────── retire ──────────────┘
A rejected or retired person may apply again after a cool-down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

#: weights of the IIN's check digit (the national standard): a second pass when the first
#: gives 10; a second 10 means the number is not valid
_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
#: the 7th digit: the century of birth (and sex, which Sakshy does not keep)
_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


def iin_check_digit(first_eleven: str) -> int | None:
    digits = [int(c) for c in first_eleven]
    check = sum(d * w for d, w in zip(digits, _WEIGHTS_1, strict=True)) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits, _WEIGHTS_2, strict=True)) % 11
    return None if check == 10 else check


def iin_birth_date(iin: str) -> date | None:
    """The date of birth an IIN encodes (None if it encodes none)."""
    century = _CENTURY.get(iin[6:7])
    if century is None:
        return None
    try:
        return date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def iin_problem(iin: str) -> str | None:
    """Why this is not a valid IIN: "digits", "date", "checksum"; None when it is valid."""
    if len(iin) != 12 or not iin.isascii() or not iin.isdigit():
        return "digits"
    if iin_birth_date(iin) is None:
        return "date"
    if iin_check_digit(iin[:11]) != int(iin[11]):
        return "checksum"
    return None


def mask_iin(iin: str) -> str:
    """What the staff group sees: the last four digits only."""
    return "•" * 8 + iin[-4:]


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class HelperStatus(StrEnum):
    APPLIED = "applied"
    CHECKED = "checked"  # checked by the police against the registers
    REGISTERED = "registered"  # registered by the akimat (number and date)
    ACTIVE = "active"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    RETIRED = "retired"


class HelperAction(StrEnum):
    CHECK = "check"
    REGISTER = "register"
    ACTIVATE = "activate"
    REJECT = "reject"
    SUSPEND = "suspend"
    RESUME = "resume"
    RETIRE = "retire"


S, A = HelperStatus, HelperAction
#: (status, action) -> new status: the whole pipeline
HELPER_TRANSITIONS: dict[tuple[HelperStatus, HelperAction], HelperStatus] = {
    (S.APPLIED, A.CHECK): S.CHECKED,
    (S.APPLIED, A.REJECT): S.REJECTED,
    (S.CHECKED, A.REGISTER): S.REGISTERED,
    (S.CHECKED, A.REJECT): S.REJECTED,
    (S.REGISTERED, A.ACTIVATE): S.ACTIVE,
    (S.ACTIVE, A.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, A.RESUME): S.ACTIVE,
    (S.ACTIVE, A.RETIRE): S.RETIRED,
    (S.SUSPENDED, A.RETIRE): S.RETIRED,
    (S.REGISTERED, A.RETIRE): S.RETIRED,
}
#: what may apply again, after the cool-down
ENDED = frozenset({S.REJECTED, S.RETIRED})


#: still before the decision: staff may ask the applicant a question, the applicant answer it
UNDECIDED = frozenset({S.APPLIED, S.CHECKED})


class HelperActor(StrEnum):
    """Who wrote a line of a helper's audit."""

    APPLICANT = "applicant"
    STAFF = "staff"
    SYSTEM = "system"


@dataclass(frozen=True)
class Helper:
    """An application and, from its registration on, the helper: one record moves through
    the whole pipeline, so the applicant and the helper are the same object."""

    id: int
    user_id: int
    full_name: str
    birth_date: date
    iin: str
    phone: str
    precincts: tuple[str, ...]
    days: tuple[int, ...]  # 0 = Monday
    bands: tuple[str, ...]  # see BANDS
    note: str
    language: str
    consent_version: str
    status: HelperStatus
    registration_number: str | None  # given by the akimat
    registration_date: str | None  # as the officer typed it
    staff_thread_id: int | None  # the application's forum topic in the staff group
    created_at: datetime
    updated_at: datetime

    @property
    def ended(self) -> bool:
        """Rejected or retired: no longer an application nor a helper."""
        return self.status in ENDED

    @property
    def undecided(self) -> bool:
        return self.status in UNDECIDED


@dataclass(frozen=True)
class HelperEvent:
    """One line of a helper's audit: a step of the pipeline (with its statuses) or a
    question, an answer, a look at the full IIN…"""

    id: int
    helper_id: int
    at: datetime
    actor: HelperActor
    actor_id: int | None
    actor_name: str | None
    action: str  # a HelperAction's value, or applied, iin_shown, question, answer, availability
    from_status: HelperStatus | None
    to_status: HelperStatus | None
    note: str | None


class IllegalHelperChange(Exception):
    def __init__(self, status: HelperStatus, action: HelperAction) -> None:
        super().__init__(f"cannot {action} a helper who is {status}")
        self.status = status
        self.action = action


def helper_apply(status: HelperStatus, action: HelperAction) -> HelperStatus:
    target = HELPER_TRANSITIONS.get((status, action))
    if target is None:
        raise IllegalHelperChange(status, action)
    return target


def may_apply_again(
    status: HelperStatus | None, changed_at: datetime | None, now: datetime, cooldown: timedelta
) -> datetime | None:
    """None if the person may apply now; else from when they may."""
    if status is None:
        return None
    if status not in ENDED:
        return datetime.max.replace(tzinfo=now.tzinfo)  # an application is open or active
    assert changed_at is not None
    ready = changed_at + cooldown
    return None if now >= ready else ready


@dataclass(frozen=True)
class Availability:
    """When a helper can serve: days of the week (0 = Monday) and time bands."""

    days: tuple[int, ...]
    bands: tuple[str, ...]  # "morning", "day", "evening", "night"


BANDS = ("morning", "day", "evening", "night")


#: a full name: letters (Kazakh, Russian, Latin), spaces, hyphens and apostrophes
_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-ʼ’][^\W\d_]+)+$")
MAX_PRECINCTS = 5


def full_name_ok(name: str) -> bool:
    """At least two words of letters (a surname and a name), 5-100 characters."""
    name = " ".join(name.split())
    return 5 <= len(name) <= 100 and bool(_NAME.match(name))


@dataclass(frozen=True)
class HelperDraft:
    """An application as the wizard collects it."""

    full_name: str
    birth_date: date
    iin: str
    phone: str
    precincts: tuple[str, ...]
    days: tuple[int, ...]
    bands: tuple[str, ...]
    note: str = ""


def application_problems(
    draft: HelperDraft, today: date, min_age: int, known_precincts: set[str]
) -> list[str]:
    """Every rule an application breaks, as codes the bot words in the applicant's language:
    name, birth_future, too_young, iin_digits, iin_date, iin_checksum, iin_birth_mismatch,
    phone, precincts, availability."""
    problems: list[str] = []
    if not full_name_ok(draft.full_name):
        problems.append("name")
    if draft.birth_date > today:
        problems.append("birth_future")
    elif age_on(draft.birth_date, today) < min_age:
        problems.append("too_young")
    iin = iin_problem(draft.iin)
    if iin is not None:
        problems.append(f"iin_{iin}")
    elif iin_birth_date(draft.iin) != draft.birth_date:
        problems.append("iin_birth_mismatch")
    if not (draft.phone.startswith("+7") and len(draft.phone) == 12 and draft.phone[1:].isdigit()):
        problems.append("phone")
    if (
        not draft.precincts
        or len(draft.precincts) > MAX_PRECINCTS
        or not set(draft.precincts) <= known_precincts
    ):
        problems.append("precincts")
    if (
        not draft.days
        or not draft.bands
        or not set(draft.bands) <= set(BANDS)
        or not all(0 <= d <= 6 for d in draft.days)
    ):
        problems.append("availability")
    return problems
