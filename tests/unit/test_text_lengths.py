"""Texts fit where they are shown, in both languages, with the longest realistic values.

- a button label (reply keyboard or inline) holds at most 24 characters: two buttons side by
  side on a 360-px phone are cut off beyond that;
- a message at most 4096 characters, a caption 1024, a callback answer 200 and an input field
  placeholder 64 (Telegram's limits);
- the resident's /help fits one phone screen.

Which msgid is a button, a caption, a callback answer or a placeholder is read from the code
with `ast`. A button whose label cannot be traced back to a msgid must be in UNTRACED_BUTTONS
with the reason, so a new button never escapes the rule.
"""

from __future__ import annotations

import ast
import json
import string
import textwrap
import tomllib
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.dates import format_datetime
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.domain.community import MAX_OPTION, MAX_QUESTION
from bot.domain.duties import MAX_LEADER
from bot.domain.reports import MAX_DESCRIPTION, MAX_NOTE
from bot.services.desk import MAX_REASON
from bot.telegram.buttons import LANGUAGE_NAMES
from bot.telegram.resident.helper.application import MAX_HELPER_NOTE
from bot.telegram.resident.report.router import MAX_ADDRESS
from bot.testing.fake_telegram.html_parser import parse_html

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("kk", "ru")

#: a label longer than this is cut off when two buttons share a row on a 360-px phone
MAX_BUTTON = 24
MAX_MESSAGE = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
MAX_PLACEHOLDER = 64
#: one screen of a 360-px phone: about 36 characters a line in Telegram's default font, and
#: 20 lines between the header and the keyboard
SCREEN_COLUMNS = 36
SCREEN_LINES = 20
HELP_MSGID = "<b>Sakshy</b> connects residents with the Local Police Service."

