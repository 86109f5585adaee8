"""The staff console at scale (issue 24): its pages over real HTTP against a database of a
million reports, side by side with the group's own /card in the same run.

The database is built by `benchmarks.seed` (1,000,000 reports over 24 months, about 40,000 of
them open) and opened exactly as the bot opens it (`SakshyApp.open()`); the console is served
as `sakshy run` serves it (`WEB_PORT`), on loopback. Telegram is not reached: the staff
group's membership check (a cached getChatMember in the bot) answers «member» here, so the
figures are the console's own work. Each figure is a whole HTTP request, from the client's
send to the last byte (p50 and p99 of many):

- the queue's first page (all open reports, and past the term), and a later page by cursor;
- a report's card (random reports), against the group's /card (the same service and
  renderer, called directly: the baseline);
- the map's data for the city (30 and 90 days of heat);
- the dashboard for a calendar month (the page; the chart apart, as matplotlib's first draw
  loads it);
- how much the console adds to the process's memory (RSS before it serves a page and after all
  of the above but the chart).

Targets: queue's first page and card under 100 ms (p50), the map under 300 ms, the dashboard
for a month under 500 ms, under 15 MiB added.

    python -m benchmarks.console --reports 1000000
    python -m benchmarks.console --database /tmp/sakshy-1m.db   # one built earlier
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.data_scale import PRECINCTS, TOKEN, month_before, percentiles, rss_mib
from benchmarks.directory_lookup import machine
from benchmarks.seed import NOW, build
from bot.__main__ import settle_the_heap
from bot.app import SakshyApp
from bot.config import Settings
from bot.domain.console_auth import issue_session, session_key
from bot.telegram.health import listening_address
from bot.testing.directories import grid

OFFICER = 900_001


async def _member(*args: Any) -> bool:
    return True


async def _not_admin(*args: Any) -> bool:
    return False


async def measure(path: Path, samples: int, out: dict[str, Any]) -> None:
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_url="http://127.0.0.1:9",
        database_path=path,
        staff_chat_id=-1001,
        web_port=0,
    )
    app = SakshyApp(settings, clock=lambda: NOW)
    await app.open()
    settle_the_heap()
    try:
        text, _ = grid(PRECINCTS, west=69.45, south=42.22)
        assert (await app.directory.import_text(text, "bench.geojson")).applied
        # Telegram is not reached: every asker is a member of the staff group, none an admin
        app.services.staff_gate.is_member = _member  # type: ignore[method-assign,assignment]
        app.services.admins.is_admin = _not_admin  # type: ignore[method-assign,assignment]
        desk, renderer = app.services.desk, app.services.renderer
        async with app.db.read() as conn:
            row = await (await conn.execute("SELECT max(id) FROM reports")).fetchone()
            open_row = await (
                await conn.execute("SELECT count(*) FROM reports WHERE status IN ('new', 'taken')")
            ).fetchone()
        assert row is not None and open_row is not None
        reports, open_reports = int(row[0]), int(open_row[0])
        rng = random.Random(5)
        numbers = [rng.randint(1, reports) for _ in range(samples)]

        # the baseline first, before the console exists: the group's /card, called directly
        times = []
        i18n = app.services.i18n
        for number in numbers:
            began = time.perf_counter()
            found = await desk.card(number)
            assert found is not None
            with i18n.context(), i18n.use_locale("ru"):  # as the group's middleware sets it
                renderer.card(found)
            times.append((time.perf_counter() - began) * 1000)
        out["group_card"] = percentiles(times)
        # and what the group's /stats for a month computes, as the bot does on that command:
        # the console's dashboard computes the same, so its memory is the bot's already
        month_period = month_before(NOW.date())
        began = time.perf_counter()
        await app.services.stats_service.compute(month_period)
        out["group_stats"] = ((time.perf_counter() - began) * 1000,) * 2

        before = rss_mib()
        await app._serve_console()
        assert app.console_runner is not None and app.console is not None
        app.console.names[OFFICER] = "Officer"  # as the sign-in leaves it
        host, port = listening_address(app.console_runner)
        base = f"http://{host}:{port}/console/"
        cookie = issue_session(OFFICER, NOW + timedelta(hours=8), session_key(TOKEN))
        headers = {"Cookie": f"sakshy_console={cookie}"}
        async with aiohttp.ClientSession(headers=headers) as http:

            async def get(url: str) -> tuple[float, bytes]:
                began = time.perf_counter()
                async with http.get(base + url) as answer:
                    body = await answer.read()
                    assert answer.status == 200, (url, answer.status)
                return (time.perf_counter() - began) * 1000, body

            async def series(urls: list[str]) -> tuple[float, float, bytes]:
                """Each in turn; only the last answer kept (the client shares the process
                whose memory is measured)."""
                _, body = await get(urls[0])  # warm: templates compiled, caches filled
                times = []
                for url in urls:
                    took, body = await get(url)
                    times.append(took)
                p50, p99 = percentiles(times)
                return p50, p99, body

            p50, p99, page = await series(["?lang=ru"] * (samples // 5))
            out["queue"] = (p50, p99, f"{open_reports:,} open reports")
            p50, p99, _ = await series(["?lang=ru&show=overdue"] * (samples // 5))
            out["queue_overdue"] = (p50, p99, "")
            cursor = page.decode().split("after=", 1)[1].split('"', 1)[0]
            p50, p99, _ = await series([f"?lang=ru&after={cursor}"] * (samples // 5))
            out["queue_next"] = (p50, p99, "the second page, by cursor")
            p50, p99, _ = await series([f"r/{n}?lang=ru" for n in numbers])
            out["card"] = (p50, p99, "")
            out["rss_pages"] = rss_mib() - before
            p50, p99, month_body = await series(["map.json?days=30"] * 20)
            out["map30"] = (p50, p99)
            p50, p99, body = await series(["map.json?days=90"] * 10)
            out["map90"] = (p50, p99)
            out["rss_map"] = rss_mib() - before  # before the client reads the answers
            data = json.loads(month_body)
            out["map30"] += (
                f"{len(data['markers']):,} markers of {data['total']:,}, "
                f"{len(data['heat']):,} heat cells, {len(month_body) / 1e3:,.0f} kB",
            )
            out["map90"] += (f"{len(json.loads(body)['heat']):,} heat cells",)
            del data, body, month_body
            month = month_before(NOW.date()).first.strftime("%Y-%m")
            p50, p99, _ = await series([f"dashboard?lang=ru&period={month}"] * 5)
            out["dashboard"] = (p50, p99, f"{month}, the city")
            out["rss_added"] = rss_mib() - before  # with the map's data and a month's figures
            p50, p99, _ = await series([f"dashboard.png?lang=ru&period={month}"] * 3)
            out["chart"] = (p50, p99, "matplotlib, in a thread")
        out["reports"] = reports
    finally:
        if app.console_runner is not None:
            await app.console_runner.cleanup()
        await app.db.close()


async def main(reports: int, database: Path | None, samples: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = database or Path(folder) / "console.db"
        if database is None or not await asyncio.to_thread(database.exists):
            started = time.perf_counter()
            counts = await build(path, reports)
            print(f"built in {time.perf_counter() - started:.0f} s (not measured): {counts}")
        await measure(path, samples, out)
    print(f"machine: {machine()}")
    print(f"database: {out['reports']:,} reports")
    names = {
        "queue": "queue, first page",
        "queue_overdue": "queue, past the term",
        "queue_next": "queue, next page",
        "card": "report card (console, HTTP)",
        "group_card": "report card (group's /card, no HTTP: the baseline)",
        "map30": "map data, 30 days",
        "map90": "map data, 90 days",
        "dashboard": "dashboard, a month",
        "group_stats": "the group's /stats figures for that month (no HTTP: the baseline)",
        "chart": "dashboard chart",
    }
    for key, name in names.items():
        p50, p99, *note = out[key]
        tail = "worst" if key in ("dashboard", "chart", "map90", "group_stats") else "p99"
        extra = f" ({note[0]})" if note and note[0] else ""
        print(f"{name}: p50 {p50:.1f} ms, {tail} {p99:.1f} ms{extra}")
    print(f"card, console over group: {out['card'][0] / out['group_card'][0]:.1f}× (p50)")
    print(
        f"memory the console added (beyond the group's /card and /stats): "
        f"{out['rss_pages']:.1f} MiB after the queue and cards, {out['rss_map']:.1f} MiB "
        f"after the map's data, {out['rss_added']:.1f} MiB after a month's figures (no chart)"
    )
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--database", type=Path, help="use (or build and keep) this file")
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    figures = asyncio.run(main(args.reports, args.database, args.samples))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
