"""The catalogs are complete, current and valid Telegram HTML in both languages."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import telegram
from bot.i18n import build_i18n, current_translations
from bot.telegram import buttons
from bot.testing.fake_telegram.html_parser import HtmlParseError, parse_html

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("kk", "ru")
#: every gettext keyword the code uses, lazy and no-op ones included
KEYWORDS = {
    "_": None,
    "__": None,
    "N_": None,
    "gettext": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
}


def extracted() -> set[str]:
    found: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        ROOT / "bot", method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def key(message_id: str | tuple[str, ...]) -> str:
    """A plural entry is known by its singular msgid."""
    return message_id[0] if isinstance(message_id, tuple) else message_id


def forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)


def catalog(name: str) -> Catalog:
    path = ROOT / "locales" / (f"{name}/LC_MESSAGES/messages.po" if name in LOCALES else name)
    with path.open("rb") as fh:
        return read_po(fh, locale=name if name in LOCALES else None)


def test_the_template_is_current() -> None:
    in_code = extracted()
    in_pot = {key(m.id) for m in catalog("messages.pot") if m.id}
    assert in_code - in_pot == set(), (
        "run pybabel extract (see docs/architecture/texts.md): new texts"
    )
    assert in_pot - in_code == set(), (
        "run pybabel extract (see docs/architecture/texts.md): texts gone from code"
    )


@pytest.mark.parametrize("lang", LOCALES)
def test_every_text_is_translated(lang: str) -> None:
    po = catalog(lang)
    in_code = extracted()
    messages = {key(m.id): m for m in po if m.id}
    assert in_code - messages.keys() == set(), f"missing in {lang}: run pybabel update"
    assert messages.keys() - in_code == set(), f"stale entries in {lang}"
    problems = [k for k, m in messages.items() if not all(forms(m.string)) or m.fuzzy]
    plural_count = po.num_plurals
    short = [
        k for k, m in messages.items() if m.pluralizable and len(forms(m.string)) != plural_count
    ]
    assert short == [], f"plural forms missing in {lang}"
    assert problems == [], f"untranslated or fuzzy in {lang}"
    assert not po.fuzzy, f"the header of {lang} is fuzzy: its charset would be ignored"
    assert len(po.obsolete) == 0, f"obsolete (#~) entries in {lang}"


def eval_plural(expression: str, n: int) -> int:
    """The index of the plural form for n, by the catalog's own Plural-Forms rule."""
    import gettext

    return gettext.c2py(expression)(n)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", LOCALES)
def test_translations_keep_placeholders_and_are_valid_html(lang: str) -> None:
    for message in catalog(lang):
        if not message.id:
            continue
        for form in forms(message.string):
            assert fields(form) == fields(key(message.id)), message.id
            sample = form.format(**{name: "1" for name in fields(form)})
            try:
                plain, _entities = parse_html(sample)
            except HtmlParseError as exc:
                pytest.fail(f"{lang}: {message.id!r} is not valid Telegram HTML: {exc}")
            assert plain.strip(), message.id
            assert len(plain) <= 4096


# Texts that are rightly the same in both languages: «мин» is the unit in Kazakh and Russian.
#: the same word in both languages on purpose: a unit, a loanword, a name
SAME_IN_BOTH = {"{minutes} min", "phone", "Telegram", "🗂 Console", "Map"}


def test_kazakh_is_not_a_copy_of_russian() -> None:
    kk = {key(m.id): forms(m.string)[-1] for m in catalog("kk") if m.id}
    ru = {key(m.id): forms(m.string)[-1] for m in catalog("ru") if m.id}
    same = [m for m in kk if kk[m] == ru.get(m) and m not in SAME_IN_BOTH]
    assert same == []


def test_kazakh_uses_kazakh_letters_where_the_glossary_does() -> None:
    """Glossary terms in the Kazakh catalog, never their Russian-letter lookalikes."""
    text = " ".join(" ".join(forms(m.string)) for m in catalog("kk") if m.id)
    for wrong, right in [("Жергiлiктi", "Жергілікті"), ("кумек", "көмек"), ("шугыл", "шұғыл")]:
        assert wrong not in text, right
    assert "Жергілікті полиция қызметі" in text
    assert "шұғыл" in text.lower()


def test_compiled_catalogs_serve_every_text() -> None:
    i18n = build_i18n("kk")
    for lang in LOCALES:
        po = catalog(lang)
        for message in po:
            if not message.id:
                continue
            if isinstance(message.id, tuple):
                for n in (1, 2, 5, 11, 21):
                    index = po.plural_expr and eval_plural(po.plural_expr, n)
                    expected = forms(message.string)[index or 0]
                    assert i18n.gettext(message.id[0], message.id[1], n, locale=lang) == expected
            else:
                assert i18n.gettext(message.id, locale=lang) == message.string


def test_buttons_are_distinct_in_every_language() -> None:
    i18n = build_i18n("kk")
    labels = [buttons.BTN_HELP, buttons.BTN_LANGUAGE, buttons.BTN_PRIVACY, buttons.BTN_MENU]
    seen: dict[str, str] = {}
    for msgid in labels:
        variants = current_translations(i18n, msgid)
        assert len(variants) == 2, f"{msgid} reads the same in kk and ru"
        for text in variants:
            assert text not in seen, f"{text!r} is both {seen.get(text)} and {msgid}"
            seen[text] = msgid


def test_descriptions_and_commands_fit_telegram_limits() -> None:
    from bot.telegram import bot_profile as profile

    i18n = build_i18n("kk")
    for lang in LOCALES:
        assert len(i18n.gettext(profile.DESCRIPTION, locale=lang)) <= 512
        assert len(i18n.gettext(profile.SHORT_DESCRIPTION, locale=lang)) <= 120
        for name, msgid in profile.RESIDENT_COMMANDS + profile.STAFF_COMMANDS:
            assert re.fullmatch(r"[a-z0-9_]{1,32}", name)
            assert 1 <= len(i18n.gettext(msgid, locale=lang)) <= 256
    assert telegram.routers()  # the routers build in a fresh process
