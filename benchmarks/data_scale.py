"""Data at scale: the bot's reads against a database of a million reports.

The database is built by `benchmarks.seed` (1,000,000 reports over 24 months, 50,000 residents,
5,000 helpers by default) and then opened exactly as the bot opens it: `SakshyApp.open()`, WAL,
synchronous=NORMAL, one aiosqlite connection, the services the handlers call. Each figure is the
service call a command makes, timed from the coroutine's start to its end (p50 and p99 of many):

- a resident's /myreports (the first page of 5 and the count);
- a staff /card (the report, its history and its audit) and /find by number and by phone;
- the precinct lookup for a shared location (500 precincts);
- /stats for a calendar month (the figures, then the chart drawn as the handler draws it);
- /export of that month (both CSV files), with how much the process's peak memory grew.

It also prints the database's size per report and the process's memory (RSS) at the end.

    python -m benchmarks.data_scale --reports 1000000
    python -m benchmarks.data_scale --database /tmp/sakshy-1m.db   # one built earlier
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.directory_lookup import machine
from benchmarks.seed import NOW, RESIDENT_BASE, build
from bot.__main__ import settle_the_heap
from bot.app import SakshyApp
from bot.config import Settings
from bot.services.stats import Period
from bot.testing.directories import grid

TOKEN = "42424242:BENCH-token-for-the-local-emulator"
PRECINCTS = 500


def rss_mib() -> float:
    return _status("VmRSS:") / 1024


def peak_mib() -> float:
    return _status("VmHWM:") / 1024


def reset_peak() -> None:
    """The kernel forgets the process's peak memory (VmHWM) from here on."""
    Path("/proc/self/clear_refs").write_text("5")


def _status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1])
    return 0


async def timed(
    calls: Sequence[Callable[[], Awaitable[Any]]],
) -> tuple[float, float, list[Any]]:
    """p50 and p99 in milliseconds of awaiting each call in turn, and what they returned."""
    results, times = [], []
    for call in calls:
        started = time.perf_counter()
        results.append(await call())
        times.append((time.perf_counter() - started) * 1000)
    return *percentiles(times), results


def percentiles(times: list[float]) -> tuple[float, float]:
    """p50 and p99 of `times`."""
    times = sorted(times)
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))]


def month_before(today: date) -> Period:
    """The calendar month before `today`'s."""
    last = today.replace(day=1) - timedelta(days=1)
    return Period(last.replace(day=1), last)


