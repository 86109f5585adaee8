"""Time as a dependency, so services and tests agree on "now".

Every rule that reads the date or the time of day (quiet hours, digests, duty waves and
reminders, surveys, retention, backups, escalations) reads the app's clock, a function that
returns an aware datetime: `utc_now` for the real bot, a `WorldClock` for the demo (a world
whose day it chooses) and for the tests (a pinned day they can move).
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class WorldClock:
    """A clock that starts at a chosen moment and runs at real pace from there: the start plus
    the monotonic time elapsed since. `set` and `advance` move it (a test's "the next morning");
    it never depends on the machine's date or time of day."""

    def __init__(self, start: datetime, *, monotonic: Callable[[], float] = _time.monotonic):
        if start.tzinfo is None:
            raise ValueError("a world clock starts at an aware datetime")
        self._monotonic = monotonic
        self._start = start.astimezone(UTC)
        self._since = monotonic()

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=self._monotonic() - self._since)

    def set(self, moment: datetime) -> None:
        """From now on the clock reads `moment`, and runs on from there."""
        if moment.tzinfo is None:
            raise ValueError("a world clock is set to an aware datetime")
        self._start = moment.astimezone(UTC)
        self._since = self._monotonic()

    def advance(self, delta: timedelta) -> None:
        self._start += delta

    @property
    def now(self) -> datetime:
        return self()

    @now.setter
    def now(self, moment: datetime) -> None:
        self.set(moment)


def next_weekday_at(today: datetime, zone: ZoneInfo, at: time) -> datetime:
    """The first Monday-to-Friday after `today`'s local date, at `at` local time (aware)."""
    day = today.astimezone(zone).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, at, tzinfo=zone)
