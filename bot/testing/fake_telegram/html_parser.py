"""Telegram's HTML parse mode and text clean-up, ported from TDLib (td/telegram/MessageEntity.cpp).

``parse_html`` follows TDLib's ``parse_html`` byte by byte so that error texts and byte offsets
are the ones the real Bot API returns.  Entity offsets and lengths are in UTF-16 code units, as
in the Bot API.  ``fix_text`` mirrors ``fix_formatted_text`` (control characters, trimming, the
"Text must be non-empty" rule).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .links import check_link, get_link_user_id

_ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)

_SPACES = frozenset(b" \t\r\n\x00\x0b\x0c")  # td::is_space, NUL included


class HtmlParseError(ValueError):
    """TDLib's parse error; ``str(error)`` is the message without "Can't parse entities: "."""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (the unit of entity offsets)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def utf16_slice(text: str, offset: int, length: int) -> str:
    """The part of ``text`` covered by an entity (offsets in UTF-16 code units)."""
    out: list[str] = []
    pos = 0
    end = offset + length
    for ch in text:
        if pos >= end:
            break
        if pos >= offset:
            out.append(ch)
        pos += 2 if ord(ch) > 0xFFFF else 1
    return "".join(out)


@dataclass
class _Open:
    tag: str
    argument: str
    utf16_offset: int
    byte_pos: int


def _lower(raw: bytes) -> str:
    return raw.decode("utf-8", "replace").translate(_ASCII_LOWER)


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def _decode_entity(data: bytes, pos: int) -> tuple[int, int]:
    """``decode_html_entity``: (code point, position after it) or (0, pos)."""

    def at(i: int) -> int:
        return data[i] if i < len(data) else 0

    end = pos + 1
    res = 0
    if at(pos + 1) == ord("#"):
        end += 1
        if at(pos + 2) == ord("x"):
            end += 1
            while chr(at(end)) in "0123456789abcdefABCDEF" and at(end):
                res = res * 16 + int(chr(at(end)), 16)
                end += 1
        else:
            while ord("0") <= at(end) <= ord("9"):
                res = res * 10 + at(end) - ord("0")
                end += 1
        if res == 0 or res >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while chr(at(end)).isascii() and chr(at(end)).isalpha():
            end += 1
        name = data[pos + 1 : end]
        res = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}.get(name, 0)
        if res == 0:
            return 0, pos
    return res, end + 1 if at(end) == ord(";") else end


def _utf8(code: int) -> bytes:
    return chr(code).encode("utf-8", "surrogatepass")


