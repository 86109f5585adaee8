"""Catalogs: the .po files, compiled in memory at start, served through aiogram's I18n."""

from __future__ import annotations

import gettext
import io
import tomllib
from pathlib import Path
from typing import Any

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

# N_ lives in the domain (which must not import aiogram) and is re-exported from here
from bot.domain.text import N_ as N_
from bot.domain.users import LOCALES
from bot.resources import locales_dir

DOMAIN = "messages"
#: old labels of reply-keyboard buttons still on people's phones (see `all_translations`)
RETIRED_LABELS = "retired-labels.toml"


class CatalogI18n(I18n):
    """aiogram's I18n, fed from the .po files compiled in memory.

    Nothing is written to disk: an installed package, a read-only system folder or a hardened
    systemd unit (ProtectSystem=strict) all work, and a changed catalog takes effect at the next
    start without a compile step.

    It also holds the retired labels of reply-keyboard buttons, read once from
    `locales/retired-labels.toml`: msgid -> every old label to keep matching.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retired_labels = read_retired_labels(self.path / RETIRED_LABELS)

    def find_locales(self) -> dict[str, gettext.GNUTranslations]:
        translations: dict[str, gettext.GNUTranslations] = {}
        for po in sorted(self.path.glob(f"*/LC_MESSAGES/{self.domain}.po")):
            lang = po.parent.parent.name
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            buffer.seek(0)
            translations[lang] = gettext.GNUTranslations(buffer)
        return translations


# aiogram keeps "the current I18n" in a context variable per class, and its gettext helpers read
# the one of I18n: let this subclass set that same variable.
CatalogI18n._ContextInstanceMixin__context_instance = (  # type: ignore[attr-defined]
    I18n._ContextInstanceMixin__context_instance  # type: ignore[attr-defined]
)


def read_retired_labels(path: Path) -> dict[str, frozenset[str]]:
    """msgid -> its retired labels in every language, from `[[label]]` tables of the file.

    A missing file means no retired labels; a malformed entry stops the start (a typo here
    would silently break old keyboards).
    """
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        entries = tomllib.load(fh).get("label", [])
    retired: dict[str, set[str]] = {}
    for entry in entries:
        if not isinstance(entry.get("msgid"), str) or not isinstance(
            entry.get("remove_after"), str
        ):
            raise ValueError(f"{path}: every [[label]] needs a msgid and remove_after: {entry}")
        labels = {entry[lang] for lang in LOCALES if isinstance(entry.get(lang), str)}
        retired.setdefault(entry["msgid"], set()).update(labels)
    return {msgid: frozenset(labels) for msgid, labels in retired.items()}


def build_i18n(default_locale: str, source: Path | None = None) -> I18n:
    i18n = CatalogI18n(path=source or locales_dir(), default_locale=default_locale, domain=DOMAIN)
    missing = set(LOCALES) - set(i18n.available_locales)
    if missing:
        raise RuntimeError(f"catalogs missing for: {', '.join(sorted(missing))}")
    return i18n


def current_translations(i18n: I18n, msgid: str) -> frozenset[str]:
    """The text of a msgid in every locale, as the catalogs have it today."""
    return frozenset(i18n.gettext(msgid, locale=locale) for locale in LOCALES)


def all_translations(i18n: I18n, msgid: str) -> frozenset[str]:
    """The text of a msgid in every locale, and its retired labels: a button sent before
    /language, or before a translator changed its label, still matches."""
    current = current_translations(i18n, msgid)
    retired: dict[str, frozenset[str]] = getattr(i18n, "retired_labels", {})
    return current | retired.get(msgid, frozenset())
