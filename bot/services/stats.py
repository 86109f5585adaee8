"""/stats without Telegram: a period in the city's days, the reports made in it counted per day
and category, the median times to take and to resolve, and the residents' ratings."""

from __future__ import annotations

import contextlib
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.deadlines import TermFigures
from bot.storage.db import Database
from bot.storage.repositories import DutyRepository, StatsRepository

#: the longest period /stats draws day by day
MAX_DAYS = 93
_RANGE = re.compile(r"^(\d{2}\.\d{2}\.\d{4})\s*[-–—]\s*(\d{2}\.\d{2}\.\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    first: date  # local days, both included
    last: date

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def parse_period(text: str, today: date) -> Period | None:
    """ "" (the last 7 days), "today", "week", "month" (the last 30 days), "2026-11" (a month),
    "01.11.2026-21.11.2026" (a range); None if not understood or too long."""
    text = text.strip().lower()
    if text in ("", "week", "апта", "неделя"):
        period = Period(today - timedelta(days=6), today)
    elif text in ("today", "бүгін", "сегодня"):
        period = Period(today, today)
    elif text in ("month", "ай", "месяц"):
        period = Period(today - timedelta(days=29), today)
    elif match := _MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or not 2000 <= year <= 2100:
            return None
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        period = Period(first, following - timedelta(days=1))
    elif match := _RANGE.match(text):
        try:
            first, last = (datetime.strptime(g, "%d.%m.%Y").date() for g in match.groups())
        except ValueError:
            return None
        if last < first or not 2000 <= first.year <= last.year <= 2100:
            return None  # year 1 or 9999 would run the period's arithmetic off the calendar
        period = Period(first, last)
    else:
        return None
    if (period.last - period.first).days >= MAX_DAYS:
        return None
    return period


@dataclass
class Stats:
    period: Period
    precinct: str | None
    #: category → reports made on each day of the period
    per_day: dict[str, list[int]] = field(default_factory=dict)
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    take_median_min: float | None = None
    resolve_median_min: float | None = None
    ratings: int = 0
    rating_mean: float | None = None
    solved: dict[str, int] = field(default_factory=dict)
    #: per day of the period (None: nothing that day): median minutes to take and to resolve
    #: the reports made that day, and their residents' average rating
    take_by_day: list[float | None] = field(default_factory=list)
    resolve_by_day: list[float | None] = field(default_factory=list)
    rating_by_day: list[float | None] = field(default_factory=list)
    #: how the reports came in: telegram, phone, walkin
    by_channel: dict[str, int] = field(default_factory=dict)
    #: the legal clock per precinct: answers in the period, open reports past their term now
    terms: list[TermFigures] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.total == 0


class StatsService:
    def __init__(self, db: Database, clock: Callable[[], datetime], zone: ZoneInfo) -> None:
        self.db = db
        self.clock = clock
        self.zone = zone
        self.repo = StatsRepository()

    def today(self) -> date:
        return self.clock().astimezone(self.zone).date()

    async def helper_hours(self, period: Period) -> tuple[int, int]:
        """The public helpers' duties served and minutes on duty in the period (the city)."""
        since = datetime.combine(period.first, time(0), self.zone)
        until = datetime.combine(period.last + timedelta(days=1), time(0), self.zone)
        async with self.db.read(slow=True) as conn:
            rows = await DutyRepository().hours_by_helper(conn, since, until)
        return sum(r.duties for r in rows), sum(r.minutes for r in rows)

    async def compute(self, period: Period, precinct: str | None = None) -> Stats:
        since = datetime.combine(period.first, time(0), self.zone)
        until = datetime.combine(period.last + timedelta(days=1), time(0), self.zone)
        days = period.days
        index = {day: n for n, day in enumerate(days)}
        stats = Stats(period, precinct)
        takes: list[float] = []
        resolves: list[float] = []
        ratings: list[int] = []
        daily: list[dict[str, list[float]]] = [
            {"take": [], "resolve": [], "rating": []} for _ in days
        ]
        zone = self.zone
        # row by row as they come (a month of a city of a million is some 40,000 reports):
        # only the figures stay in memory, never the rows
        async with (
            self.db.read(slow=True) as conn,
            contextlib.aclosing(self.repo.period(conn, since, until, precinct)) as chunks,
        ):
            async for rows in chunks:
                stats.total += len(rows)
                for fact in rows:
                    day = index[fact.created_at.astimezone(zone).date()]
                    series = stats.per_day.setdefault(fact.category, [0] * len(days))
                    series[day] += 1
                    stats.by_status[fact.status] = stats.by_status.get(fact.status, 0) + 1
                    stats.by_channel[fact.channel] = stats.by_channel.get(fact.channel, 0) + 1
                    today = daily[day]
                    if fact.take_s is not None:
                        takes.append(fact.take_s / 60)
                        today["take"].append(takes[-1])
                    if fact.resolve_s is not None:
                        resolves.append(fact.resolve_s / 60)
                        today["resolve"].append(resolves[-1])
                    if fact.rating is not None:
                        ratings.append(fact.rating)
                        today["rating"].append(float(fact.rating))
                    if fact.solved is not None:
                        stats.solved[fact.solved] = stats.solved.get(fact.solved, 0) + 1
        stats.take_median_min = statistics.median(takes) if takes else None
        stats.resolve_median_min = statistics.median(resolves) if resolves else None
        stats.take_by_day = [statistics.median(d["take"]) if d["take"] else None for d in daily]
        stats.resolve_by_day = [
            statistics.median(d["resolve"]) if d["resolve"] else None for d in daily
        ]
        stats.rating_by_day = [
            statistics.fmean(d["rating"]) if d["rating"] else None for d in daily
        ]
        stats.ratings = len(ratings)
        stats.rating_mean = statistics.fmean(ratings) if ratings else None
        async with self.db.read(slow=True) as conn:
            stats.terms = await self.repo.terms(conn, since, until, self.today(), precinct)
        return stats
