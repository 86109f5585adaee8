"""A burst of residents at Telegram's real pace: how fast does everyone get an answer?

N residents send /help at the same moment. The fake Telegram enforces its limits at real pace
(time_scale=1: about 30 messages per second overall, ~1 per second per chat), so part of the
replies meet 429 and are retried after `retry_after` by the bot's session middleware.

    python -m benchmarks.burst_replies --users 100
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
from pathlib import Path

from bot.app import SakshyApp
from bot.config import Settings
from bot.testing.fake_telegram import FakeTelegram

TOKEN = "42424242:BENCH-token-for-the-local-emulator"


async def main(users: int) -> None:
    fake = FakeTelegram(token=TOKEN, time_scale=1.0)
    await fake.start()
    fake.group(-1001, title="Duty", bot_is_admin=True)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,
            bot_token=TOKEN,
            telegram_api_url=fake.url,
            database_path=Path(folder) / "bench.db",
            staff_chat_id=-1001,
        )
        app = SakshyApp(settings, polling_timeout=10)
        await app.open()
        task = asyncio.create_task(app.run())
        assert app.profile is not None
        await fake.wait_for(lambda: app.profile.done.is_set(), timeout=60)  # type: ignore[union-attr]
        loop = asyncio.get_running_loop()
        people = [
            fake.user(900000 + i, first_name=f"R{i}", language_code="kk") for i in range(users)
        ]
        started = loop.time()

        async def one(person: object) -> float:
            await person.send("/help")  # type: ignore[attr-defined]
            await person.next_message(timeout=120)  # type: ignore[attr-defined]
            return loop.time() - started

        latencies = sorted(await asyncio.gather(*(one(p) for p in people)))
        await app.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    refused = [r for r in fake.refusals if r.error_code == 429]
    await fake.stop()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(
        f"{users} residents at once, real-pace limits: all answered in {latencies[-1]:.2f} s; "
        f"median {statistics.median(latencies):.2f} s, p95 {p95:.2f} s; "
        f"429s met and retried: {len(refused)}; throughput {users / latencies[-1]:.1f} replies/s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100)
    asyncio.run(main(parser.parse_args().users))