async def measure(path: Path, samples: int, out: dict[str, Any]) -> None:
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_url="http://127.0.0.1:9",
        database_path=path,
        staff_chat_id=-1001,
    )
    app = SakshyApp(settings, clock=lambda: NOW)
    await app.open()
    settle_the_heap()  # as `sakshy run` does once the bot is built
    try:
        text, (west, south, east, north) = grid(PRECINCTS, west=69.45, south=42.22)
        result = await app.directory.import_text(text, "bench.geojson")
        assert result.applied, result.problems[:3]
        assert app.dp is not None
        desk, stats_service, exports = (app.dp[k] for k in ("desk", "stats_service", "exports"))
        async with app.db.read() as conn:
            counted = await (await conn.execute("SELECT count(*) FROM users")).fetchone()
            assert counted is not None
            residents = counted[0]
            top = await (
                await conn.execute(
                    "/* bench */ SELECT max(id) AS n, max(reporter_id) AS r FROM reports"
                )
            ).fetchone()
            phones = [
                row[0]
                for row in await (
                    await conn.execute(
                        "/* bench */ SELECT phone FROM reports WHERE phone IS NOT NULL"
                        " AND anonymous = 0 ORDER BY random() LIMIT ?",
                        (samples // 5,),
                    )
                ).fetchall()
            ]
        assert top is not None
        reports = top["n"]
        rng = random.Random(3)
        people = [RESIDENT_BASE + rng.randrange(max(1, residents - 10)) for _ in range(samples)]
        numbers = [rng.randint(1, reports) for _ in range(samples)]
        warm = [app.reports.resident.mine(p, 0, 5) for p in people[:50]]
        await asyncio.gather(*warm)

        p50, p99, pages = await timed([partial(app.reports.resident.mine, p, 0, 5) for p in people])
        mean_total = sum(total for _, total in pages) / len(pages)
        out["myreports"] = (p50, p99, f"{mean_total:.0f} reports each on average")
        busiest = RESIDENT_BASE  # the Pareto spread makes the first resident the busiest
        p50, p99, pages = await timed([lambda: app.reports.resident.mine(busiest, 0, 5)] * 50)
        out["myreports_busiest"] = (p50, p99, f"{pages[0][1]} reports")
        p50, p99, cards = await timed([partial(desk.card, n) for n in numbers])
        assert all(card is not None for card in cards)
        out["card"] = (p50, p99, "")
        p50, p99, found = await timed([partial(desk.find, f"№ {n}") for n in numbers])
        assert all(f.card is not None for f in found)
        out["find_number"] = (p50, p99, "")
        p50, p99, found = await timed([partial(desk.find, p) for p in phones])
        assert all(f.reports for f in found)
        out["find_phone"] = (p50, p99, f"{len(phones)} phones")

        points = [(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(samples * 5)]
        times = []
        hits = 0
        for lat, lon in points:
            began = time.perf_counter_ns()
            hits += app.directory.lookup(lat, lon).precinct is not None
            times.append(time.perf_counter_ns() - began)
        times.sort()
        out["lookup"] = (
            times[len(times) // 2] / 1e6,
            times[int(len(times) * 0.99)] / 1e6,
            f"{PRECINCTS} precincts, {hits} of {len(points)} inside one",
        )

        period = month_before(NOW.date())
        p50, p99, stats = await timed([lambda: stats_service.compute(period)] * 5)
        out["stats"] = (p50, p99, f"{stats[0].total} reports in {period.first:%Y-%m}")
        p50, p99, _ = await timed([lambda: stats_service.compute(period, "p7")] * 5)
        out["stats_precinct"] = (p50, p99, "one precinct")
        out["rss_before_chart"] = rss_mib()
        from bot.telegram import charts  # as the handler does: matplotlib only when drawing

        figures = stats[0]
        labels = {key: key for key in figures.per_day}
        panels = charts.Panels(
            [v / 60 if v else None for v in figures.take_by_day],
            [v / 60 if v else None for v in figures.resolve_by_day],
            figures.rating_by_day, "times", "take", "resolve", "rating",
        )  # fmt: skip
        draw = [lambda: asyncio.to_thread(
            charts.draw, period.days, figures.per_day, labels, "title", "headline", panels
        )] * 3  # fmt: skip
        p50, p99, _ = await timed(draw)
        out["chart"] = (p50, p99, "matplotlib, in a thread")

        with tempfile.TemporaryDirectory() as folder:
            before = rss_mib()
            reset_peak()
            started = time.perf_counter()
            rows = await exports.reports(period, Path(folder) / "reports.csv")
            events = await exports.events(period, Path(folder) / "events.csv")
            took = time.perf_counter() - started
            size = sum(f.stat().st_size for f in os.scandir(folder))
            grew = peak_mib() - before
        out["export"] = (
            took * 1000,
            took * 1000,
            f"{rows:,} reports and {events:,} events, {size / 1e6:.1f} MB of CSV; "
            f"peak memory +{grew:.1f} MiB",
        )
        out["rss"] = rss_mib()
        out["reports"] = reports
    finally:
        await app.db.close()


async def main(reports: int, database: Path | None, samples: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = database or Path(folder) / "scale.db"
        if database is None or not await asyncio.to_thread(database.exists):
            started = time.perf_counter()
            counts = await build(path, reports)
            print(f"built in {time.perf_counter() - started:.0f} s (not measured): {counts}")
        await measure(path, samples, out)
        size = path.stat().st_size
    print(f"machine: {machine()}")
    print(
        f"database: {out['reports']:,} reports, {size / 1e6:,.0f} MB, "
        f"{size / out['reports']:,.0f} bytes per report (indexes, events, surveys included)"
    )
    names = {
        "myreports": "/myreports, a resident's first page",
        "myreports_busiest": "/myreports, the busiest resident",
        "card": "/card, staff",
        "find_number": "/find by number",
        "find_phone": "/find by phone",
        "lookup": "precinct lookup",
        "stats": "/stats for a month, the figures",
        "stats_precinct": "/stats for a month, one precinct",
        "chart": "/stats chart",
        "export": "/export of a month",
    }
    for key, name in names.items():
        p50, p99, note = out[key]
        # /stats, its chart and /export run a few times only: their "p99" is the worst run
        tail = "worst" if key.startswith(("stats", "chart")) else "p99"
        if key == "export":
            print(f"{name}: {p50:.0f} ms ({note})")
            continue
        print(f"{name}: p50 {p50:.3f} ms, {tail} {p99:.3f} ms {f'({note})' if note else ''}")
    print(
        f"RSS: {out['rss_before_chart']:.0f} MiB with every query above done, "
        f"{out['rss']:.0f} MiB once matplotlib has drawn a chart"
    )
    out["bytes_per_report"] = size / out["reports"]
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--database", type=Path, help="use (or build and keep) this file")
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    figures = asyncio.run(main(args.reports, args.database, args.samples))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
