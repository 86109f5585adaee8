"""Who opens the staff console (issue 24): Telegram's signed word for it, and the session after.

Two ways in, one identity (a Telegram user id):

- inside Telegram, the Mini App's `initData`: a query string Telegram signs with a key derived
  from the bot's token (HMAC-SHA-256 of the token under the key "WebAppData"); the signature is
  the hex HMAC-SHA-256 of the data-check-string (every field but `hash`, sorted by name, as
  `name=value` lines);
- in a browser, the Login Widget's fields, signed the same way with the SHA-256 of the token as
  the key.

Both carry `auth_date`; a signature older than the allowed age is refused, as is one from the
future beyond a minute's clock skew. What the person may do (staff, administrator, a
precinct's chat) is decided after this, from the chats, as in the group.

A session is a signed cookie value: the user id and the moment it ends, under a key derived
from the bot's token, so a restart keeps sessions and a token change ends them all.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import parse_qsl

#: a signature dated this far in the future is still accepted (clocks differ)
SKEW = timedelta(minutes=1)


class Refused(StrEnum):
    MALFORMED = "malformed"  # not a query string, no hash, no user, no date
    FORGED = "forged"  # the signature does not match (another bot's, or edited)
    EXPIRED = "expired"  # older than allowed, or dated in the future


@dataclass(frozen=True, slots=True)
class Identity:
    """Who Telegram vouches for."""

    user_id: int
    first_name: str
    last_name: str = ""
    username: str = ""
    language_code: str = ""
    auth_date: datetime | None = None
    #: the Mini App's `startapp` parameter (a t.me link's: r1000 opens report 1000)
    start_param: str = ""

    @property
    def opens_report(self) -> int | None:
        """The report a `startapp=r1000` link asked for."""
        param = self.start_param
        if param.startswith("r") and param[1:].isdigit() and len(param) <= 10:
            return int(param[1:])
        return None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class Access:
    """What a signed-in person may see in the console, as in the chats: a member of the staff
    group the whole city (`precincts` None); a member of precincts' own chats only those
    precincts' reports."""

    user_id: int
    precincts: frozenset[str] | None = None

    def covers(self, precinct_id: str | None) -> bool:
        return self.precincts is None or precinct_id in self.precincts


@dataclass(frozen=True, slots=True)
class Checked:
    identity: Identity | None
    refused: Refused | None = None


def _check_string(fields: Mapping[str, str]) -> bytes:
    return "\n".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "hash").encode()


def _signed(secret: bytes, fields: Mapping[str, str]) -> str:
    return hmac.new(secret, _check_string(fields), hashlib.sha256).hexdigest()


def web_app_secret(token: str) -> bytes:
    return hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()


def widget_secret(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _dated(fields: Mapping[str, str], now: datetime, max_age: timedelta) -> datetime | None:
    """`auth_date` if it is within `max_age` of now (and not from the future)."""
    try:
        when = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        return None
    if when > now + SKEW or now - when > max_age:
        return None
    return when


def _verified(
    fields: Mapping[str, str], secret: bytes, now: datetime, max_age: timedelta
) -> Refused | datetime:
    given = fields.get("hash", "")
    if not given or "auth_date" not in fields:
        return Refused.MALFORMED
    if not hmac.compare_digest(_signed(secret, fields), given):
        return Refused.FORGED
    when = _dated(fields, now, max_age)
    return Refused.EXPIRED if when is None else when


def check_init_data(init_data: str, token: str, now: datetime, max_age: timedelta) -> Checked:
    """The Mini App's `initData`, as the page received it (URL-encoded)."""
    try:
        fields = dict(parse_qsl(init_data, strict_parsing=True, keep_blank_values=True))
    except ValueError:
        return Checked(None, Refused.MALFORMED)
    outcome = _verified(fields, web_app_secret(token), now, max_age)
    if isinstance(outcome, Refused):
        return Checked(None, outcome)
    try:
        user = json.loads(fields["user"])
        identity = Identity(
            user_id=int(user["id"]),
            first_name=str(user.get("first_name", "")),
            last_name=str(user.get("last_name", "")),
            username=str(user.get("username", "")),
            language_code=str(user.get("language_code", "")),
            auth_date=outcome,
            start_param=fields.get("start_param", ""),
        )
    except (KeyError, ValueError, TypeError):
        return Checked(None, Refused.MALFORMED)
    return Checked(identity)


def check_login_widget(
    fields: Mapping[str, str], token: str, now: datetime, max_age: timedelta
) -> Checked:
    """The Login Widget's fields (id, first_name, …, auth_date, hash), as the browser sent
    them."""
    outcome = _verified(fields, widget_secret(token), now, max_age)
    if isinstance(outcome, Refused):
        return Checked(None, outcome)
    try:
        user_id = int(fields["id"])
    except (KeyError, ValueError):
        return Checked(None, Refused.MALFORMED)
    return Checked(
        Identity(
            user_id=user_id,
            first_name=fields.get("first_name", ""),
            last_name=fields.get("last_name", ""),
            username=fields.get("username", ""),
            auth_date=outcome,
        )
    )


def session_key(token: str) -> bytes:
    """The key sessions are signed with: the bot's token's, never the token itself."""
    return hmac.new(token.encode(), b"sakshy console session", hashlib.sha256).digest()


def issue_session(user_id: int, ends: datetime, key: bytes) -> str:
    """A cookie value: `<user id>.<end, unix seconds>.<signature>`."""
    body = f"{user_id}.{int(ends.timestamp())}"
    signature = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
    return f"{body}.{signature}"


def read_session(value: str, key: bytes, now: datetime) -> int | None:
    """The user id of a session still running, or None (forged, ended, malformed)."""
    parts = value.split(".")
    if len(parts) != 3:
        return None
    user, ends, signature = parts
    expected = hmac.new(key, f"{user}.{ends}".encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return None
    try:
        if datetime.fromtimestamp(int(ends), UTC) <= now:
            return None
        return int(user)
    except (ValueError, OverflowError, OSError):
        return None
