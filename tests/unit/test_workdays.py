"""The legal clock's calendar: Kazakhstan's working days, with the operator's own."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.workdays import CalendarError, WorkCalendar, kazakhstan, parse_days


def test_fifteen_working_days_step_over_weekends_and_nauryz() -> None:
    calendar = kazakhstan([2027])
    # received on Friday 12 March 2027: Constitution Day (Monday 15), and Nauryz with its
    # observed day (Monday 22 to Wednesday 24) are not counted
    due = calendar.add(date(2027, 3, 12), 15)
    assert due == date(2027, 4, 8)
    assert calendar.count(date(2027, 3, 12), due) == 15
    assert not calendar.is_working(date(2027, 3, 22))
    assert calendar.is_working(date(2027, 3, 25))


def test_a_holiday_on_a_weekend_moves_to_the_monday() -> None:
    calendar = kazakhstan([2026])
    assert date(2026, 5, 9).weekday() == 5  # Victory Day 2026 is a Saturday
    assert not calendar.is_working(date(2026, 5, 11))  # the day off moves to Monday
    assert calendar.add(date(2026, 5, 8), 1) == date(2026, 5, 12)


def test_the_operators_days_win() -> None:
    text = "2027-01-03 work  # a Sunday worked\n\n# announced in February\n2027-03-19 off\n"
    calendar = kazakhstan([2027], text)
    assert calendar.is_working(date(2027, 1, 3))
    assert not calendar.is_working(date(2027, 3, 19))
    assert calendar.add(date(2027, 1, 1), 1) == date(2027, 1, 3)


def test_counting_back_and_the_same_day() -> None:
    calendar = WorkCalendar()
    assert calendar.add(date(2026, 12, 4), 0) == date(2026, 12, 4)
    assert calendar.count(date(2026, 12, 7), date(2026, 12, 4)) == 0
    assert calendar.count(date(2026, 12, 4), date(2026, 12, 7)) == 1  # Friday to Monday
    with pytest.raises(ValueError):
        calendar.add(date(2026, 12, 4), -1)


def test_every_bad_line_of_the_operators_file_is_named_at_once() -> None:
    text = "2027-02-30 off\n2027-03-20 holiday\njust words here\n2027-01-03 work\n2027-01-03 off\n"
    with pytest.raises(CalendarError) as caught:
        parse_days(text)
    assert str(caught.value).splitlines() == [
        "HOLIDAYS_FILE line 1: '2027-02-30' is not a date (YYYY-MM-DD)",
        "HOLIDAYS_FILE line 2: 'holiday' is neither off nor work",
        "HOLIDAYS_FILE line 3: write a date and off or work, like 2027-03-20 off",
        "HOLIDAYS_FILE: 2027-01-03 is both off and work",
    ]
