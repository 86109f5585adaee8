"""Duties without Telegram or a database: the staff's form and every refusal, who is free for a
duty (days and times of day, in Almaty time), overlaps, wave sizes, the withdrawal window and
the hours served with their cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.directory_file import parse_directory
from bot.domain.duties import (
    is_free,
    local_bands,
    may_withdraw,
    overlaps,
    parse_form,
    served_minutes,
    wave_size,
)
from bot.resources import demo_directory_path

ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)  # 11:00 in Almaty, a Sunday


def directory():  # type: ignore[no-untyped-def]
    path = demo_directory_path()
    found, problems = parse_directory(path.read_text("utf-8"), path.name)
    assert found is not None, problems
    return found


FORM = """date: 28.11.2026
time: 18:00-21:00
precincts: zhd-vokzal, mzhk
place: mpp-zhd
helpers: 4
task: Evening patrol <b>around</b> the square
leader: капитан Серікбаев +7 701 123 45 67"""


def test_a_filled_form_is_a_duty_in_local_time() -> None:
    result = parse_form(FORM, NOW, ALMATY, directory())
    assert result.problems == []
    draft = result.draft
    assert draft is not None
    assert draft.starts_at == datetime(2026, 11, 28, 13, 0, tzinfo=UTC)  # 18:00 in Almaty
    assert draft.ends_at - draft.starts_at == timedelta(hours=3)
    assert draft.precincts == ("zhd-vokzal", "mzhk")
    assert draft.place.point_id == "mpp-zhd"
    assert draft.seats == 4
    assert draft.task == "Evening patrol <b>around</b> the square"  # escaped when shown
    assert (draft.leader, draft.leader_phone) == ("капитан Серікбаев", "+77011234567")


def test_the_form_in_kazakh_and_russian_with_a_location() -> None:
    kk = (
        FORM.replace("date:", "күні:")
        .replace("time:", "уақыты:")
        .replace("place: mpp-zhd", "орны: 42.3001, 69.6102 субұрқақ")
    )
    ru = FORM.replace("helpers:", "помощники:").replace("leader:", "ответственный:")
    for text in (kk, ru):
        result = parse_form(text, NOW, ALMATY, directory())
        assert result.draft is not None, result.problems
    place = parse_form(kk, NOW, ALMATY, directory()).draft.place  # type: ignore[union-attr]
    assert (place.latitude, place.longitude, place.label) == (42.3001, 69.6102, "субұрқақ")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("date: 28.11.2026", "date: 21.11.2026"), ("past", "21.11.2026")),
        (("date: 28.11.2026", "date: 31.11.2026"), ("date", "31.11.2026")),
        (("18:00-21:00", "21:00-18:00"), ("end_before_start", "21:00-18:00")),
        (("18:00-21:00", "18:00-18:00"), ("end_before_start", "18:00-18:00")),
        (("18:00-21:00", "06:00-20:00"), ("too_long", "12")),
        (("18:00-21:00", "25:00-26:00"), ("time", "25:00-26:00")),
        (("zhd-vokzal, mzhk", "zhd-vokzal, nowhere"), ("precinct", "nowhere")),
        (("place: mpp-zhd", "place: the old bazaar"), ("place", "the old bazaar")),
        (("helpers: 4", "helpers: 0"), ("seats", "0")),
        (("helpers: 4", "helpers: many"), ("seats", "many")),
        (("helpers: 4", "helpers: 101"), ("too_many_seats", "100")),
        (("+7 701 123 45 67", "no phone"), ("leader_phone", "капитан Серікбаев no phone")),
        (
            ("task: Evening patrol <b>around</b> the square", "task: " + "x" * 501),
            ("task_long", "500"),
        ),
    ],
)
def test_every_bad_field_gets_its_own_problem(
    change: tuple[str, str], problem: tuple[str, str]
) -> None:
    result = parse_form(FORM.replace(*change), NOW, ALMATY, directory())
    assert result.draft is None
    assert result.problems == [problem]


def test_missing_lines_are_all_named() -> None:
    result = parse_form("date: 28.11.2026\nhelpers: 2", NOW, ALMATY, directory())
    assert result.problems == [
        ("missing", "time"),
        ("missing", "precincts"),
        ("missing", "place"),
        ("missing", "task"),
        ("missing", "leader"),
    ]


def test_a_duty_until_midnight_is_allowed() -> None:
    result = parse_form(FORM.replace("18:00-21:00", "20:00-24:00"), NOW, ALMATY, directory())
    assert result.draft is not None
    assert result.draft.ends_at == datetime(2026, 11, 28, 19, 0, tzinfo=UTC)


def test_the_times_of_day_a_duty_covers_in_almaty() -> None:
    starts = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # Saturday 17:00 in Almaty
    spans = local_bands(starts, starts + timedelta(hours=3), ALMATY)
    assert spans == {(5, "day"): 60.0, (5, "evening"): 120.0}


def test_a_helper_is_free_when_their_times_cover_half_the_duty() -> None:
    starts = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # Sat 17:00–20:00 in Almaty
    ends = starts + timedelta(hours=3)
    assert is_free([5], ["evening"], starts, ends, ALMATY)  # two hours of three
    assert not is_free([5], ["day"], starts, ends, ALMATY)  # one hour of three
    assert not is_free([6], ["day", "evening"], starts, ends, ALMATY)  # Sunday only
    assert is_free([5], ["day", "evening"], starts, ends, ALMATY)
    assert not is_free([], [], starts, ends, ALMATY)


def test_overlaps_share_a_moment() -> None:
    a = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)
    hour = timedelta(hours=1)
    assert overlaps(a, a + 2 * hour, a + hour, a + 3 * hour)
    assert overlaps(a, a + 3 * hour, a + hour, a + 2 * hour)
    assert not overlaps(a, a + hour, a + hour, a + 2 * hour)  # one ends as the other starts
    assert not overlaps(a, a + hour, a + 2 * hour, a + 3 * hour)


def test_a_wave_is_a_few_times_the_empty_seats_less_the_offers_still_open() -> None:
    assert wave_size(open_seats=4, awaiting=0, factor=3) == 12
    assert wave_size(open_seats=4, awaiting=5, factor=3) == 7
    assert wave_size(open_seats=1, awaiting=5, factor=3) == 0
    assert wave_size(open_seats=0, awaiting=0, factor=3) == 0


def test_the_withdrawal_window_closes_hours_before_the_start() -> None:
    starts = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)
    assert may_withdraw(starts - timedelta(hours=13), starts, 12)
    assert not may_withdraw(starts - timedelta(hours=12), starts, 12)
    assert not may_withdraw(starts - timedelta(hours=1), starts, 12)
    assert may_withdraw(starts - timedelta(minutes=1), starts, 0)


def test_hours_run_from_check_in_to_check_out_within_the_duty() -> None:
    starts = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)
    ends = starts + timedelta(hours=3)
    minute = timedelta(minutes=1)
    assert served_minutes(starts, ends, starts + 10 * minute, starts + 130 * minute) == 120
    # early arrival and late departure are capped by the duty's own time
    assert served_minutes(starts, ends, starts - 30 * minute, ends + 90 * minute) == 180
    # no check-out: until the end
    assert served_minutes(starts, ends, starts + 60 * minute, None) == 120
    assert served_minutes(starts, ends, None, ends) == 0
    assert served_minutes(starts, ends, ends + minute, ends + 2 * minute) == 0
