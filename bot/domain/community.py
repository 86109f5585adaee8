"""Community surveys, without Telegram or a database: the staff's form (a question and 2-10
options, each in Kazakh and Russian, the areas it goes to and when it ends), and the results
counted per precinct.

The form, one field per line (field names in English, Kazakh or Russian):

    to: zhd-vokzal, mzhk            (or: all)
    until: 30.11.2026 18:00
    kk: Кешке аулада жарық жеткілікті ме?
    ru: Достаточно ли вечером света во дворе?
    - Иә, жеткілікті | Да, достаточно
    - Жоқ | Нет

An option is a line starting with «-», «•» or a number («1.», «2)»): the Kazakh text, «|», the
Russian text. A survey missing either language anywhere is refused."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

MIN_OPTIONS = 2
MAX_OPTIONS = 10
MAX_QUESTION = 500
#: an option is a button: longer text is cut by Telegram's apps
MAX_OPTION = 60
MAX_SURVEY_PRECINCTS = 30
#: a survey runs at least this long (people need time to see it) and at most this long
MIN_RUN = timedelta(hours=1)
MAX_RUN = timedelta(days=30)
LANGUAGES = ("kk", "ru")

FIELDS = {
    "to": ("to", "precincts", "кімге", "учаскелер", "кому", "участки"),
    "until": ("until", "ends", "end", "дейін", "аяқталуы", "до", "окончание"),
}
ALL = {"all", "барлығы", "барлық", "все", "всем"}
_KEYS = {alias: name for name, aliases in FIELDS.items() for alias in aliases}
_OPTION = re.compile(r"^\s*(?:[-•*–—]|\d{1,2}[.)])\s*(.*)$")
_UNTIL = re.compile(r"^\s*(\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2})\s+(\d{1,2})[:.](\d{2})\s*$")


@dataclass(frozen=True)
class Option:
    kk: str
    ru: str

    def text(self, language: str) -> str:
        return self.kk if language == "kk" else self.ru


@dataclass(frozen=True)
class SurveyDraft:
    question_kk: str
    question_ru: str
    options: tuple[Option, ...]
    #: precinct ids; empty: every subscriber of every area
    targets: tuple[str, ...]
    ends_at: datetime

    def question(self, language: str) -> str:
        return self.question_kk if language == "kk" else self.question_ru


class SurveyStatus(StrEnum):
    """A survey's life, as stored (community_surveys.status)."""

    DRAFT = "draft"  # composed, shown to the staff, not sent
    OPEN = "open"  # sent: answers count until it ends
    CLOSED = "closed"  # ended (its end time, or staff ended it early)
    DISCARDED = "discarded"  # a draft thrown away


@dataclass(frozen=True)
class CommunitySurvey:
    """A stored survey with its options (in order: option 0 first)."""

    id: int
    question_kk: str
    question_ru: str
    options: tuple[Option, ...]
    #: precinct ids; empty: every subscriber of every area
    targets: tuple[str, ...]
    ends_at: datetime
    status: SurveyStatus
    #: the staff chat it was composed in
    chat_id: int | None
    by_id: int
    by_name: str | None
    created_at: datetime
    sent_at: datetime | None = None
    sent_by_id: int | None = None
    sent_by_name: str | None = None
    #: when its messages were written to the outbox (None: not yet)
    fanned_at: datetime | None = None
    #: how many it was sent to (None: it has not gone out)
    recipients: int | None = None
    closed_at: datetime | None = None
    #: a name, or None when the end time closed it
    closed_by: str | None = None

    def question(self, language: str) -> str:
        return self.question_kk if language == "kk" else self.question_ru

    def option(self, n: int, language: str) -> str:
        return self.options[n].text(language)


@dataclass(frozen=True)
class SurveySummary:
    """A line of the staff's list of surveys: how many were sent it, how many answered."""

    id: int
    question_kk: str
    question_ru: str
    status: SurveyStatus
    ends_at: datetime
    recipients: int | None
    answered: int

    def question(self, language: str) -> str:
        return self.question_kk if language == "kk" else self.question_ru


@dataclass(frozen=True)
class SurveyRecipient:
    """Whom a survey went to, for which area they follow, in their language. An ended survey
    keeps no such link: `precinct_id` is None for one made up to show it."""

    survey_id: int
    user_id: int
    precinct_id: str | None
    language: str


@dataclass
class FormResult:
    draft: SurveyDraft | None = None
    #: (code, detail): what is wrong, worded by the bot in the officer's language
    problems: list[tuple[str, str]] = field(default_factory=list)


def _clean(text: str) -> str:
    return " ".join(text.split())


