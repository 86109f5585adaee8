"""Cold start: seconds from `sakshy run` to its first getUpdates, and the process's memory.

Each run starts the bot twice on one database: first fresh (it sets its command menus and
descriptions), then again (they are set already: nothing to ask Telegram but getMe, getChat and
getWebhookInfo); the memory is read on the second.

Runs `python -m bot run` as a separate process against the fake Telegram on 127.0.0.1, N times,
on a fresh database or on a copy of a big one (`--database`, from `benchmarks.seed`), and prints
the median and worst figures: the first getUpdates, the profile set, the memory (RSS) once
started and again after some idle seconds. For comparison it prints the memory of a process
that only imports aiogram: the floor every aiogram bot stands on.

    python -m benchmarks.cold_start --runs 5
    python -m benchmarks.cold_start --runs 3 --database /tmp/sakshy-1m.db
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
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


IDLE_SECONDS = 5.0


async def aiogram_floor() -> tuple[float, int]:
    """Seconds from start to exit, and KiB of RSS, of a process that imports aiogram and
    nothing else (the same interpreter, compiled files already cached)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import aiogram, pathlib; print(next(l.split()[1] for l in"
        " pathlib.Path('/proc/self/status').read_text().splitlines() if l.startswith('VmRSS:')))",
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    return loop.time() - started, int(out)


async def one_run(folder: Path, database: Path | None) -> tuple[float, float, int, int, float, int]:
    if database is not None:
        await asyncio.to_thread(shutil.copyfile, database, folder / "bench.db")
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

    async def start() -> tuple[asyncio.subprocess.Process, float]:
        fake.first_poll_at = None
        began = loop.time()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=folder,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        # first_poll_at is stamped when the getUpdates request arrives, not when it returns
        await fake.wait_for(lambda: fake.first_poll_at is not None, timeout=60)
        assert fake.first_poll_at is not None
        return proc, fake.first_poll_at - began

    proc = None
    try:
        proc, first_poll = await start()
        started = loop.time() - first_poll
        await fake.wait_for(lambda: len(fake.calls_of("setMyShortDescription")) >= 3, timeout=60)
        settled = loop.time() - started
        proc.terminate()
        await proc.wait()
        # the same database again: the profile is set already, the start asks only what it must
        before = fake.requests_received
        proc, again = await start()
        asked = fake.requests_received - before
        rss = rss_kib(proc.pid)
        await asyncio.sleep(IDLE_SECONDS)
        idle = rss_kib(proc.pid)
        profile_calls = len(fake.calls_of("setMyShortDescription"))
    finally:
        if proc is not None and proc.returncode is None:
            proc.terminate()
            await proc.wait()
        await fake.stop()
    assert profile_calls == 3, "a restart with nothing changed sets no description"
    return first_poll, settled, rss, idle, again, asked


async def main(runs: int, database: Path | None) -> dict[str, float]:
    results = []
    for i in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            results.append(await one_run(Path(folder), database))
        first, settled, rss, idle, again, asked = results[-1]
        print(
            f"run {i + 1}: first getUpdates {first:.2f} s, profile set {settled:.2f} s; "
            f"started again on that database: first getUpdates {again:.2f} s after {asked} "
            f"request(s); RSS {rss / 1024:.1f} MiB, {idle / 1024:.1f} MiB after "
            f"{IDLE_SECONDS:.0f} s idle"
        )
    firsts = [r[0] for r in results]
    agains = [r[4] for r in results]
    rsses = [r[2] / 1024 for r in results]
    idles = [r[3] / 1024 for r in results]
    floors = [await aiogram_floor() for _ in range(runs)]
    floor_s = statistics.median(f[0] for f in floors)
    floor = statistics.median(f[1] for f in floors) / 1024
    what = f"a copy of {database.name}" if database else "a fresh database"
    print(
        f"cold start to first getUpdates: median {statistics.median(firsts):.2f} s, "
        f"worst {max(firsts):.2f} s; started again on its database: median "
        f"{statistics.median(agains):.2f} s, worst {max(agains):.2f} s; "
        f"RSS median {statistics.median(rsses):.1f} MiB started, "
        f"{statistics.median(idles):.1f} MiB idle ({runs} runs, {what} each); "
        f"a process that only imports aiogram: {floor_s:.2f} s, {floor:.1f} MiB"
    )
    return {
        "first": statistics.median(firsts),
        "again": statistics.median(agains),
        "again_worst": max(agains),
        "worst": max(firsts),
        "rss": statistics.median(rsses),
        "idle": statistics.median(idles),
        "floor": floor,
        "floor_s": floor_s,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", type=Path, help="start on a copy of this database")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    figures = asyncio.run(main(args.runs, args.database))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
