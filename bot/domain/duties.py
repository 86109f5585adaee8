"""Duties for public helpers, without Telegram or a database: the staff's form, who is free
for a duty, how big a wave of offers is, the last moment to withdraw, and the hours served.

Times are aware datetimes; "local" means the city's zone (Asia/Almaty by default)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.directory import Directory
from bot.domain.directory_file import normalise_phone
from bot.domain.helpers import HelperStatus
from bot.domain.reports import ServiceArea

#: the times of day a helper may choose, as local hours [start, end)
BAND_HOURS = {"night": (0, 6), "morning": (6, 12), "day": (12, 18), "evening": (18, 24)}
MAX_SEATS = 100
MAX_HOURS = 12
MAX_TASK = 500
MAX_LEADER = 120
MAX_DUTY_PRECINCTS = 10
#: duties are planned at most this many days ahead (a mistyped year is caught)
HORIZON_DAYS = 90
#: a helper is free for a duty when the times of day they chose cover at least this share of it
COVERAGE = 0.5


class OfferState(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"  # the seats filled (or the duty was cancelled) before an answer
    NO_SHOW = "no_show"


class DutyStatus(StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class MeetingPoint:
    """Where helpers meet: a police point of the directory, or a location with a label."""

    latitude: float
    longitude: float
    label: str
    point_id: str | None = None


@dataclass(frozen=True)
class DutyDraft:
    starts_at: datetime
    ends_at: datetime
    precincts: tuple[str, ...]
    place: MeetingPoint
    seats: int
    task: str
    leader: str
    leader_phone: str


@dataclass(frozen=True)
class Duty:
    """A stored duty: the staff's form as it is now, its status and its count of waves."""

    id: int
    starts_at: datetime
    ends_at: datetime
    precincts: tuple[str, ...]
    place: MeetingPoint
    seats: int
    task: str
    leader: str
    leader_phone: str
    status: DutyStatus
    cancel_reason: str | None
    waves: int
    created_by: int | None
    created_by_name: str | None
    staff_chat_id: int | None
    created_at: datetime
    updated_at: datetime

    @property
    def is_open(self) -> bool:
        return self.status is DutyStatus.OPEN


@dataclass(frozen=True)
class DutyOffer:
    """One helper's offer of a duty: the answer, then the attendance (a seat is an accepted
    offer). Carries what the messages need of the helper: name, phone, language, status."""

    duty_id: int
    helper_id: int
    user_id: int
    wave: int
    state: OfferState
    offered_at: datetime
    answered_at: datetime | None
    message_id: int | None
    checked_in_at: datetime | None
    check_in_metres: int | None
    checked_out_at: datetime | None
    minutes: int | None
    minutes_by: str | None
    full_name: str
    phone: str
    language: str
    helper_status: HelperStatus


@dataclass(frozen=True)
class DutyCandidate:
    """An active helper who might be offered a duty: where and when they said they are free."""

    id: int
    user_id: int
    language: str
    days: tuple[int, ...]
    bands: tuple[str, ...]
    precincts: tuple[str, ...]


@dataclass(frozen=True)
class TakenDuty:
    """A duty a person took (and served, gave back or missed), as /myduties lists it."""

    duty: Duty
    state: OfferState
    minutes: int | None


@dataclass(frozen=True)
class HelperHours:
    """A helper's duties, no-shows and minutes served over a period."""

    helper_id: int
    full_name: str
    duties: int
    no_shows: int
    minutes: int


@dataclass
class FormResult:
    draft: DutyDraft | None = None
    #: (code, detail): what is wrong, worded by the bot in the officer's language
    problems: list[tuple[str, str]] = field(default_factory=list)