#: the names under which the code calls gettext, lazy and no-op ones included
GETTEXT = {"_", "_t", "__", "N_", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext"}
BUTTONS = {"KeyboardButton", "InlineKeyboardButton"}

#: Buttons whose label is not a catalog text, by file and label expression, and why.
UNTRACED_BUTTONS = {
    (
        "bot/telegram/staff/reports/render.py",
        "'↪️ ' + body.name(self.staff_locale)[:40]",
    ): "an outside body's name (at most 60, cut at 40), one button to a row",
    ("bot/telegram/staff/reports/render.py", "label[:60]"): (
        "«To:» and the body a category usually belongs to, cut at 60, alone on its row"
    ),
    ("bot/telegram/buttons.py", "name"): "a language named in itself (checked below)",
    ("bot/telegram/buttons.py", "c.label(locale)"): "a category: load_categories refuses over 24",
    (
        "bot/telegram/staff/community/render.py",
        "('✅ ' if n == chosen else '') + self.option(survey, n, locale)",
    ): "a survey option typed by staff",
    (
        "bot/telegram/resident/helper/profile.py",
        "('✅' if n in days else '') + names[n]",
    ): "a weekday abbreviation",
    (
        "bot/telegram/resident/helper/profile.py",
        "('✅ ' if b in bands else '') + band_names[b]",
    ): "a time band",
    (
        "bot/telegram/resident/inspector/router.py",
        "p.name(locale)",
    ): "a precinct from the directory",
    ("bot/telegram/resident/inspector/router.py", "'⬅️'"): "an arrow",
    ("bot/telegram/resident/inspector/router.py", "'➡️'"): "an arrow",
    (
        "bot/telegram/resident/my_reports/router.py",
        "_line(report, renderer, user.language)[:60]",
    ): "a report's summary line, cut at 60",
    ("bot/telegram/resident/my_reports/router.py", "'◀️'"): "an arrow",
    ("bot/telegram/resident/my_reports/router.py", "'▶️'"): "an arrow",
    (
        "bot/telegram/resident/subscriptions/router.py",
        "('✅ ' if item.wants(kind) else '⬜ ') + names[kind]",
    ): "a kind of notice (a tick and a name)",
    (
        "bot/telegram/resident/subscriptions/router.py",
        "p.name(user.language)",
    ): "a precinct from the directory",
    ("bot/telegram/resident/survey/router.py", "f'{n} ⭐'"): "a rating",
    (
        "bot/telegram/resident/helper/application.py",
        "('✅ ' if p.id in chosen else '') + p.name(user.language)",
    ): "a precinct from the directory",
    (
        "bot/telegram/resident/helper/application.py",
        "texts.helper_done() + (f' ({len(chosen)})' if chosen else '')",
    ): "«Done» and a count (helper_done is checked alone)",
    (
        "bot/telegram/resident/helper/application.py",
        "('✅' if n in days else '') + day_names[n]",
    ): "a weekday abbreviation",
    (
        "bot/telegram/resident/helper/application.py",
        "('✅ ' if band in bands else '') + band_names[band]",
    ): "a time band",
    ("bot/telegram/resident/helper/application.py", "text"): "a precinct page label built above",
    (
        "bot/telegram/staff/reports/render.py",
        "'📋 ' + str(t['title'])[:40]",
    ): "a ready answer's title, cut at 40",
    (
        "bot/telegram/staff/reports/render.py",
        "_(text)",
    ): "a reason of REJECT_REASONS (listed in BY_HAND)",
    ("bot/telegram/resident/report/render.py", "label"): "a survey answer (listed in BY_HAND)",
    ("bot/telegram/staff/helpers/render.py", "text"): "a staff action on an application (BY_HAND)",
}

#: the catalog texts behind some UNTRACED_BUTTONS, still held to the length rule
BY_HAND = {
    # render/staff_posts.py, REJECT_REASONS
    "not a violation",
    "a duplicate of another report",
    "not a matter for the police",
    "false or abusive report",
    # render/resident.py, the satisfaction survey
    "✅ Yes",
    "🟡 Partly",
    "❌ No",
    # helper_render.py, the staff's buttons on an application
    "✅ Checked by the police",
    "🏛 Registered by the akimat",
    "⛔ Reject",
    "❓ Ask for more",
    "▶️ Activate",
    "⏸ Suspend",
    "🏁 Retire",
    "▶️ Resume",
}


# ---- the longest realistic value of every placeholder ------------------------------------


def _longest(values: Iterator[str]) -> str:
    return max(values, key=len)


@cache
def _data() -> tuple[str, str]:
    """The longest precinct name and category label of the shipped data."""
    features = json.loads((ROOT / "bot/data/directory_demo.geojson").read_text("utf-8"))
    props = [f["properties"] for f in features["features"]]
    precinct = _longest(p[f"name_{lang}"] for p in props for lang in LOCALES)
    categories = tomllib.loads((ROOT / "bot/data/categories.toml").read_text("utf-8"))
    category = _longest(
        f"{c['emoji']} {c[lang]}" for c in categories["category"] for lang in LOCALES
    )
    return precinct, category


@cache
def placeholder_values() -> dict[str, str]:
    """Every placeholder of the catalogs and the longest value it realistically takes."""
    precinct, category = _data()
    when = _longest(
        format_datetime(datetime(2026, month, 28, 23, 59), "d MMMM y, HH:mm", locale=lang)
        for month in range(1, 13)
        for lang in LOCALES
    )
    number = "999999"  # report, duty, application, survey numbers and counts: 6 digits
    name = "N" * 64 + " " + "N" * 64  # Telegram's first and last name, 64 characters each
    precinct_list = ", ".join([precinct] * 5)  # MAX_PRECINCTS of a helper
    values = {
        # numbers and counts
        **dict.fromkeys(
            [
                "amount",
                "answered",
                "shown",
                "total",
                "changes",
                "count",
                "declined",
                "duties",
                "duty",
                "free",
                "helper",
                "id",
                "inspectors",
                "linked",
                "n",
                "new",
                "no",
                "number",
                "offered",
                "open",
                "original",
                "other",
                "overdue",
                "page",
                "pages",
                "partly",
                "points",
                "precincts",
                "rejected",
                "resolved",
                "seats",
                "taken",
                "waves",
                "yes",
                "age",
                "days",
                "hours",
                "limit",
                "length",
                "line",
                "megabytes",
                "metres",
                "minutes",
                "radius",
                "distance",
                "rating",
                "in_time",
                "late",
                "minimum",
                "maximum",
            ],
            number,
        ),
        "chat_id": "-1009999999999",
        "chat": "-1009999999999",
        "code": "9999 9999",  # a claim code as read out
        "codes": ", ".join(["<code>" + "k" * 32 + "</code>"] * 30),  # every category's key
        "body": "B" * 60,  # an outside body's name (MAX_BODY_NAME)
        "how": "e" * 64 + "@" + "d" * 60 + ".kz",  # its e-mail address, or «by hand»
        "user_id": "9999999999",
        "iin": "999999999999",
        "phone": "+7 777 777 77 77",
        "numbers": ", ".join(["№ " + number] * 5),  # a resident's open reports (at most 5)
        "mean": "4,99",
        "share": "100 %",
        "lat": "-90.000000",
        "lon": "-180.000000",
        "position": "[-180.000000, -90.000000]",
        # people
        **dict.fromkeys(["name", "officer", "who", "surname"], name),
        "leader": "L" * MAX_LEADER,
        "rank": "полиция подполковнигі",
        "inspector": "INSPECTOR-" + "9" * 10,
        # places
        **dict.fromkeys(["area", "precinct", "place", "point", "other"], precinct),
        **dict.fromkeys(("place", "address"), "A" * MAX_ADDRESS),  # a typed address
        "areas": ", ".join([precinct] * 30),  # MAX_SURVEY_PRECINCTS
        "list": precinct_list,
        "category": category,
        # dates and times (Babel, the longest month)
        **dict.fromkeys(["date", "when", "until", "time", "birth", "since", "day"], when),
        "span": when + " – " + when,
        "month": "қыркүйек 2026",
        # texts people type, at the limits the bot enforces
        "description": "D" * MAX_DESCRIPTION,
        "note": "N" * MAX_HELPER_NOTE,
        "reason": "R" * MAX_REASON,
        "question": "Q" * MAX_QUESTION,
        "option": "O" * MAX_OPTION,
        "answer": "A" * 1000,  # the applicant's answer, cut at 1000 (routers/volunteer.py)
        "comment": "C" * MAX_NOTE,  # the survey comment, cut to MAX_NOTE by SurveyService
        "text": "T" * 100,  # an unknown microdistrict, cut at 100
        "registration": "ҚК-0042 28.09.2026",
        # states, kinds and the directory file's problems
        **dict.fromkeys(["status", "state"], "тіркеуден бас тартылды"),
        "kind": "GeometryCollection",
        "detail": "Expecting ',' delimiter",
        "field": "question",
        "key": "district_ru",
        "value": "V" * 200,  # directory_file.MAX_TEXT
        "columns": "name_kk, name_ru, inspectors",
        "email": "E" * 64 + "@" + "e" * 60 + ".kz",
        "source": "directory.geojson",
        "language": "Қазақша",
        "languages": "Қазақша, Русский",
        "bands": "таңертең, күндіз, кешке",
        "a": precinct,
        "b": precinct,
    }
    return values


#: where the code cuts a value shorter than the table's, for that msgid only
SHORTER = {
    # routers/staff.py: the faster officer's name, cut at 40
    "{name} was faster: report № {number} is now {status}.": {"name": "N" * 40},
}


# ---- reading the code --------------------------------------------------------------------


@cache
def modules() -> dict[str, ast.Module]:
    return {
        str(p.relative_to(ROOT)): ast.parse(p.read_text("utf-8"))
        for p in sorted((ROOT / "bot").rglob("*.py"))
    }


def _called(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id
        if isinstance(node.func, ast.Attribute):
            return node.func.attr
    return None


@cache
def constants() -> dict[str, str]:
    """Module-level names bound to a msgid: `BTN_REPORT = N_("📝 Report a violation")`."""
    found: dict[str, str] = {}
    for tree in modules().values():
        for node in tree.body:
            if isinstance(node, ast.Assign) and _called(node.value) in GETTEXT:
                msgid = _literal(node.value.args[0])  # type: ignore[attr-defined]
                for target in node.targets:
                    if isinstance(target, ast.Name) and msgid is not None:
                        found[target.id] = msgid
    return found


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants().get(node.id)
    return None


def _module_path(dotted: str) -> str | None:
    for candidate in (dotted.replace(".", "/") + ".py", dotted.replace(".", "/") + "/__init__.py"):
        if candidate in modules():
            return candidate
    return None


@cache
def module_functions(path: str) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """The functions defined at the top level of a module."""
    return {
        node.name: node
        for node in modules()[path].body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


@cache
def imported(path: str) -> dict[str, tuple[str, str | None]]:
    """Names a module imports from the project: name -> (module path, function or None for
    a whole module, like `from bot.telegram import texts`)."""
    found: dict[str, tuple[str, str | None]] = {}
    for node in modules()[path].body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot"):
            for alias in node.names:
                whole = _module_path(f"{node.module}.{alias.name}")
                if whole is not None:
                    found[alias.asname or alias.name] = (whole, None)
                elif (source := _module_path(node.module or "")) is not None:
                    found[alias.asname or alias.name] = (source, alias.name)
    return found


def definition(path: str, name: str) -> tuple[str, ast.FunctionDef | ast.AsyncFunctionDef] | None:
    """Where a module's function is defined: in the module itself, or in the module it is
    imported from (a package such as `bot.telegram.texts` re-exports its modules' texts)."""
    if name in module_functions(path):
        return path, module_functions(path)[name]
    source, original = imported(path).get(name, ("", None))
    return definition(source, original) if original is not None else None


@cache
def methods() -> dict[str, list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]]:
    found: dict[str, list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]] = {}
    for path, tree in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        found.setdefault(item.name, []).append((path, item))
    return found


def resolve(call: ast.Call, path: str) -> tuple[str, ast.FunctionDef | ast.AsyncFunctionDef] | None:
    """The project function a call runs: `texts.f()`, a function of this module or imported
    from another, or a method whose name only one class of the project uses."""
    func = call.func
    if isinstance(func, ast.Name):
        return definition(path, func.id)
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Name):
            source, name = imported(path).get(func.value.id, ("", "?"))
            if name is None:
                return definition(source, func.attr)
        candidates = methods().get(func.attr, [])
        if len(candidates) == 1:
            return candidates[0]
    return None


