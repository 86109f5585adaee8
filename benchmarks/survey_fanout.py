"""A community survey to a city's followers, in process (no Telegram): the fan-out that writes
one outbox row per resident (rendered in their language), answers through the service, and the
end (tallies per area, the links between people and answers deleted, the results rendered).

The database is SQLite in WAL mode as in production; followers spread over the demo directory's
four precincts, half Kazakh, half Russian speakers. Delivery itself (Telegram's ~30 messages a
second) is what `duty_broadcast` measures: 50,000 messages take about half an hour at that pace.

    python -m benchmarks.survey_fanout --followers 50000 --answers 10000
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.directory_lookup import machine
from bot.domain.community import Option, SurveyDraft
from bot.domain.users import CONSENT_VERSION
from bot.i18n import build_i18n
from bot.services.community import CommunitySurveyService
from bot.services.directory import DirectoryService
from bot.services.followups import FollowUps
from bot.services.outbox import Outbox
from bot.storage.db import Database
from bot.storage.migrations import migrate
from bot.telegram.staff.community.render import TelegramCommunityRenderer

STAFF = -1001
PRECINCTS = ["zhd-vokzal", "yubileyny", "mzhk", "koksay-1"]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 11:00 in Almaty

    def __call__(self) -> datetime:
        return self.now


async def run(followers: int, answers: int) -> None:
    clock = Clock()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(folder) / "sakshy.db")
        await db.connect()
        try:
            figures = await measure(db, clock, followers, answers)
        finally:
            await db.close()  # an open connection's thread would keep the process alive
    print_figures(followers, answers, *figures)


async def measure(
    db: Database, clock: Clock, followers: int, answers: int
) -> tuple[int, tuple[float, float, int], list[int], float, float]:
    await migrate(db)
    directory = DirectoryService(db, clock)
    await directory.import_demo()
    zone = ZoneInfo("Asia/Almaty")

    # the followers, seeded in bulk (what /subscribe writes, one row each)
    now = clock.now.isoformat()
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO users (id, language, language_chosen, consent_version, consent_at,"
            " first_seen, last_seen) VALUES (?, ?, 1, ?, ?, ?, ?)",
            [
                (10_000 + n, "kk" if n % 2 else "ru", CONSENT_VERSION, now, now, now)
                for n in range(followers)
            ],
        )
        await conn.executemany(
            "INSERT INTO subscriptions (user_id, precinct_id, created_at) VALUES (?, ?, ?)",
            [(10_000 + n, PRECINCTS[n % 4], now) for n in range(followers)],
        )

    async def staff() -> int:
        return STAFF

    followups = FollowUps(db, clock)
    renderer = TelegramCommunityRenderer(build_i18n("kk"), "ru", zone, directory)
    service = CommunitySurveyService(
        db, Outbox(clock), clock, followups, renderer, staff, zone, None
    )
    draft = SurveyDraft(
        "Кешке аулада жарық жеткілікті ме?",
        "Достаточно ли вечером света во дворе?",
        (Option("Иә", "Да"), Option("Жоқ", "Нет"), Option("Білмеймін", "Не знаю")),
        tuple(PRECINCTS),
        clock.now + timedelta(days=7),
    )
    survey, audience = await service.draft(draft, STAFF, 1, "Officer")
    await service.send(survey.id, 1, "Officer")
    batches = []
    rows = 0
    while rows < audience:  # one batch per run of the follow-up, as the scheduler runs it
        started = time.perf_counter()
        await followups.run_due()
        batches.append(time.perf_counter() - started)
        async with db.read() as conn:
            cur = await conn.execute(
                "SELECT count(*) FROM outbox WHERE ref = ?", (f"csurvey:{survey.id}",)
            )
            counted = await cur.fetchone()
            assert counted is not None
            rows = counted[0]
    fanned = (sum(batches), max(batches), len(batches))
    assert rows == audience == followers, (rows, audience, followers)

    async with db.transaction() as conn:  # as if the delivery worker had sent them all
        await conn.execute(
            "UPDATE outbox SET state = 'done', sent_at = created_at WHERE ref = ?",
            (f"csurvey:{survey.id}",),
        )
    timings = []
    for n in range(answers):
        t0 = time.perf_counter_ns()
        await service.answer(10_000 + n % followers, survey.id, n % 3)
        timings.append(time.perf_counter_ns() - t0)
    timings.sort()

    started = time.perf_counter()
    await service.close(survey.id, "Officer")
    closed = time.perf_counter() - started
    results = await service.results(survey.id)
    assert results is not None and results.total.answered == min(answers, followers)
    started = time.perf_counter()
    renderer.chart(results)
    drawn = time.perf_counter() - started
    return rows, fanned, timings, closed, drawn


def print_figures(
    followers: int,
    answers: int,
    rows: int,
    fanned: tuple[float, float, int],
    timings: list[int],
    closed: float,
    drawn: float,
) -> None:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"machine: {machine()}")
    print(f"followers: {followers:,}; survey to {len(PRECINCTS)} precincts")
    total, longest, count = fanned
    print(
        f"fan-out ({rows:,} outbox rows in {count} batches): {total:.2f} s in all, the write "
        f"lock held at most {longest * 1000:.0f} ms at a time"
    )
    print(
        f"an answer through the service: p50 {statistics.median(timings) / 1e6:.2f} ms, "
        f"p99 {timings[int(len(timings) * 0.99)] / 1e6:.2f} ms ({answers:,} answers)"
    )
    print(f"the end (tallies, links deleted, results rendered): {closed:.2f} s")
    print(f"the results chart: {drawn:.2f} s")
    print(f"peak RSS: {rss:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=50_000)
    parser.add_argument("--answers", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(run(args.followers, args.answers))


if __name__ == "__main__":
    main()
