"""One clock: the bot reads the date and the time of day only through the app's clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.services.clock import WorldClock

BOT = Path(__file__).resolve().parents[2] / "bot"
#: where the real clock may be read: the default clock itself, and APScheduler's own metronome
ALLOWED = {"services/clock.py", "scheduler/__init__.py"}
REAL_CLOCK = re.compile(
    r"\b(datetime\.now|datetime\.utcnow|date\.today|datetime\.today|time\.time)\("
)


def test_no_code_of_the_bot_reads_the_machines_date_or_time_of_day() -> None:
    found = [
        f"{path.relative_to(BOT)}:{number}: {line.strip()}"
        for path in sorted(BOT.rglob("*.py"))
        if "testing" not in path.relative_to(BOT).parts
        and path.relative_to(BOT).as_posix() not in ALLOWED
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if REAL_CLOCK.search(line)
    ]
    assert found == [], "read the app's clock (SakshyApp(clock=...)) instead"


def test_a_world_clock_runs_from_its_start_and_can_be_moved() -> None:
    ticks = [100.0]
    start = datetime(2026, 11, 18, 6, 0, tzinfo=UTC)
    clock = WorldClock(start, monotonic=lambda: ticks[0])
    assert clock() == start
    ticks[0] += 90
    assert clock() == start + timedelta(seconds=90), "it runs at real pace"
    clock.advance(timedelta(days=1))
    assert clock() == start + timedelta(days=1, seconds=90)
    night = datetime(2026, 11, 19, 22, 30, tzinfo=UTC)
    clock.set(night)
    assert clock.now == night
    ticks[0] += 1
    assert clock.now == night + timedelta(seconds=1), "and runs on from there"
    clock.now += timedelta(hours=1)
    assert clock() == night + timedelta(hours=1, seconds=1)
    with pytest.raises(ValueError, match="aware"):
        WorldClock(datetime(2026, 11, 18, 11, 0))
