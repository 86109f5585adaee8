"""Numbers from outside are bounded to what SQLite's INTEGER holds."""

from __future__ import annotations

import pytest

from bot.domain.numbers import SQLITE_MAX, parse_number
from bot.telegram.callbacks import MyReportsCb


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1042", 1042),
        (" 7 ", 7),
        ("0", 0),
        (str(SQLITE_MAX), SQLITE_MAX),
        (str(SQLITE_MAX + 1), None),
        ("99999999999999999999", None),
        ("-1", None),
        ("+5", None),
        ("1_000", None),
        ("١٢", None),  # Arabic-Indic digits: int() reads them, staff never type them
        ("", None),
        ("12a", None),
    ],
)
def test_parse_number(text: str, number: int | None) -> None:
    assert parse_number(text) == number


def test_button_data_with_a_number_sqlite_cannot_hold_does_not_unpack() -> None:
    assert MyReportsCb.unpack(f"mr:open:{SQLITE_MAX}").value == SQLITE_MAX
    with pytest.raises(ValueError):
        MyReportsCb.unpack(f"mr:open:{SQLITE_MAX + 1}")
