"""The one rate limiter: Telegram's guidance as numbers, checked on a controlled clock."""

from __future__ import annotations

import pytest

from bot.services.ratelimit import Limits, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_private_chat_allows_a_short_burst_then_one_per_second(clock: Clock) -> None:
    limiter = RateLimiter(clock=clock)
    assert [limiter.reserve(42) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.reserve(42) == pytest.approx(1.0)
    clock.t += 1.0
    assert limiter.reserve(42) == 0.0
    assert limiter.reserve(42) == pytest.approx(1.0)
    assert limiter.reserve(43) == 0.0, "another chat is not slowed by this one"


def test_group_gets_at_most_twenty_per_minute(clock: Clock) -> None:
    limiter = RateLimiter(Limits(chat_burst=100, chat_per_second=100.0), clock=clock)
    for i in range(20):
        assert limiter.reserve(-100) == 0.0, i
        clock.t += 0.5
    wait = limiter.reserve(-100)
    assert wait == pytest.approx(60.0 - 10.0)
    clock.t += wait
    assert limiter.reserve(-100) == 0.0


def test_about_thirty_per_second_overall(clock: Clock) -> None:
    limiter = RateLimiter(clock=clock)
    allowed = limiter.limits.global_per_second
    assert 25 <= allowed <= 30
    assert all(limiter.reserve(chat) == 0.0 for chat in range(1, allowed + 1))
    assert limiter.reserve(1000) == pytest.approx(1.0)
    clock.t += 1.0
    assert limiter.reserve(1000) == 0.0


def test_a_refused_reservation_takes_no_slot(clock: Clock) -> None:
    limiter = RateLimiter(clock=clock)
    for _ in range(3):
        limiter.reserve(7)
    for _ in range(10):
        assert limiter.reserve(7) > 0
    clock.t += 1.0
    assert limiter.reserve(7) == 0.0, "waiting did not dig a deeper hole"


def test_penalty_after_a_429(clock: Clock) -> None:
    limiter = RateLimiter(clock=clock)
    limiter.penalise(5, 7.0)
    assert limiter.reserve(5) == pytest.approx(7.0)
    assert limiter.reserve(6) == 0.0
    limiter.penalise(None, 2.0)
    assert limiter.reserve(6) == pytest.approx(2.0), "a global 429 holds every chat"


def test_time_scale_shrinks_telegrams_minute(clock: Clock) -> None:
    limiter = RateLimiter(clock=clock, time_scale=0.01)
    for _ in range(3):
        limiter.reserve(9)
    assert limiter.reserve(9) == pytest.approx(1.0), "waits are in Telegram's seconds"
    clock.t += 0.01  # one real hundredth of a second is a Telegram second here
    assert limiter.reserve(9) == 0.0


def test_idle_chats_are_forgotten(clock: Clock) -> None:
    limiter = RateLimiter(clock=clock)
    for chat in range(100):
        limiter.reserve(chat)
    clock.t += 600
    limiter.reserve(1000)
    assert len(limiter._chats) == 1
