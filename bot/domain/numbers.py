"""Numbers that come from outside (button data, commands, forms): a report's, duty's, helper's
or survey's number, a page. SQLite's INTEGER holds a signed 64-bit value and the driver raises
OverflowError for anything bigger, so every such number is bounded here, before it can reach
SQL: a number out of range is no number at all, answered like any unknown one."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

#: the largest value an SQLite INTEGER holds
SQLITE_MAX = 2**63 - 1

#: a number in button data: aiogram's CallbackData filter does not match data that fails
#: validation, so an out-of-range number is answered as a stale button
Number = Annotated[int, Field(ge=0, le=SQLITE_MAX)]


def parse_number(text: str, *, low: int = 0, high: int = SQLITE_MAX) -> int | None:
    """The number `text` holds (ASCII digits, surrounding spaces allowed), or None when it
    holds anything else or a number outside [low, high]."""
    text = text.strip()
    if not text or len(text) > len(str(high)) or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None
