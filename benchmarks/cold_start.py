"""Cold start: seconds from `sakshy run` to its first getUpdates, and the process's memory.

Runs the installed `sakshy run` as a separate process against the fake Telegram on 127.0.0.1,
on a fresh database, N times, and prints the median and worst figures.

    python -m benchmarks.cold_start --runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bot.testing.fake_telegram import FakeTelegram

TOKEN = "42424242:BENCH-token-for-the-local-emulator"


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def one_run(folder: Path) -> tuple[float, float, int]:
    fake = FakeTelegram(token=TOKEN, rate_limits=False)
    await fake.start()
    env = dict(os.environ)
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=fake.url,
        DATABASE_PATH=str(folder / "bench.db"),
        STAFF_CHAT_ID="-1001",
        LOG_LEVEL="WARNING",
    )
    loop = asyncio.get_running_loop()
    started = loop.time()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=folder,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        # first_poll_at is stamped when the getUpdates request arrives, not when it returns
        await fake.wait_for(lambda: fake.first_poll_at is not None, timeout=60)
        assert fake.first_poll_at is not None
        first_poll = fake.first_poll_at - started
        await fake.wait_for(lambda: len(fake.calls_of("setMyShortDescription")) >= 3, timeout=60)
        settled = loop.time() - started
        rss = rss_kib(proc.pid)
    finally:
        proc.terminate()
        await proc.wait()
        await fake.stop()
    return first_poll, settled, rss


async def main(runs: int) -> None:
    results = []
    for i in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            results.append(await one_run(Path(folder)))
        print(
            f"run {i + 1}: first getUpdates {results[-1][0]:.2f} s, "
            f"profile set {results[-1][1]:.2f} s, RSS {results[-1][2] / 1024:.1f} MiB"
        )
    first = [r[0] for r in results]
    rss = [r[2] / 1024 for r in results]
    print(
        f"cold start to first getUpdates: median {statistics.median(first):.2f} s, "
        f"worst {max(first):.2f} s; RSS median {statistics.median(rss):.1f} MiB "
        f"({runs} runs, fresh database each)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
