"""Public helpers: the IIN, the age rule, the pipeline and the cool-down."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.helpers import (
    HELPER_TRANSITIONS,
    HelperAction,
    HelperStatus,
    IllegalHelperChange,
    age_on,
    helper_apply,
    iin_birth_date,
    iin_check_digit,
    iin_problem,
    mask_iin,
    may_apply_again,
)


@pytest.mark.parametrize(
    ("iin", "born"),
    [
        ("900105300128", date(1990, 1, 5)),
        ("851231400458", date(1985, 12, 31)),
        ("000202501237", date(2000, 2, 2)),
        ("030715612342", date(2003, 7, 15)),
    ],
)
def test_valid_iins_and_their_dates(iin: str, born: date) -> None:
    assert iin_problem(iin) is None
    assert iin_birth_date(iin) == born


@pytest.mark.parametrize(
    ("iin", "problem"),
    [
        ("900105300127", "checksum"),  # the last digit off by one
        ("900105300182", "checksum"),  # two digits swapped
        ("90010530012", "digits"),  # 11 digits
        ("9001053001288", "digits"),
        ("9001О5300128", "digits"),  # a Cyrillic О
        ("９００１０５３００１２８", "digits"),  # full-width digits
        ("901305300120", "date"),  # month 13
        ("900105900123", "date"),  # no century digit 9
    ],
)
def test_invalid_iins_say_why(iin: str, problem: str) -> None:
    assert iin_problem(iin) == problem


def test_second_pass_of_the_check_digit() -> None:
    # a prefix whose first pass gives 10 uses the second weights
    prefix = next(
        p
        for p in (f"9001053{n:04d}" for n in range(10000))
        if sum(int(c) * w for c, w in zip(p, range(1, 12), strict=True)) % 11 == 10
    )
    digit = iin_check_digit(prefix)
    second = (
        sum(int(c) * w for c, w in zip(prefix, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True))
        % 11
    )
    assert digit == (None if second == 10 else second)


def test_masking_and_age() -> None:
    assert mask_iin("900105300128") == "••••••••0128"
    assert age_on(date(2008, 11, 22), date(2026, 11, 22)) == 18
    assert age_on(date(2008, 11, 23), date(2026, 11, 22)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17


def test_every_transition_and_nothing_else() -> None:
    allowed = set(HELPER_TRANSITIONS)
    for status in HelperStatus:
        for action in HelperAction:
            if (status, action) in allowed:
                assert helper_apply(status, action) is HELPER_TRANSITIONS[(status, action)]
            else:
                with pytest.raises(IllegalHelperChange):
                    helper_apply(status, action)
    path = [HelperAction.CHECK, HelperAction.REGISTER, HelperAction.ACTIVATE]
    status = HelperStatus.APPLIED
    for action in path:
        status = helper_apply(status, action)
    assert status is HelperStatus.ACTIVE


def test_cool_down_before_applying_again() -> None:
    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    week = timedelta(days=30)
    assert may_apply_again(None, None, now, week) is None
    rejected = now - timedelta(days=10)
    assert may_apply_again(HelperStatus.REJECTED, rejected, now, week) == rejected + week
    assert may_apply_again(HelperStatus.RETIRED, now - timedelta(days=31), now, week) is None
    assert may_apply_again(HelperStatus.ACTIVE, now, now, week) is not None, "already one"
