"""People who write to the bot: plain data and the rules about them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: the placeholder person what a forgotten resident leaves for the statistics is linked to
FORGOTTEN = 0
#: the placeholder a report taken by phone or in person is linked to until its caller claims
#: it in Telegram: nothing is ever sent to it (migration 0034)
OFFLINE = -1

LOCALES = ("kk", "ru")

#: Version of the consent text. Bump it when the text in the catalogs changes in substance;
#: users who agreed to an older version are asked again.
CONSENT_VERSION = "2026-11-21"


@dataclass(frozen=True, slots=True)
class User:
    id: int
    language: str
    language_chosen: bool
    first_seen: datetime
    last_seen: datetime
    blocked_bot: bool = False
    banned: bool = False
    consent_version: str | None = None
    consent_at: datetime | None = None
    consent_declined_version: str | None = None

    @property
    def has_consent(self) -> bool:
        return self.consent_version == CONSENT_VERSION

    @property
    def should_be_asked_consent(self) -> bool:
        """Asked once per consent text: not again after "not now" until a feature needs it."""
        return not self.has_consent and self.consent_declined_version != CONSENT_VERSION


def pick_language(language_code: str | None, default: str) -> str:
    """First contact: Telegram's language_code if we speak it (kk, ru, kk-KZ…), else the default."""
    if language_code:
        base = language_code.replace("_", "-").split("-", 1)[0].lower()
        if base in LOCALES:
            return base
    return default