def _returns(function: ast.AST) -> list[ast.expr]:
    return [n.value for n in ast.walk(function) if isinstance(n, ast.Return) and n.value]


def traced(node: ast.expr, path: str, function: ast.AST | None = None) -> set[str] | None:
    """The msgids a label expression shows, or None when it cannot be traced to msgids only:
    a gettext call on a literal or a msgid constant, `.format()` of one, a choice between
    two, a function (of bot/telegram/texts/, say) that returns one, or a local variable set
    to one."""
    if isinstance(node, ast.Name) and function is not None:
        values = _locals(function).get(node.id, [])
        results = [traced(value, path) for value in values]
        if not results or any(r is None for r in results):
            return None
        return set().union(*results)  # type: ignore[arg-type]
    if isinstance(node, ast.IfExp):
        body, other = traced(node.body, path), traced(node.orelse, path)
        return None if body is None or other is None else body | other
    if not isinstance(node, ast.Call):
        return None
    name = _called(node)
    if name in GETTEXT and node.args:
        msgid = _literal(node.args[0])
        return None if msgid is None else {msgid}
    if name == "format" and isinstance(node.func, ast.Attribute):
        return traced(node.func.value, path)
    target = resolve(node, path)
    if target is None:
        return None
    results = [traced(r, target[0]) for r in _returns(target[1])]
    if not results or any(r is None for r in results):
        return None
    return set().union(*results)  # type: ignore[arg-type]


