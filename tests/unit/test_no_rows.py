"""Objects, not rows: outside bot/storage (and the test kit) the bot reads attributes of typed
objects, never a database row's columns by name."""

from __future__ import annotations

import re
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
ROW_LOOKUP = re.compile(r"\brow\[")


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
    assert _lookups() == {}, "let the repository return an object (bot/storage/repositories)"


def test_the_scan_sees_a_lookup() -> None:
    assert ROW_LOOKUP.search('x = row["id"]') and not ROW_LOOKUP.search("rows[0]")