#: the form's field names, in English, Kazakh and Russian
FIELDS = {
    "date": ("date", "күні", "күн", "дата"),
    "time": ("time", "уақыты", "уақыт", "время"),
    "precincts": ("precincts", "precinct", "учаскелер", "учаске", "участки", "участок"),
    "place": ("place", "орны", "орын", "жиналу орны", "место", "место сбора"),
    "seats": ("helpers", "seats", "көмекшілер", "адам", "помощники", "помощников", "человек"),
    "task": ("task", "тапсырма", "задача", "задание"),
    "leader": (
        "leader",
        "жауапты",
        "жауапты тұлға",
        "жетекші",
        "ответственный",
        "старший",
    ),
}
_KEYS = {alias: name for name, aliases in FIELDS.items() for alias in aliases}
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})\s*$")
_LATLON = re.compile(r"^\s*(-?\d{1,2}\.\d+)\s*,\s*(-?\d{1,3}\.\d+)\s*(.*)$")
_PHONE = re.compile(r"(\+?[78][\d\s()-]{9,16}\d)")


def parse_form(
    text: str,
    now: datetime,
    zone: ZoneInfo,
    directory: Directory,
    area: ServiceArea | None = None,
) -> FormResult:
    """A duty from the staff's form: one `field: value` per line (field names in English,
    Kazakh or Russian). Every problem is listed, not only the first. A meeting point must lie
    in the service `area` (latitude and longitude swapped would not)."""
    values: dict[str, str] = {}
    result = FormResult()
    for line in text.splitlines():
        if ":" not in line:
            continue
        key, _, value = line.partition(":")
        name = _KEYS.get(" ".join(key.split()).lower())
        if name is not None and value.strip():
            values[name] = value.strip()
    for name in FIELDS:
        if name not in values:
            result.problems.append(("missing", name))
    if result.problems:
        return result
    problems = result.problems
    day = _date(values["date"])
    span = _TIME.match(values["time"])
    starts = ends = None
    if day is None:
        problems.append(("date", values["date"]))
    if span is None:
        problems.append(("time", values["time"]))
    elif day is not None:
        h1, m1, h2, m2 = (int(g) for g in span.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
            problems.append(("time", values["time"]))
        else:
            starts = datetime.combine(day, time(h1, m1), zone)
            ends = datetime.combine(day, time(0), zone) + timedelta(hours=h2, minutes=m2)
            if ends <= starts:
                problems.append(("end_before_start", values["time"]))
            elif ends - starts > timedelta(hours=MAX_HOURS):
                problems.append(("too_long", str(MAX_HOURS)))
            elif starts <= now:
                problems.append(("past", values["date"]))
            elif starts - now > timedelta(days=HORIZON_DAYS):
                problems.append(("too_far", str(HORIZON_DAYS)))
    precincts: list[str] = []
    for word in re.split(r"[,\s;]+", values["precincts"]):
        if not word:
            continue
        if directory.precinct(word) is None:
            problems.append(("precinct", word))
        elif word not in precincts:
            precincts.append(word)
    if len(precincts) > MAX_DUTY_PRECINCTS:
        problems.append(("too_many_precincts", str(MAX_DUTY_PRECINCTS)))
    place = _place(values["place"], directory)
    if place is None:
        problems.append(("place", values["place"]))
    elif area is not None and not area.contains(place.latitude, place.longitude):
        problems.append(("place_outside", values["place"]))
    seats_text = values["seats"].strip()
    seats = int(seats_text) if seats_text.isdecimal() and len(seats_text) < 5 else -1
    if seats < 1:
        problems.append(("seats", seats_text))
    elif seats > MAX_SEATS:
        problems.append(("too_many_seats", str(MAX_SEATS)))
    task = " ".join(values["task"].split())
    if len(task) > MAX_TASK:
        problems.append(("task_long", str(MAX_TASK)))
    leader, phone = _leader(values["leader"])
    if phone is None:
        problems.append(("leader_phone", values["leader"]))
    elif not leader or len(leader) > MAX_LEADER:
        problems.append(("leader", values["leader"]))
    if problems:
        return result
    assert starts is not None and ends is not None and place is not None and phone is not None
    result.draft = DutyDraft(starts, ends, tuple(precincts), place, seats, task, leader, phone)
    return result


def form_of(duty_values: dict[str, str]) -> str:
    """A stored duty written back as the form (English field names), to change a few lines."""
    return "\n".join(f"{name}: {duty_values[name]}" for name in FIELDS)


def changed_form(current: str, changes: str) -> tuple[str, list[str]]:
    """`current` with the lines of `changes` put in; returns it and the fields changed."""
    values: dict[str, str] = {}
    for line in current.splitlines():
        key, _, value = line.partition(":")
        values[key.strip()] = value.strip()
    changed: list[str] = []
    for line in changes.splitlines():
        if ":" not in line:
            continue
        key, _, value = line.partition(":")
        name = _KEYS.get(" ".join(key.split()).lower())
        if name is not None and value.strip():
            values[name] = value.strip()
            changed.append(name)
    return "\n".join(f"{k}: {v}" for k, v in values.items()), changed


def _date(text: str) -> date | None:
    for shape in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), shape).date()
        except ValueError:
            continue
    return None