def reachable(node: ast.AST, path: str, depth: int = 2) -> set[str]:
    """Every msgid an expression may show (looser than `traced`): gettext calls in it, and
    those of the project functions it calls, two calls deep."""
    found: set[str] = set()
    for sub in ast.walk(node):
        if not isinstance(sub, ast.Call):
            continue
        if _called(sub) in GETTEXT and sub.args:
            msgid = _literal(sub.args[0])
            if msgid is not None:
                found.add(msgid)
        elif depth > 0 and (target := resolve(sub, path)) is not None:
            for statement in target[1].body:
                found |= reachable(statement, target[0], depth - 1)
    return found


def _locals(function: ast.AST) -> dict[str, list[ast.expr]]:
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
    return assigned


Function = ast.FunctionDef | ast.AsyncFunctionDef


def _innermost() -> Iterator[tuple[str, ast.AST, Function]]:
    """(file, node, the innermost function around it) for every node inside a function."""

    def visit(node: ast.AST, path: str, function: Function | None) -> Iterator[Any]:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else None
            if function is not None:
                yield path, child, function
            yield from visit(child, path, inner or function)

    for path, tree in modules().items():
        if not path.startswith("bot/testing/"):  # the fake Telegram is not the bot
            yield from visit(tree, path, None)


def _button_label(node: ast.AST) -> ast.expr | None:
    """The label of a button: `KeyboardButton(text=…)`, `InlineKeyboardButton(text=…)`, or a
    button written as a dict for the outbox (`{"text": …, "callback_data": …}`)."""
    if isinstance(node, ast.Call) and _called(node) in BUTTONS:
        return next((k.value for k in node.keywords if k.arg == "text"), None)
    if isinstance(node, ast.Dict):
        keys = {k.value: v for k, v in zip(node.keys, node.values, strict=True) if _is_str(k)}
        if "text" in keys and ("callback_data" in keys or "url" in keys):
            return keys["text"]
    return None


