"""A duty offered to 2,000 public helpers at Telegram's real pace, while residents keep writing.

The strict fake enforces Telegram's limits at real pace (time_scale=1: about 30 messages per
second overall, about one per second per chat, 20 per minute per group) and answers 429 to
anything beyond them. The bot runs with production settings (WAL, the SQLite FSM storage, the
outbox and its limiter). 2,000 active helpers are stored first (through the repositories); a
duty of 100 seats with DUTY_WAVE_FACTOR=20 then offers itself to all of them in one wave, and
one resident a second sends /help meanwhile: their answer must not wait behind the broadcast.

    python -m benchmarks.duty_broadcast --helpers 2000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import tempfile
from datetime import date, timedelta
from pathlib import Path

from benchmarks.directory_lookup import machine
from bot.app import SakshyApp
from bot.config import Settings
from bot.demo import demo_clock
from bot.domain.duties import DutyDraft, MeetingPoint
from bot.domain.helpers import HelperDraft, HelperStatus
from bot.storage.repositories import HelperRepository, UserRepository
from bot.testing.fake_telegram import FakeTelegram

TOKEN = "42424242:BENCH-token-for-the-local-emulator"
STAFF = -1001


async def seed(app: SakshyApp, count: int) -> None:
    """`count` active helpers of one precinct, free every day and time (setup, not measured)."""
    now = app.clock()
    users, helpers = UserRepository(), HelperRepository()
    draft = HelperDraft(
        "Серікбаев Ерлан", date(1990, 1, 5), "900105300128", "+77001234567",
        ("mzhk",), tuple(range(7)), ("morning", "day", "evening", "night"), "",
    )  # fmt: skip
    async with app.db.transaction() as conn:
        for n in range(count):
            user_id = 5_000_000 + n
            await users.insert(conn, user_id, "kk" if n % 2 else "ru", now)
            helper_id = await helpers.insert(
                conn, user_id, draft, "kk" if n % 2 else "ru", "1", now
            )
            await helpers.change_status(
                conn, helper_id, HelperStatus.APPLIED, HelperStatus.ACTIVE, now
            )


async def main(count: int) -> dict[str, float]:
    fake = FakeTelegram(token=TOKEN, time_scale=1.0)
    await fake.start()
    fake.group(STAFF, title="Duty", bot_is_admin=True)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,
            bot_token=TOKEN,
            telegram_api_url=fake.url,
            database_path=Path(folder) / "bench.db",
            staff_chat_id=STAFF,
            duty_wave_factor=20,
            followup_tick_seconds=1,
        )
        # a working morning: offers are held at night, and this measures the wave
        app = SakshyApp(settings, clock=demo_clock(settings), polling_timeout=10)
        await app.open()
        await app.directory.import_demo()
        await seed(app, count)
        task = asyncio.create_task(app.run())
        assert app.profile is not None
        await fake.wait_for(lambda: app.profile.done.is_set(), timeout=60)  # type: ignore[union-attr]
        helpers = [fake.user(5_000_000 + n, first_name=f"H{n}") for n in range(count)]
        for helper in helpers:  # they applied through the bot earlier: their chats exist
            helper.started = helper.seen_by_bot = True
        point = app.directory.current.point("mpp-zhd")
        assert point is not None
        starts = app.clock() + timedelta(days=2)
        draft = DutyDraft(
            starts, starts + timedelta(hours=3), ("mzhk",),
            MeetingPoint(point.latitude, point.longitude, "МПП", point.id), 100,
            "Patrol", "Капитан Серікбаев", "+77011234567",
        )  # fmt: skip
        loop = asyncio.get_running_loop()
        calls_before = len(fake.calls)
        started = loop.time()
        await app.duties.create(draft, 1, "Officer")

        latencies: list[float] = []

        async def residents() -> None:
            n = 0
            while True:
                person = fake.user(7_000_000 + n, first_name=f"R{n}", language_code="kk")
                sent = loop.time()
                await person.send("/help")
                await person.next_message(timeout=60)
                latencies.append(loop.time() - sent)
                n += 1
                await asyncio.sleep(max(0.0, 1.0 - (loop.time() - sent)))

        writer = asyncio.create_task(residents())
        waiting = helpers[::-1]  # offered in order of helper id: the first ones first

        def all_offered() -> bool:
            while waiting and waiting[-1].messages:
                waiting.pop()
            return not waiting

        await fake.wait_for(all_offered, timeout=600)
        took = loop.time() - started
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writer
        await app.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    calls = [c for c in fake.calls[calls_before:] if c.method.lower().startswith(("send", "edit"))]
    window = [c for c in calls if c.time - calls[0].time <= took]
    per_group_minute = max(
        (
            sum(
                1
                for d in calls
                if int(d.params.get("chat_id", 0)) == STAFF and 0 <= d.time - c.time < 60
            )
            for c in calls
            if int(c.params.get("chat_id", 0)) == STAFF
        ),
        default=0,
    )
    offers = [
        c.time for c in calls if c.ok and 5_000_000 <= int(c.params.get("chat_id", 0)) < 6_000_000
    ]
    spread = max(offers) - min(offers) if len(offers) > 1 else 0.0
    first_after = min(offers) - calls[0].time if offers else 0.0
    refused = [r for r in fake.refusals if r.error_code == 429]
    for refusal in refused:
        print("429:", refusal.method, refusal.params.get("chat_id"), refusal.description)
    await fake.stop()
    rate = len(window) / took
    print(f"machine: {machine()}")
    print(
        f"{count} offers delivered in {took:.1f} s: {count / took:.1f} offers/s; all messages "
        f"{rate:.1f}/s ({rate / 30:.0%} of 30/s); 429 answers: {len(refused)}; most to the "
        f"staff group in any minute: {per_group_minute}"
    )
    print(
        f"the first offer {first_after:.1f} s after the duty was created; from the first to the "
        f"last offer: {len(offers) / spread if spread else 0:.1f} offers/s"
    )
    print(
        f"residents meanwhile: {len(latencies)} answered, median {statistics.median(latencies):.2f}"
        f" s, worst {max(latencies):.2f} s"
    )
    return {
        "offers": count,
        "seconds": took,
        "rate": rate,
        "share_of_30": rate / 30,
        "refused_429": len(refused),
        "group_minute_max": per_group_minute,
        "residents": len(latencies),
        "resident_median_s": statistics.median(latencies),
        "resident_worst_s": max(latencies),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--helpers", type=int, default=2000)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    figures = asyncio.run(main(args.helpers))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