def _place(text: str, directory: Directory) -> MeetingPoint | None:
    point = directory.point(text.strip()) if " " not in text.strip() else None
    if point is not None:
        return MeetingPoint(point.latitude, point.longitude, point.name("ru"), point.id)
    match = _LATLON.match(text)
    if match is None:
        return None
    lat, lon, label = float(match.group(1)), float(match.group(2)), match.group(3).strip(" ,—-")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or len(label) > 200:
        return None
    return MeetingPoint(lat, lon, label or f"{lat:.5f}, {lon:.5f}")


def _leader(text: str) -> tuple[str, str | None]:
    match = _PHONE.search(text)
    if match is None:
        return " ".join(text.split()), None
    phone = normalise_phone(match.group(1))
    name = " ".join((text[: match.start()] + " " + text[match.end() :]).split()).strip(" ,—-")
    return name, phone


def local_bands(starts: datetime, ends: datetime, zone: ZoneInfo) -> dict[tuple[int, str], float]:
    """How many minutes of the duty fall in each (weekday, band), in local time."""
    minutes: dict[tuple[int, str], float] = {}
    moment = starts.astimezone(zone)
    end = ends.astimezone(zone)
    while moment < end:
        band = next(b for b, (lo, hi) in BAND_HOURS.items() if lo <= moment.hour < hi)
        hi = BAND_HOURS[band][1]
        boundary = datetime.combine(moment.date(), time(0), zone) + timedelta(hours=hi)
        step_end = min(boundary, end)
        key = (moment.weekday(), band)
        minutes[key] = minutes.get(key, 0.0) + (step_end - moment).total_seconds() / 60
        moment = step_end
    return minutes


def is_free(
    days: Sequence[int], bands: Sequence[str], starts: datetime, ends: datetime, zone: ZoneInfo
) -> bool:
    """Whether the days and times of day a helper chose cover at least COVERAGE of a duty."""
    spans = local_bands(starts, ends, zone)
    total = sum(spans.values())
    covered = sum(m for (day, band), m in spans.items() if day in days and band in bands)
    return total > 0 and covered / total >= COVERAGE


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Two duties overlap when they share any moment (one ending as the other starts does not)."""
    return a_start < b_end and b_start < a_end


def wave_size(open_seats: int, awaiting: int, factor: int) -> int:
    """How many new offers to send: a few times the empty seats, less the offers still
    unanswered."""
    return max(open_seats * factor - awaiting, 0)


def may_withdraw(now: datetime, starts: datetime, withdraw_hours: float) -> bool:
    """A helper may give back their seat until `withdraw_hours` before the start."""
    return now < starts - timedelta(hours=withdraw_hours)


def served_minutes(
    starts: datetime,
    ends: datetime,
    checked_in: datetime | None,
    checked_out: datetime | None,
) -> int:
    """Minutes from check-in to check-out, within the duty's own time: an early arrival or a
    late departure does not count, and without a check-in nothing does."""
    if checked_in is None:
        return 0
    begin = max(checked_in, starts)
    finish = min(checked_out or ends, ends)
    return max(int((finish - begin).total_seconds() // 60), 0)
