"""Reports taken by phone or in person: the officer's form, and the one-time claim code
(issue 23).

The duty officer writes, in the staff group, one `field: value` per line (field names in
English, Kazakh or Russian), like `/duty`:

    /phone
    category: noise
    what: Loud music after 23:00 every night
    where: Тұран 12        (or a location: 42.3001, 69.6102)
    name: Aigul Serikova
    phone: +7 701 123 45 67
    consent: yes

Every problem is named at once. `consent: yes` records that the caller agreed, aloud, to
their data being kept; the officer who filed the report is recorded with it. The caller gets
a one-time code to claim the report in Telegram (`/claim 4821 7730`), after which its updates
reach them there.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.reports import MAX_DESCRIPTION, ReportDraft, ServiceArea


class Channel(StrEnum):
    TELEGRAM = "telegram"
    PHONE = "phone"
    WALKIN = "walkin"


FIELDS = {
    "category": ("category", "санаты", "санат", "категория"),
    "what": ("what", "description", "не болды", "сипаттама", "что", "описание"),
    "where": ("where", "place", "address", "қайда", "мекенжай", "где", "адрес"),
    "name": ("name", "аты", "аты-жөні", "имя", "фио"),
    "phone": ("phone", "телефон"),
    "consent": ("consent", "келісім", "согласие"),
}
_KEYS = {alias: name for name, aliases in FIELDS.items() for alias in aliases}
YES = frozenset({"yes", "иә", "ия", "да"})
_LATLON = re.compile(r"^\s*(-?\d{1,2}\.\d+)\s*,\s*(-?\d{1,3}\.\d+)\s*$")
_PHONE = re.compile(r"^\+?[78][\d\s()-]{9,16}\d$")
MAX_NAME = 128
MAX_ADDRESS = 200
#: digits in a claim code: read out over the phone, typed once
CODE_DIGITS = 8


@dataclass
class PhoneForm:
    draft: ReportDraft | None = None
    name: str = ""
    phone: str = ""
    #: (code, detail) for each problem: "missing" and the field, "category", "place",
    #: "outside", "phone", "consent", "long" and the field
    problems: list[tuple[str, str]] = field(default_factory=list)


def parse_phone_form(text: str, categories: set[str], area: ServiceArea | None = None) -> PhoneForm:
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        name = _KEYS.get(" ".join(key.split()).lower()) if sep else None
        if name is not None and value.strip():
            values[name] = value.strip()
    form = PhoneForm()
    problems = form.problems
    for name in FIELDS:
        if name not in values:
            problems.append(("missing", name))
    category = values.get("category", "")
    if category and category not in categories:
        problems.append(("category", category))
    what = values.get("what", "")
    if len(what) > MAX_DESCRIPTION:
        problems.append(("long", "what"))
    where = values.get("where", "")
    latitude = longitude = None
    address = None
    if match := _LATLON.match(where):
        latitude, longitude = float(match.group(1)), float(match.group(2))
        if area is not None and not area.contains(latitude, longitude):
            problems.append(("outside", where))
    elif len(where) > MAX_ADDRESS:
        problems.append(("long", "where"))
    elif where:
        address = where
    name = values.get("name", "")
    if len(name) > MAX_NAME:
        problems.append(("long", "name"))
    phone = values.get("phone", "")
    if phone and not _PHONE.match(phone):
        problems.append(("phone", phone))
    consent = values.get("consent", "")
    if consent and consent.lower() not in YES:
        problems.append(("consent", consent))
    if problems:
        return form
    digits = re.sub(r"\D", "", phone)
    form.draft = ReportDraft(
        category=category,
        description=what,
        latitude=latitude,
        longitude=longitude,
        address=address,
        phone="+7" + digits[-10:],
    )
    form.name = name
    form.phone = "+7" + digits[-10:]
    return form


def new_claim_code() -> str:
    """Eight digits, read out as two groups: 4821 7730."""
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def claim_hash(code: str) -> str:
    """What is stored of a code (spaces and dashes the caller typed do not matter)."""
    return hashlib.sha256(re.sub(r"\D", "", code).encode()).hexdigest()


def shown_code(code: str) -> str:
    return f"{code[:4]} {code[4:]}"
