"""Referral: a report that is not police work passed to the outside body whose matter it is
(an akimat's department, a utility, the 109 contact centre), with the resident told who
handles it now and when to expect the answer (issue 23).

A body is reached in its own Telegram chat (the bot posts the report there, with buttons to
accept, answer and close), by e-mail or by hand (staff get a ready text and record the answer
themselves). A referral lives from «sent» to «answered» or «closed» (the body's), «recalled»
(staff took the report back) or «failed» (the body's chat could not be reached).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

BODY_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
#: a body's name is a button label: «↪️ » and the name on a phone
MAX_BODY_NAME = 60
#: the reason given when an officer refers with a tap (the resident reads it translated)
COMPETENCE = "competence"


class Contact(StrEnum):
    TELEGRAM = "telegram"
    EMAIL = "email"
    HAND = "hand"


class ReferralState(StrEnum):
    SENT = "sent"
    ACCEPTED = "accepted"
    ANSWERED = "answered"
    CLOSED = "closed"
    FAILED = "failed"
    RECALLED = "recalled"


LIVE = frozenset({ReferralState.SENT, ReferralState.ACCEPTED})


@dataclass(frozen=True, slots=True)
class Body:
    id: str
    names: dict[str, str]
    contact: Contact
    chat_id: int | None = None
    email: str | None = None
    active: bool = True

    def name(self, locale: str) -> str:
        return self.names.get(locale) or next(iter(self.names.values()))


@dataclass(frozen=True, slots=True)
class Referral:
    id: int
    report_id: int
    body_id: str
    reason: str
    state: ReferralState
    officer_id: int
    officer_name: str | None
    due_on: date
    body_chat_id: int | None
    body_message_id: int | None
    created_at: datetime

    @property
    def live(self) -> bool:
        return self.state in LIVE


class BodyError(ValueError):
    """A body as typed cannot be kept; the message lists every problem."""


def check_body(key: str, names: dict[str, str], contact: str, address: str | None) -> Body:
    """A body from an administrator's /body add: every problem named at once."""
    problems = []
    if not BODY_KEY.match(key):
        problems.append("key")
    for locale in ("kk", "ru"):
        name = names.get(locale, "").strip()
        if not name or len(name) > MAX_BODY_NAME:
            problems.append(f"name_{locale}")
    chat_id = email = None
    if contact == Contact.TELEGRAM:
        try:
            chat_id = int(address or "")
        except ValueError:
            problems.append("chat")
        else:
            if chat_id >= 0:
                problems.append("chat")
    elif contact == Contact.EMAIL:
        if not address or not EMAIL.match(address):
            problems.append("email")
        email = address
    elif contact != Contact.HAND:
        problems.append("contact")
    if problems:
        raise BodyError(",".join(problems))
    clean = {locale: names[locale].strip() for locale in ("kk", "ru")}
    return Body(key, clean, Contact(contact), chat_id, email)