def _is_str(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


@cache
def button_helpers() -> dict[str, int]:
    """Project functions that make a button from a label they are given (render/staff_posts.py's
    `button(text, action)`): name -> the position of the label among the arguments."""
    helpers: dict[str, int] = {}
    for _path, node, function in _innermost():
        label = _button_label(node)
        params = [a.arg for a in function.args.args]
        if isinstance(label, ast.Name) and label.id in params:
            helpers[function.name] = params.index(label.id)
    return helpers


def _uses() -> Iterator[tuple[str, str, ast.expr, Function]]:
    """(kind, file, expression, enclosing function) of every button label, caption,
    callback answer and input field placeholder in the code."""
    helpers = button_helpers()
    for path, node, function in _innermost():
        label = _button_label(node)
        if label is not None and not (function.name in helpers and isinstance(label, ast.Name)):
            yield "button", path, label, function
        if not isinstance(node, ast.Call):
            continue
        name = _called(node)
        if name in helpers and isinstance(node.func, ast.Name) and len(node.args) > helpers[name]:
            yield "button", path, node.args[helpers[name]], function
        for keyword in node.keywords:
            if keyword.arg == "caption":
                yield "caption", path, keyword.value, function
            elif keyword.arg == "input_field_placeholder":
                yield "placeholder", path, keyword.value, function
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        is_query = receiver is not None and ast.unparse(receiver).endswith("query")
        if (name == "answer" and is_query) or name == "answer_callback_query":
            text = node.args[0] if node.args else None
            text = next((k.value for k in node.keywords if k.arg == "text"), text)
            if text is not None:
                yield "callback", path, text, function


@cache
def scan() -> tuple[dict[str, set[str]], list[tuple[str, str]]]:
    """msgids by kind, and the buttons that cannot be traced (file, label expression)."""
    kinds: dict[str, set[str]] = {"button": set(), "caption": set(), "callback": set()}
    kinds["placeholder"] = set()
    untraced: list[tuple[str, str]] = []
    for kind, path, expression, function in _uses():
        if kind == "button":
            msgids = traced(expression, path, function)
            if msgids is None:
                untraced.append((path, ast.unparse(expression)))
            else:
                kinds["button"] |= msgids
            continue
        found = reachable(expression, path)
        # a local variable (`caption = …`) or a table of texts (`notes[outcome]`)
        local = expression.value if isinstance(expression, ast.Subscript) else expression
        if isinstance(local, ast.Name):
            for value in _locals(function).get(local.id, []):
                found |= reachable(value, path)
        kinds[kind] |= found
    return kinds, untraced


# ---- the catalogs --------------------------------------------------------------------------


@cache
def catalog(lang: str) -> Catalog:
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def shown(lang: str, msgid: str) -> list[str]:
    """Each form of a msgid's translation, formatted with the longest values, as Telegram
    counts it (after the HTML is parsed)."""
    message = catalog(lang).get(msgid) or next(
        m for m in catalog(lang) if isinstance(m.id, tuple) and m.id[0] == msgid
    )
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    values = placeholder_values() | SHORTER.get(msgid, {})
    texts = []
    for form in forms:
        filled = form.format(**{name: values[name] for name in _fields(form)})
        texts.append(parse_html(filled)[0])
    return texts


def all_msgids() -> list[str]:
    return [m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog("kk") if m.id]


def too_long(msgids: set[str], limit: int) -> list[str]:
    return [
        f"{lang} {len(text)} > {limit}: {msgid!r} -> {text!r}"
        for msgid in sorted(msgids)
        for lang in LOCALES
        for text in shown(lang, msgid)
        if len(text) > limit
    ]


# ---- the tests ---------------------------------------------------------------------------


def test_every_placeholder_has_a_longest_value() -> None:
    used = {name for msgid in all_msgids() for name in _fields(msgid)}
    for m in catalog("kk"):
        if isinstance(m.id, tuple):
            used |= _fields(m.id[1])
    assert used - placeholder_values().keys() == set(), "add them to placeholder_values()"


def test_the_scan_finds_the_known_texts() -> None:
    kinds, _ = scan()
    assert "📝 Report a violation" in kinds["button"]  # a BTN_* constant through _()
    assert "✅ Send to the police" in kinds["button"]  # a literal
    assert "Choose an action" in kinds["placeholder"]
    assert len(kinds["callback"]) > 10
    assert kinds["caption"]


def test_by_hand_labels_are_catalog_texts() -> None:
    assert BY_HAND - set(all_msgids()) == set()


def test_every_button_is_traced_or_explained() -> None:
    _, untraced = scan()
    unexplained = sorted(set(untraced) - UNTRACED_BUTTONS.keys())
    assert unexplained == [], "trace these labels to a msgid, or explain them in UNTRACED_BUTTONS"
    gone = sorted(UNTRACED_BUTTONS.keys() - set(untraced))
    assert gone == [], "these UNTRACED_BUTTONS entries match no button any more"


def test_button_labels_fit_a_phone() -> None:
    kinds, _ = scan()
    problems = too_long(kinds["button"] | BY_HAND, MAX_BUTTON)
    problems += [name for name in LANGUAGE_NAMES.values() if len(name) > MAX_BUTTON]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("kind", "limit"),
    [("caption", MAX_CAPTION), ("callback", MAX_CALLBACK_ANSWER), ("placeholder", 64)],
)
def test_captions_answers_and_placeholders_fit(kind: str, limit: int) -> None:
    kinds, _ = scan()
    problems = too_long(kinds[kind], limit)
    assert problems == [], "\n".join(problems)


def test_every_message_fits_telegram() -> None:
    problems = too_long(set(all_msgids()), MAX_MESSAGE)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("lang", LOCALES)
def test_help_fits_one_screen(lang: str) -> None:
    msgid = next(m for m in all_msgids() if m.startswith(HELP_MSGID))
    (text,) = shown(lang, msgid)
    lines = [
        row
        for paragraph in text.split("\n")
        for row in (textwrap.wrap(paragraph, SCREEN_COLUMNS) or [""])
    ]
    assert len(lines) <= SCREEN_LINES, f"{lang}: /help takes {len(lines)} lines:\n" + "\n".join(
        lines
    )
