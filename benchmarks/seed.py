"""A production-shaped database of any size, for the benchmarks (setup, never measured).

The schema comes from the migrations, as the bot creates it. The rows are shaped like the ones
the bot writes: residents who gave consent; reports over the last `months` months with a
description, a place in a precinct, half of them with a photo, most taken and resolved by an
officer (their events: submitted, take, resolve or reject or withdraw), a survey answered for
four in ten; active helpers with their precincts; the staff audit of looks at reports.

The rows go in with plain `sqlite3` and `executemany` in large transactions (the bot's
repositories would take an hour for a million reports); the measured runs then open the file
the way the bot does (WAL, synchronous=NORMAL, one aiosqlite connection).

    python -m benchmarks.seed --reports 1000000 --out /tmp/sakshy-1m.db
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain.categories import load_categories
from bot.domain.users import CONSENT_VERSION
from bot.storage.db import Database
from bot.storage.migrations import migrate

#: residents and helpers per report when only the number of reports is given (1M: 50k, 5k)
RESIDENTS_PER_REPORT = 0.05
HELPERS_PER_REPORT = 0.005
#: the moment "now" of every seeded database: the figures do not drift with the calendar
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
RESIDENT_BASE = 100_000_000
HELPER_BASE = 200_000_000
OFFICERS = [900_000 + n for n in range(60)]
STAFF_CHAT = -1001
PHRASE = (
    "Түнде аулада қатты музыка ойналып, тұрғындар ұйықтай алмай жүр. "
    "Во дворе всю ночь шумят, машины стоят на тротуаре, мусор не вывозят уже неделю. "
)
WORDS = PHRASE.split()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def precinct_ids(count: int) -> list[str]:
    """The ids `bot.testing.directories.grid(count)` gives its precincts."""
    return [f"p{n}" for n in range(count)]


def _reports(
    rng: random.Random, count: int, residents: int, months: int, precincts: list[str]
) -> Iterator[tuple[tuple, list[tuple], tuple | None, tuple | None]]:
    """(report row, its events, its survey or None, its photo or None), oldest first."""
    categories = [c.key for c in load_categories()]
    span = timedelta(days=30.4 * months).total_seconds()
    start = NOW - timedelta(seconds=span)
    for n in range(1, count + 1):
        created = start + timedelta(seconds=span * n / count + rng.uniform(-60, 60))
        # most residents report now and then; three in ten reports come from a busier few
        # (a Pareto spread: the first resident, the busiest, about one report in two thousand)
        if rng.random() < 0.3:
            busy = int((rng.paretovariate(1.5) - 1) * residents / 50)
            resident = RESIDENT_BASE + min(busy, residents - 1)
        else:
            resident = RESIDENT_BASE + rng.randrange(residents)
        anonymous = rng.random() < 0.2
        precinct = rng.choice(precincts)
        roll = rng.random()
        status = (
            "resolved" if roll < 0.86 else "rejected" if roll < 0.93
            else "withdrawn" if roll < 0.96 else "taken" if roll < 0.98 else "new"
        )  # fmt: skip
        if created > NOW - timedelta(days=2) and status in ("resolved", "rejected"):
            status = "taken"
        officer = rng.choice(OFFICERS) if status not in ("new", "withdrawn") else None
        taken = created + timedelta(minutes=rng.uniform(2, 40))
        closed = taken + timedelta(minutes=rng.uniform(20, 600))
        updated = closed if status in ("resolved", "rejected") else taken
        phone = None if anonymous or rng.random() < 0.6 else f"+7701{rng.randrange(10**7):07d}"
        name = None if anonymous else f"Тұрғын {resident - RESIDENT_BASE}"
        username = None if anonymous or rng.random() < 0.5 else f"r{resident - RESIDENT_BASE}"
        row = (
            n, resident, rng.choice(categories), _text(rng, rng.randint(8, 40)),
            42.3 + rng.uniform(-0.05, 0.05), 69.6 + rng.uniform(-0.1, 0.1), 1, int(anonymous),
            name, username, phone, rng.choice(("kk", "ru")), status, officer, STAFF_CHAT,
            n * 2, _stamp(created), _stamp(updated), precinct, f"i{precinct[1:]}",
        )  # fmt: skip
        events: list[tuple[int, str, str, int, str, str | None, str, str | None]] = [
            (n, _stamp(created), "resident", resident, "submitted", None, "new", None)
        ]
        if status == "withdrawn":
            events.append((n, _stamp(taken), "resident", resident, "withdraw", "new", status, None))
        elif officer is not None:
            events.append((n, _stamp(taken), "staff", officer, "take", "new", "taken", "Officer"))
            if status in ("resolved", "rejected"):
                action = "resolve" if status == "resolved" else "reject"
                by = (officer, action, "taken", status, "Officer")
                events.append((n, _stamp(closed), "staff", *by))
        survey = None
        if status == "resolved" and rng.random() < 0.4:
            answered = closed + timedelta(hours=rng.uniform(1, 30))
            survey = (
                n, resident, precinct, officer, _stamp(closed + timedelta(hours=1)),
                rng.choice(("yes", "yes", "partly", "no")), rng.randint(1, 5), None,
                _stamp(answered),
            )  # fmt: skip
        photo = None
        if rng.random() < 0.5:
            photo = (n, 0, "photo", f"AgACAgIAAxkBAAI{n:012d}" + "x" * 40, f"AQAD{n:012d}")
        yield row, events, survey, photo


async def build(
    path: Path,
    reports: int,
    residents: int | None = None,
    helpers: int | None = None,
    precincts: int = 500,
    months: int = 24,
    seed: int = 1,
) -> dict[str, int]:
    """Create `path` with the schema of the migrations and fill it; returns the counts."""
    residents = residents or max(10, int(reports * RESIDENTS_PER_REPORT))
    helpers = helpers if helpers is not None else max(1, int(reports * HELPERS_PER_REPORT))
    db = Database(path)
    await db.connect()
    try:
        await migrate(db)
    finally:
        await db.close()
    rng = random.Random(seed)
    areas = precinct_ids(precincts)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")  # setup only: the measured runs use NORMAL
    conn.execute("BEGIN")
    first = _stamp(NOW - timedelta(days=30.4 * months))
    conn.executemany(
        "INSERT INTO users (id, language, language_chosen, first_seen, last_seen,"
        f" consent_version, consent_at) VALUES (?, ?, 1, ?, ?, '{CONSENT_VERSION}', ?)",
        (
            (RESIDENT_BASE + n, "kk" if n % 3 else "ru", first, _stamp(NOW), first)
            for n in range(residents)
        ),
    )
    conn.executemany(
        "INSERT INTO users (id, language, language_chosen, first_seen, last_seen,"
        f" consent_version, consent_at) VALUES (?, 'kk', 1, ?, ?, '{CONSENT_VERSION}', ?)",
        ((HELPER_BASE + n, first, _stamp(NOW), first) for n in range(helpers)),
    )
    for n in range(helpers):
        mine = rng.sample(areas, min(2, len(areas)))
        cur = conn.execute(
            "INSERT INTO helpers (user_id, full_name, birth_date, iin, phone, precincts, days,"
            " bands, language, consent_version, status, registration_number,"
            " registration_date, created_at, updated_at)"
            " VALUES (?, ?, '1990-01-05', '900105300128', ?, ?, '[0,1,2,3,4,5,6]',"
            " '[\"morning\",\"day\",\"evening\",\"night\"]', 'kk', '1', 'active', ?, ?, ?, ?)",
            (
                HELPER_BASE + n, f"Көмекші {n}", f"+7702{n:07d}", json.dumps(mine),
                f"QK-{n:06d}", "2026-04-10", first, first,
            ),
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO helper_precincts (precinct_id, helper_id) VALUES (?, ?)",
            ((p, cur.lastrowid) for p in mine),
        )
    conn.execute("COMMIT")
    batch: list = []
    events: list = []
    surveys: list = []
    photos: list = []

    def flush() -> None:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO reports (id, reporter_id, category, description, latitude, longitude,"
            " location_verified, anonymous, reporter_name, reporter_username, phone, language,"
            " status, officer_id, staff_chat_id, staff_message_id, created_at, updated_at,"
            " precinct_id, inspector_id) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            batch,
        )
        conn.executemany(
            "INSERT INTO report_events (report_id, at, actor, actor_id, action, from_status,"
            " to_status, actor_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            events,
        )
        conn.executemany(
            "INSERT INTO surveys (report_id, resident_id, precinct_id, officer_id, sent_at,"
            " solved, rating, comment, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            surveys,
        )
        conn.executemany(
            "INSERT INTO report_media (report_id, position, kind, file_id, file_unique_id)"
            " VALUES (?, ?, ?, ?, ?)",
            photos,
        )
        conn.execute("COMMIT")
        for rows in (batch, events, surveys, photos):
            rows.clear()

    counts = {"events": 0, "surveys": 0, "photos": 0}
    for row, its_events, survey, photo in _reports(rng, reports, residents, months, areas):
        batch.append(row)
        events.extend(its_events)
        counts["events"] += len(its_events)
        if survey:
            surveys.append(survey)
            counts["surveys"] += 1
        if photo:
            photos.append(photo)
            counts["photos"] += 1
        if len(batch) >= 20_000:
            flush()
    flush()
    # staff looked at some reports (/card, /find): their audit is read by /card
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO staff_audit (at, actor_id, actor_name, chat_id, action, subject, detail)"
        " VALUES (?, ?, 'Officer', ?, 'card', ?, NULL)",
        (
            (
                _stamp(NOW - timedelta(minutes=n)),
                rng.choice(OFFICERS),
                STAFF_CHAT,
                f"report:{rng.randint(1, reports)}",
            )
            for n in range(reports // 10)
        ),
    )
    # the steady state of a bot that has run this long: what the retention job did already
    # (closed reports over RETENTION_DAYS old keep no identity and no exact place)
    conn.execute(
        "UPDATE reports SET reporter_name = NULL, reporter_username = NULL, phone = NULL,"
        " address = NULL, latitude = round(latitude, 2), longitude = round(longitude, 2),"
        " anonymised_at = ? WHERE status IN ('resolved', 'rejected', 'withdrawn')"
        " AND updated_at < ?",
        (_stamp(NOW), _stamp(NOW - timedelta(days=365))),
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"reports": reports, "residents": residents, "helpers": helpers, **counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.out.exists():
        raise SystemExit(f"{args.out} exists")
    started = time.perf_counter()
    counts = asyncio.run(build(args.out, args.reports))
    took = time.perf_counter() - started
    print(f"{counts} in {took:.1f} s, {args.out.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
