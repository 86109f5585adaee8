"""Objects, not rows: outside bot/storage (and the test kit) the bot reads attributes of typed
objects, never a database row's columns by name."""

from __future__ import annotations

import re
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
ROW_LOOKUP = re.compile(r"\brow\[")
#: still to be turned into objects, each with the reason it waits; an entry goes once its file
#: no longer has a lookup (the test below says so)
WAITING = {
    "services/reports.py": "being split in its own branch: its nearby search comes after",
}


def _lookups() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(BOT.rglob("*.py")):
        relative = path.relative_to(BOT)
        if relative.parts[0] in ("storage", "testing"):
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if ROW_LOOKUP.search(line):
                found.setdefault(relative.as_posix(), []).append(f"{number}: {line.strip()}")
    return found


def test_no_row_lookups_outside_storage() -> None:
    found = {path: lines for path, lines in _lookups().items() if path not in WAITING}
    assert found == {}, "let the repository return an object (bot/storage/repositories)"


def test_the_waiting_list_is_not_stale() -> None:
    found = _lookups()
    stale = [path for path in WAITING if (BOT / path).exists() and path not in found]
    assert stale == [], "no row lookups left there: take it off WAITING"


def test_the_scan_sees_a_lookup() -> None:
    assert ROW_LOOKUP.search('x = row["id"]') and not ROW_LOOKUP.search("rows[0]")