def parse_html(
    text: str, user_lookup: Callable[[int], dict[str, Any]] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML; returns (plain text, Bot API entities) or raises HtmlParseError."""
    data = text.encode("utf-8")
    size = len(data)

    def at(i: int) -> int:
        return data[i] if i < size else 0

    out = bytearray()
    entities: list[dict[str, Any]] = []
    utf16 = 0
    nested: list[_Open] = []
    i = 0
    while i < size:
        c = data[i]
        if c == ord("&"):
            code, new_i = _decode_entity(data, i)
            if code:
                utf16 += 1 + (code > 0xFFFF)
                out += _utf8(code)
                i = new_i
                continue
        if c != ord("<"):
            if c & 0xC0 != 0x80:
                utf16 += 1 + (c >= 0xF0)
            out.append(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != ord("/"):
            while at(i) not in _SPACES and at(i) != ord(">"):
                i += 1
            if at(i) == 0:
                raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
            tag = _lower(data[begin + 1 : i])
            if tag not in _ALLOWED_TAGS:
                raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            while at(i) != ord(">"):
                while at(i) != 0 and at(i) in _SPACES:
                    i += 1
                if at(i) == ord(">"):
                    break
                attr_begin = i
                while at(i) not in _SPACES and at(i) not in b"=>/\"'":
                    i += 1
                attr = data[attr_begin:i]
                if not attr:
                    raise HtmlParseError(
                        f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                    )
                while at(i) != 0 and at(i) in _SPACES:
                    i += 1
                if at(i) != ord("="):
                    if at(i) == 0:
                        raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                    if tag == "blockquote" and attr == b"expandable":
                        argument = "1"
                    continue
                i += 1
                while at(i) != 0 and at(i) in _SPACES:
                    i += 1
                if at(i) == 0:
                    raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                if at(i) not in b"'\"":
                    token_begin = i
                    while chr(at(i)).isascii() and (chr(at(i)).isalnum() or at(i) in b".-"):
                        if at(i) == 0:
                            break
                        i += 1
                    value = _lower(data[token_begin:i])
                    if at(i) not in _SPACES and at(i) != ord(">"):
                        raise HtmlParseError(
                            f"Unexpected end of name token at byte offset {token_begin}"
                        )
                else:
                    end_char = at(i)
                    i += 1
                    raw = bytearray()
                    while at(i) != end_char and at(i) != 0:
                        if at(i) == ord("&"):
                            code, new_i = _decode_entity(data, i)
                            if code:
                                raw += _utf8(code)
                                i = new_i
                                continue
                        raw.append(at(i))
                        i += 1
                    if at(i) == end_char:
                        i += 1
                    value = raw.decode("utf-8", "surrogatepass")
                if at(i) == 0:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
                if tag == "a" and attr == b"href":
                    argument = value
                elif tag == "code" and attr == b"class" and value.startswith("language-"):
                    argument = value[9:]
                elif tag == "span" and attr == b"class" and value.startswith("tg-"):
                    argument = value[3:]
                elif tag == "tg-emoji" and attr == b"emoji-id":
                    argument = value
                elif tag == "blockquote" and attr == b"expandable":
                    argument = "1"
            if tag == "span" and argument != "spoiler":
                raise HtmlParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
                )
            nested.append(_Open(tag, argument, utf16, len(out)))
        else:
            if not nested:
                raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
            while at(i) not in _SPACES and at(i) != ord(">"):
                i += 1
            end_tag = _lower(data[begin + 2 : i])
            while at(i) in _SPACES and at(i) != 0:
                i += 1
            if at(i) != ord(">"):
                raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
            top = nested[-1]
            if end_tag and end_tag != top.tag:
                raise HtmlParseError(
                    f'Unmatched end tag at byte offset {begin}, expected "</{top.tag}>", '
                    f'found "</{end_tag}>"'
                )
            if utf16 > top.utf16_offset:
                _close_entity(entities, top, utf16, bytes(out[top.byte_pos :]), user_lookup)
            nested.pop()
        i += 1
    if nested:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{nested[-1].tag}"')
    try:
        plain = bytes(out).decode("utf-8")
    except UnicodeDecodeError:
        raise HtmlParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units"
        ) from None
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return plain, sort_entities(entities)


def _close_entity(
    entities: list[dict[str, Any]],
    top: _Open,
    utf16: int,
    inner: bytes,
    user_lookup: Callable[[int], dict[str, Any]] | None,
) -> None:
    offset = top.utf16_offset
    length = utf16 - offset
    tag = top.tag
    simple = {
        "i": "italic",
        "em": "italic",
        "b": "bold",
        "strong": "bold",
        "s": "strikethrough",
        "strike": "strikethrough",
        "del": "strikethrough",
        "u": "underline",
        "ins": "underline",
        "tg-spoiler": "spoiler",
        "span": "spoiler",
    }
    if tag in simple:
        entities.append({"type": simple[tag], "offset": offset, "length": length})
    elif tag == "tg-emoji":
        if not re.fullmatch(r"-?\d+", top.argument) or int(top.argument) == 0:
            raise HtmlParseError("Invalid custom emoji identifier specified")
        entities.append(
            {
                "type": "custom_emoji",
                "offset": offset,
                "length": length,
                "custom_emoji_id": str(int(top.argument)),
            }
        )
    elif tag == "a":
        url = top.argument or inner.decode("utf-8", "replace")
        user_id = get_link_user_id(url)
        if user_id:
            user = (user_lookup(user_id) if user_lookup else None) or {
                "id": user_id,
                "is_bot": False,
                "first_name": "",
            }
            entities.append(
                {"type": "text_mention", "offset": offset, "length": length, "user": user}
            )
        else:
            try:
                checked = check_link(url)
            except ValueError:
                return
            entities.append(
                {"type": "text_link", "offset": offset, "length": length, "url": checked}
            )
    elif tag == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "code"
            and last["offset"] == offset
            and last["length"] == length
            and last.get("language")
        ):
            last["type"] = "pre"
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})
    elif tag == "code":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "pre"
            and "language" not in last
            and last["offset"] == offset
            and last["length"] == length
            and top.argument
        ):
            last["language"] = top.argument
        else:
            entity: dict[str, Any] = {"type": "code", "offset": offset, "length": length}
            if top.argument:
                entity["language"] = top.argument
            entities.append(entity)
    elif tag == "blockquote":
        kind = "expandable_blockquote" if top.argument else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})


_TYPE_ORDER = {
    name: index
    for index, name in enumerate(
        [
            "expandable_blockquote",
            "blockquote",
            "pre",
            "code",
            "text_link",
            "text_mention",
            "custom_emoji",
            "bold",
            "italic",
            "underline",
            "strikethrough",
            "spoiler",
        ]
    )
}


def sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order entities like TDLib: by offset, longer first, then by type priority."""
    return sorted(
        entities,
        key=lambda e: (e["offset"], -e["length"], _TYPE_ORDER.get(e["type"], 99)),
    )


class EmptyTextError(ValueError):
    """TDLib's ``Text must be non-empty``."""


def _removed(ch: str) -> bool:
    return ch == "\r" or "\u2028" <= ch <= "\u202e" or ch in "\u0333\u033f\u030a"


def fix_text(
    text: str, entities: list[dict[str, Any]], *, allow_empty: bool
) -> tuple[str, list[dict[str, Any]]]:
    """TDLib's ``fix_formatted_text``: clean control characters, trim, refuse empty text.

    Control characters become spaces (a tab survives only in text without entities), ``\\r``
    and a few invisible characters are removed, leading/trailing spaces and newlines are cut.
    Raises :class:`EmptyTextError` for whitespace-only text unless ``allow_empty``.
    """
    keep_tab = not entities
    chars: list[str] = []
    new_pos: list[int] = []  # old UTF-16 position -> new UTF-16 position
    pos = 0
    for ch in text:
        units = 2 if ord(ch) > 0xFFFF else 1
        new_pos.extend([pos] * units)
        if _removed(ch):
            continue
        code = ord(ch)
        if code < 32 and ch != "\n" and not (keep_tab and ch == "\t"):
            ch = " "
        chars.append(ch)
        pos += units
    new_pos.append(pos)
    fixed: list[dict[str, Any]] = []
    for entity in entities:
        start = new_pos[min(entity["offset"], len(new_pos) - 1)]
        end = new_pos[min(entity["offset"] + entity["length"], len(new_pos) - 1)]
        if end > start:
            fixed.append({**entity, "offset": start, "length": end - start})
    cleaned = "".join(chars)

    stripped_right = cleaned.rstrip(" \n")
    if not stripped_right.strip(" \n"):
        if allow_empty:
            return "", []
        raise EmptyTextError("Text must be non-empty")
    end_units = utf16_len(stripped_right)
    trimmed: list[dict[str, Any]] = []
    for entity in fixed:
        if entity["offset"] >= end_units:
            continue
        length = min(entity["length"], end_units - entity["offset"])
        trimmed.append({**entity, "length": length})
    first_entity = min((e["offset"] for e in trimmed), default=len(stripped_right))
    lead = 0
    while lead < first_entity and stripped_right[lead] in " \n":
        lead += 1
    result = stripped_right[lead:]
    for entity in trimmed:
        entity["offset"] -= lead
    return result, sort_entities(trimmed)


_COMMAND_RE = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/])")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{3,32}(?!\w)")
_HASHTAG_RE = re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")
_URL_RE = re.compile(r"(?<![\w/@.])(?:https?://|tg://)[^\s<>\"]+[^\s<>\".,;:!?)\]']")


def find_entities(text: str, existing: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The automatic entities (bot_command, mention, hashtag, url) TDLib adds to a text.

    A simplified ``find_entities``: matches that overlap an existing entity other than
    bold/italic/underline/strikethrough/spoiler are skipped.
    """
    existing = existing or []
    splittable = {"bold", "italic", "underline", "strikethrough", "spoiler"}
    blocked = [
        (e["offset"], e["offset"] + e["length"]) for e in existing if e["type"] not in splittable
    ]
    found: list[dict[str, Any]] = []
    for kind, pattern in (
        ("bot_command", _COMMAND_RE),
        ("mention", _MENTION_RE),
        ("hashtag", _HASHTAG_RE),
        ("url", _URL_RE),
    ):
        for match in pattern.finditer(text):
            start = utf16_len(text[: match.start()])
            length = utf16_len(match.group(0))
            if any(start < b_end and b_start < start + length for b_start, b_end in blocked):
                continue
            blocked.append((start, start + length))
            found.append({"type": kind, "offset": start, "length": length})
    return sort_entities(existing + found)
