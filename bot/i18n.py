"""Catalogs: compile the .po files into a writable cache and load them into aiogram's I18n."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.domain.users import LOCALES
from bot.resources import locales_dir

DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a msgid for extraction without translating it (button labels matched in any locale)."""
    return message


def _cache_root() -> Path:
    configured = os.environ.get("SAKSHY_CACHE_DIR")
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "sakshy"


def compile_catalogs(source: Path | None = None, target_root: Path | None = None) -> Path:
    """Compile every locales/<lang>/LC_MESSAGES/messages.po into a cache folder; return it.

    The folder name carries a hash of the sources, so a changed catalog is compiled anew and a
    read-only install never needs to write next to its own files.
    """
    source = source or locales_dir()
    po_files = sorted(source.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    digest = hashlib.sha256()
    for po in po_files:
        digest.update(po.parent.parent.name.encode())
        digest.update(po.read_bytes())
    candidates = [target_root] if target_root else [_cache_root(), Path(tempfile.gettempdir())]
    last_error: OSError | None = None
    for root in candidates:
        target = root / f"locales-{digest.hexdigest()[:16]}"
        try:
            for po in po_files:
                lang = po.parent.parent.name
                mo_path = target / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
                if mo_path.exists():
                    continue
                mo_path.parent.mkdir(parents=True, exist_ok=True)
                with po.open("rb") as fh:
                    catalog = read_po(fh, locale=lang)
                tmp = mo_path.with_suffix(f".{os.getpid()}.tmp")
                with tmp.open("wb") as fh:
                    write_mo(fh, catalog, use_fuzzy=False)
                tmp.replace(mo_path)
            return target
        except OSError as exc:
            last_error = exc
    raise OSError(f"cannot write compiled catalogs anywhere: {last_error}")


def build_i18n(default_locale: str) -> I18n:
    i18n = I18n(path=compile_catalogs(), default_locale=default_locale, domain=DOMAIN)
    missing = set(LOCALES) - set(i18n.available_locales)
    if missing:
        raise RuntimeError(f"catalogs missing for: {', '.join(sorted(missing))}")
    return i18n


def all_translations(i18n: I18n, msgid: str) -> frozenset[str]:
    """The text of a msgid in every locale: a button sent before /language still matches."""
    return frozenset(i18n.gettext(msgid, locale=locale) for locale in LOCALES)