def parse_form(text: str, now: datetime, zone: ZoneInfo, precinct_ids: set[str]) -> FormResult:
    """A survey from the staff's form. Every problem is listed, not only the first."""
    result = FormResult()
    problems = result.problems
    values: dict[str, str] = {}
    question: dict[str, str] = {}
    options: list[Option] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        option_line = _OPTION.match(line)
        if option_line is not None:
            kk, bar, ru = option_line.group(1).partition("|")
            kk, ru = _clean(kk), _clean(ru)
            number = str(len(options) + 1)
            if not bar or not kk or not ru:
                problems.append(("option_language", number))
            elif len(kk) > MAX_OPTION or len(ru) > MAX_OPTION:
                problems.append(("option_long", number))
            options.append(Option(kk, ru))
            continue
        key, sep, value = line.partition(":")
        name = " ".join(key.split()).lower()
        if sep and name in LANGUAGES:
            question[name] = _clean(value)
        elif sep and name in _KEYS:
            values[_KEYS[name]] = value.strip()
        else:
            problems.append(("line", _clean(line)))
    for language in LANGUAGES:
        if not question.get(language):
            problems.append(("question_language", language))
        elif len(question[language]) > MAX_QUESTION:
            problems.append(("question_long", str(MAX_QUESTION)))
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        problems.append(("options", str(len(options))))
    seen: set[tuple[str, str]] = set()
    for index, option in enumerate(options, 1):
        # two buttons reading the same in either language could not be told apart
        keys = {("kk", option.kk.lower()), ("ru", option.ru.lower())}
        if option.kk and option.ru and keys & seen:
            problems.append(("option_twice", str(index)))
        seen |= keys
    targets: list[str] = []
    to = values.get("to", "")
    if not to:
        problems.append(("missing", "to"))
    elif to.strip().lower() not in ALL:
        for word in re.split(r"[,\s;]+", to):
            if not word:
                continue
            if word not in precinct_ids:
                problems.append(("precinct", word))
            elif word not in targets:
                targets.append(word)
        if len(targets) > MAX_SURVEY_PRECINCTS:
            problems.append(("too_many_precincts", str(MAX_SURVEY_PRECINCTS)))
    ends_at = None
    until = values.get("until", "")
    if not until:
        problems.append(("missing", "until"))
    else:
        ends_at = _moment(until, zone)
        if ends_at is None:
            problems.append(("until", until))
        elif ends_at - now < MIN_RUN:
            problems.append(("too_soon", str(int(MIN_RUN.total_seconds() // 3600))))
        elif ends_at - now > MAX_RUN:
            problems.append(("too_far", str(MAX_RUN.days)))
    if problems:
        return result
    assert ends_at is not None
    result.draft = SurveyDraft(
        question["kk"], question["ru"], tuple(options), tuple(targets), ends_at
    )
    return result


def _moment(text: str, zone: ZoneInfo) -> datetime | None:
    match = _UNTIL.match(text)
    if match is None:
        return None
    day, hour, minute = match.group(1), int(match.group(2)), int(match.group(3))
    shape = "%d.%m.%Y" if "." in day else "%Y-%m-%d"
    try:
        parsed = datetime.strptime(day, shape)
    except ValueError:
        return None
    if hour > 23 or minute > 59:
        return None
    return parsed.replace(hour=hour, minute=minute, tzinfo=zone)


@dataclass(frozen=True)
class Tally:
    """The answers of one area (or of all): how many were sent the survey, and how many chose
    each option (index 0 first)."""

    precinct_id: str | None
    recipients: int
    counts: tuple[int, ...]

    @property
    def answered(self) -> int:
        return sum(self.counts)

    def share(self, option: int) -> float:
        """The option's share of the answers, in per cent (0 when nobody answered)."""
        return 100.0 * self.counts[option] / self.answered if self.answered else 0.0


def tally(
    options: int, recipients: dict[str, int], answers: list[tuple[str, int, int]]
) -> tuple[Tally, list[Tally]]:
    """The total and one tally per precinct (most recipients first) from the recipients per
    precinct and (precinct, option, how many) rows."""
    per: dict[str, list[int]] = {p: [0] * options for p in recipients}
    for precinct, option, count in answers:
        if 0 <= option < options:
            per.setdefault(precinct, [0] * options)[option] += count
    areas = [Tally(p, recipients.get(p, 0), tuple(c)) for p, c in per.items()]
    areas.sort(key=lambda t: (-t.recipients, -t.answered, t.precinct_id or ""))
    total = Tally(
        None,
        sum(recipients.values()),
        tuple(sum(t.counts[i] for t in areas) for i in range(options)),
    )
    return total, areas


def fold_small(areas: list[Tally], minimum: int) -> tuple[list[Tally], Tally | None]:
    """The areas with at least `minimum` answers, and the others counted together (None when
    there are none): an area where one or two people answered would show what they chose."""
    shown = [a for a in areas if a.answered >= minimum]
    small = [a for a in areas if a.answered < minimum]
    if not small:
        return shown, None
    options = len(small[0].counts)
    other = Tally(
        OTHER,
        sum(a.recipients for a in small),
        tuple(sum(a.counts[i] for a in small) for i in range(options)),
    )
    return shown, other


#: the key of «other areas» in results (no precinct has this id: ids are lower case)
OTHER = "*other*"
