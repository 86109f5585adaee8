"""The console's per-person limits: a window slides, keys are apart, a refusal is not counted."""

from __future__ import annotations

from bot.domain.console_limits import Allowance


def test_a_person_gets_so_many_requests_a_window() -> None:
    allowance = Allowance(limit=3, window=60)
    assert [allowance.allow("a", t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert allowance.allow("b", 3), "another person has their own window"
    assert not allowance.allow("a", 59.9), "a refusal is not counted, the window still full"
    assert allowance.allow("a", 60.0), "the first request has left the window"
    assert not allowance.allow("a", 60.5)


def test_quiet_keys_are_forgotten() -> None:
    allowance = Allowance(limit=1, window=1)
    for key in range(10_001):
        allowance.allow(key, 0)
    allowance.allow("late", 5)
    assert len(allowance._seen) == 1
