"""Categories of minor offences: data with stable keys, loaded from a TOML file."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.domain.users import LOCALES

KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "categories.toml"
#: emoji, space and name: a category is a button, two side by side on a 360-px phone
MAX_LABEL = 24


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    emoji: str
    names: dict[str, str]
    #: working days to answer and to refer a report of this kind (None: the operator's
    #: ANSWER_WORKING_DAYS and REFER_WORKING_DAYS)
    answer_days: int | None = None
    refer_days: int | None = None
    #: the outside body this kind of report usually belongs to (its key): the staff post
    #: offers the referral to it first
    refer_to: str | None = None

    def label(self, locale: str) -> str:
        return f"{self.emoji} {self.names[locale]}".strip()


class CategoryError(ValueError):
    """The categories file cannot be used; the message says where and why."""


def load_categories(path: Path | None = None) -> tuple[Category, ...]:
    path = path or DEFAULT_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CategoryError(f"CATEGORIES_FILE: cannot read {path}: {exc}") from None
    entries = data.get("category")
    if not isinstance(entries, list) or not entries:
        raise CategoryError(f"CATEGORIES_FILE: {path} has no [[category]] entries")
    found: list[Category] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"CATEGORIES_FILE: {path}, category {number}"
        if not isinstance(entry, dict):
            raise CategoryError(f"{where}: not a table")
        key = entry.get("key")
        if not isinstance(key, str) or not KEY.match(key):
            raise CategoryError(f"{where}: key must be lower-case latin, up to 32 characters")
        if key in seen:
            raise CategoryError(f"{where}: key {key!r} is used twice")
        seen.add(key)
        names = {}
        for locale in LOCALES:
            name = entry.get(locale)
            if not isinstance(name, str) or not name.strip() or len(name) > 60:
                raise CategoryError(f"{where} ({key}): {locale} name must be 1-60 characters")
            names[locale] = name.strip()
        emoji = entry.get("emoji", "")
        if not isinstance(emoji, str) or len(emoji) > 8:
            raise CategoryError(f"{where} ({key}): emoji must be short text")
        terms: dict[str, int | None] = {}
        for term in ("answer_days", "refer_days"):
            value = entry.get(term)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 60
            ):
                raise CategoryError(f"{where} ({key}): {term} must be a whole number from 1 to 60")
            terms[term] = value
        refer_to = entry.get("refer_to")
        if refer_to is not None and (not isinstance(refer_to, str) or not KEY.match(refer_to)):
            raise CategoryError(f"{where} ({key}): refer_to must be a body's key, like akimat")
        category = Category(key, emoji, names, terms["answer_days"], terms["refer_days"], refer_to)
        for locale in LOCALES:
            if len(category.label(locale)) > MAX_LABEL:
                raise CategoryError(
                    f"{where} ({key}): the {locale} button «{category.label(locale)}» is "
                    f"{len(category.label(locale))} characters with its emoji; at most "
                    f"{MAX_LABEL}, so that two fit side by side on a phone"
                )
        found.append(category)
    if len(found) > 30:
        raise CategoryError(f"CATEGORIES_FILE: {path} has {len(found)} categories; at most 30")
    return tuple(found)
