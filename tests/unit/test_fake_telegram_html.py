"""The fake's HTML parser and URL checks agree with TDLib's own test vectors
(test/message_entities.cpp) and sources (MessageEntity.cpp, HttpUrl.cpp, LinkManager.cpp)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.testing.fake_telegram.errors import bas_description
from bot.testing.fake_telegram.html_parser import (
    EmptyTextError,
    HtmlParseError,
    find_entities,
    fix_text,
    parse_html,
    utf16_len,
)
from bot.testing.fake_telegram.links import check_link

SURROGATE = (
    "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched "
    "surrogate code units"
)

# (html, TDLib's error message); offsets are bytes: "🏟 🏟&lt;" is 4+1+4+4 = 13 bytes.
ERRORS: list[tuple[str, str]] = [
    ("&#57311;", SURROGATE),
    ("&#xDFDF;", SURROGATE),
    ("&#xDFDF", SURROGATE),
    ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
    ("🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
    ("🏟 🏟&lt;<abac>", 'Unsupported start tag "abac" at byte offset 13'),
    ("🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
    ("🏟 🏟&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
    ("🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
    ('🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"),
    ("🏟 🏟&lt;<i    aba  =  '&lt;&gt;&quot;>", "Unclosed start tag at byte offset 13"),
    ("🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"),
    ("🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"),
    ("🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
    ("🏟 🏟&lt;<i>a</em   >", 'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"'),
    ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<tg-emoji emoji-id=abc>x</tg-emoji>", "Invalid custom emoji identifier specified"),
    ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
]


@pytest.mark.parametrize(("html", "message"), ERRORS)
def test_parse_errors(html: str, message: str) -> None:
    with pytest.raises(HtmlParseError) as error:
        parse_html(html)
    assert str(error.value) == message


def _short(entities: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    result = []
    for e in entities:
        extra = e.get("url") or e.get("language") or e.get("custom_emoji_id")
        result.append((e["type"], e["offset"], e["length"], *([extra] if extra else [])))
    return result


PARSED: list[tuple[str, str, list[tuple[Any, ...]]]] = [
    ("", "", []),
    ("&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;", '<>&"&laquo;&raquo;&#12345678;', []),
    ("➡️ ➡️<i>➡️ ➡️</i>", "➡️ ➡️➡️ ➡️", [("italic", 5, 5)]),
    ("➡️ ➡️<strong>➡️ ➡️</strong>", "➡️ ➡️➡️ ➡️", [("bold", 5, 5)]),
    ("➡️ ➡️<ins>➡️ ➡️</ins>", "➡️ ➡️➡️ ➡️", [("underline", 5, 5)]),
    ("➡️ ➡️<del>➡️ ➡️</del>", "➡️ ➡️➡️ ➡️", [("strikethrough", 5, 5)]),
    ("🏟 🏟<i>🏟 &lt🏟</i>", "🏟 🏟🏟 <🏟", [("italic", 5, 6)]),
    (
        "🏟 🏟<i>🏟 &gt;<b aba   =   caba>&lt🏟</b></i>",
        "🏟 🏟🏟 ><🏟",
        [("italic", 5, 7), ("bold", 9, 3)],
    ),
    ("🏟 🏟&lt;<i    aba  =  190azAz-.   >a</i>", "🏟 🏟<a", [("italic", 6, 1)]),
    ("🏟 🏟&lt;<i    aba  =  '&lt;&gt;&quot;'>a</>", "🏟 🏟<a", [("italic", 6, 1)]),
    ("🏟 🏟&lt;<b></b>", "🏟 🏟<", []),
    ("<a href=telegram.org>\t</a>", "\t", [("text_link", 0, 1, "http://telegram.org/")]),
    (
        "<a   href=  'telegram.org?&lt;'   > </a>",
        " ",
        [("text_link", 0, 1, "http://telegram.org/?<")],
    ),
    ("<a> </a>", " ", []),
    ("<a>telegram.org</a>", "telegram.org", [("text_link", 0, 12, "http://telegram.org/")]),
    ("🏟 🏟&lt;<pre><code>🏟 🏟&lt;</code></>", "🏟 🏟<🏟 🏟<", [("pre", 6, 6), ("code", 6, 6)]),
    ('🏟 🏟&lt;<pre><code class="language-fift">🏟 🏟&lt;</></>', "🏟 🏟<🏟 🏟<", [("pre", 6, 6, "fift")]),
    ('🏟 🏟&lt;<code class="language-fift"><pre>🏟 🏟&lt;</></>', "🏟 🏟<🏟 🏟<", [("pre", 6, 6, "fift")]),
    (
        '🏟 🏟&lt;<pre><code class="language-fift">🏟 🏟&lt;</> </>',
        "🏟 🏟<🏟 🏟< ",
        [("pre", 6, 7), ("code", 6, 6)],
    ),
    ("<B>x</B><SPAN class=tg-spoiler>y</span>", "xy", [("bold", 0, 1), ("spoiler", 1, 1)]),
    ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
    (
        "<tg-emoji emoji-id=5368324170671202286>👍</tg-emoji>",
        "👍",
        [("custom_emoji", 0, 2, "5368324170671202286")],
    ),
    ("<a href='tel:+77011234567'>x</a>", "x", []),  # an invalid link silently loses its entity
]


@pytest.mark.parametrize(("html", "text", "entities"), PARSED)
def test_parsed(html: str, text: str, entities: list[tuple[Any, ...]]) -> None:
    got_text, got_entities = parse_html(html)
    assert got_text == text
    assert _short(got_entities) == entities


def test_text_mention_uses_the_known_user() -> None:
    user = {"id": 7, "is_bot": False, "first_name": "A"}
    _, entities = parse_html('<a href="tg://user?id=7">A</a>', lambda uid: user)
    assert entities == [{"type": "text_mention", "offset": 0, "length": 1, "user": user}]


def test_fix_text_trims_and_cleans() -> None:
    assert fix_text("  a\tb\r\n c  \n", [], allow_empty=False) == ("a\tb\n c", [])
    bold = [{"type": "bold", "offset": 2, "length": 3}]
    assert fix_text("\n a\tb ", bold, allow_empty=False) == (
        "a b",
        [{"type": "bold", "offset": 0, "length": 3}],
    )
    assert fix_text(" \n", [], allow_empty=True) == ("", [])
    with pytest.raises(EmptyTextError, match="Text must be non-empty"):
        fix_text(" \n ", [], allow_empty=False)


def test_utf16_units_and_automatic_entities() -> None:
    assert utf16_len("😀a") == 3
    text = "😀 /start@sakshy_test_bot see https://police.kz #help @officer"
    kinds = [(e["type"], e["offset"]) for e in find_entities(text)]
    assert kinds == [("bot_command", 3), ("url", 30), ("hashtag", 48), ("mention", 54)]


LINKS: list[tuple[str, str]] = [
    ("https://example.com", "https://example.com/"),
    ("example.com/a b", "http://example.com/a%20b"),
    ("tg://resolve?domain=sakshy_bot", "tg://resolve?domain=sakshy_bot"),
    ("tel:+77011234567", "!Wrong port number specified in the URL"),
    ("tel:102", "!Wrong HTTP URL"),
    ("http://localhost:8080", "!Wrong HTTP URL"),
    ("ftp://files.kz", "!Unsupported URL protocol"),
    ("https://", "!URL host is empty"),
    ("https://a b.kz", "!Wrong URL host"),
    ("tg://http://x", "!Wrong tg URL"),
]


@pytest.mark.parametrize(("link", "expected"), LINKS)
def test_check_link(link: str, expected: str) -> None:
    if expected.startswith("!"):
        with pytest.raises(ValueError) as error:
            check_link(link)
        assert str(error.value) == expected[1:]
    else:
        assert check_link(link) == expected


@pytest.mark.parametrize(
    ("code", "message", "description"),
    [
        (400, "Message text is empty", "Bad Request: message text is empty"),
        (400, "TOPIC_CLOSED", "Bad Request: TOPIC_CLOSED"),
        (400, "Bad Request: chat not found", "Bad Request: chat not found"),
        (400, "REPLY_MARKUP_TOO_LONG", "Bad Request: reply markup is too long"),
        (403, "bot was blocked by the user", "Forbidden: bot was blocked by the user"),
        (400, "URL 'x' is invalid", "Bad Request: URL 'x' is invalid"),
    ],
)
def test_bas_wording(code: int, message: str, description: str) -> None:
    assert bas_description(code, message) == description
