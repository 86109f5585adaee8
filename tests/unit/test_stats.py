"""/stats periods in the city's days, and its figures against the database."""

from __future__ import annotations

from datetime import date

from bot.services.stats import MAX_DAYS, Period, parse_period

TODAY = date(2026, 11, 22)


def test_periods() -> None:
    assert parse_period("", TODAY) == Period(date(2026, 11, 16), TODAY)
    assert parse_period("сегодня", TODAY) == Period(TODAY, TODAY)
    assert parse_period("month", TODAY) == Period(date(2026, 10, 24), TODAY)
    assert parse_period("2026-02", TODAY) == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert parse_period("2026-12", TODAY) == Period(date(2026, 12, 1), date(2026, 12, 31))
    assert parse_period("01.11.2026-05.11.2026", TODAY) == Period(
        date(2026, 11, 1), date(2026, 11, 5)
    )
    assert len(Period(date(2026, 11, 1), date(2026, 11, 5)).days) == 5


def test_periods_refused() -> None:
    for text in ("someday", "2026-13", "05.11.2026-01.11.2026", "31.02.2026-01.03.2026"):
        assert parse_period(text, TODAY) is None, text
    assert parse_period("01.01.2026-31.12.2026", TODAY) is None, f"over {MAX_DAYS} days"


def test_cells_that_would_run_as_formulas_are_neutralised() -> None:
    from bot.services.export import safe_cell

    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("+77011234567") == "'+77011234567"
    assert safe_cell("-1+2") == "'-1+2"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\t=1") == "'\t=1"
    assert safe_cell("Тұран 12") == "Тұран 12"
    assert safe_cell(1042) == 1042
    assert safe_cell("") == ""
