"""Relays: the real bot as a process, residents answering their officer, side by side with an
earlier Sakshy.

The bot runs as `python -m bot run` against the fake Telegram on 127.0.0.1 with its limits off.
N residents (`--people`) each send a report through the wizard; an officer answers each report
in the staff group, and each resident then sends `--each` replies to the officer's message at
once, all residents together: N × each resident → staff relays. Figures, for the relay phase
only (from the first reply sent to the last one shown in the staff group):

- relays per second;
- the bot process's CPU per relay (user + system time from /proc/<pid>/stat);
- Telegram requests per relay (everything but getUpdates), and group messages per relay;
- the process's RSS once started (before any update) and at the end.

`--baseline <commit>` runs that commit of this repository too (checked out into a temporary git
worktree, run with the same interpreter), alternating with the working tree round by round
(`--rounds`), so that the ratio is measured on one machine in one run. `--profile FILE` samples
the working tree's last relay phase with py-spy (folded stacks with thread ids, for a flame
graph; its CPU figures then include the sampling).

    python -m benchmarks.relay --people 50 --each 10 --baseline 3cedbf2 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.testing.fake_telegram import FakeTelegram

TOKEN = "42424242:BENCH-token-for-the-local-emulator"
STAFF = -1001000000077
OFFICER = 77000001
ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds on the event loop's thread (the main one) and on every other thread
    (aiosqlite's, executors'), and context switches, from /proc."""
    out = {"loop": 0.0, "threads": 0.0, "switches": 0.0}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
            status = (task / "status").read_text()
        except FileNotFoundError:  # the thread ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / TICKS
        out["loop" if task.name == str(pid) else "threads"] += seconds
        out["switches"] += sum(
            int(line.split()[1]) for line in status.splitlines() if "ctxt_switches" in line
        )
    return out


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Figures:
    who: str
    relays: int
    seconds: float
    cpu_ms: float  # per relay
    requests: float  # per relay, getUpdates left out
    group_messages: float  # per relay
    rss_start: float
    rss_end: float
    by_thread: dict[str, float]  # CPU ms per relay by thread, and context switches per relay

    @property
    def per_second(self) -> float:
        return self.relays / self.seconds


async def _until(user: Any, wanted: Any, timeout: float = 30.0) -> Any:  # noqa: ASYNC109
    """The bot's next message here for which `wanted(message)` holds (others are skipped)."""
    while True:
        message = await user.next_message(timeout=timeout)
        if wanted(message):
            return message


def _inline(message: Any) -> bool:
    return bool(message.reply_markup and "inline_keyboard" in message.reply_markup)


def _first_button(message: Any) -> str:
    return str(message.reply_markup["inline_keyboard"][0][0]["callback_data"])


def _label(user: Any, prefix: str) -> str:
    for row in user.reply_keyboard or []:
        for label in row:
            if label.startswith(prefix):
                return str(label)
    raise LookupError(f"no button {prefix} on the keyboard")


async def _keyboard_with(user: Any, prefix: str) -> str:
    for _ in range(200):
        with contextlib.suppress(LookupError):
            return _label(user, prefix)
        await user.next_message(timeout=30)
    raise LookupError(prefix)


async def report(user: Any) -> None:
    """Onboarding and a whole report through the wizard, in Kazakh, driven by what it shows."""
    await user.send("/start")
    picker = await _until(user, lambda m: _inline(m) and "lang:" in str(m.reply_markup))
    await user.press(picker, data="lang:kk")
    consent = await _until(user, _inline)
    await user.press(consent, data=_first_button(consent))
    await user.tap(await _keyboard_with(user, "📝"))
    categories = await _until(user, _inline)
    await user.press(categories, data=_first_button(categories))
    await user.next_message(timeout=30)  # what happened?
    await user.send("Түнде көршілер қатты музыка қосып жатыр")
    await user.next_message(timeout=30)  # where?
    await user.send("Тұран даңғылы 12")
    await user.tap(await _keyboard_with(user, "⏭"))  # no photos
    anonymity = await _until(user, _inline)
    await user.press(anonymity, data=_first_button(anonymity))
    await user.tap(await _keyboard_with(user, "⏭"))  # no phone
    summary = await _until(user, _inline)
    await user.press(summary, data=_first_button(summary))
    await _until(user, lambda m: "№" in (m.text or "") and not _inline(m))  # the receipt


async def _world() -> tuple[FakeTelegram, Any, Any]:
    """The fake Telegram, limits off, with the staff group and its officer."""
    fake = FakeTelegram(token=TOKEN, rate_limits=False)
    await fake.start()
    staff = fake.group(STAFF, title="Duty", bot_is_admin=True)
    officer = fake.user(OFFICER, first_name="Officer", language_code="kk")
    staff.add_member(officer)
    return fake, staff, officer


def _bot_env(fake: FakeTelegram, source: Path, folder: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=fake.url,
        DATABASE_PATH=str(Path(folder) / "bench.db"),
        STAFF_CHAT_ID=str(STAFF),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(source),
        # limits off on the bot's side too: its limiter's minute lasts 0.6 ms
        TELEGRAM_TIME_SCALE="0.00001",
    )
    return env


async def _bot(source: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=source,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _conversations(
    fake: FakeTelegram, staff: Any, officer: Any, people: int, first_id: int
) -> tuple[list[Any], list[Any]]:
    """`people` residents, each with a report the officer answered under its post: the
    residents, and the officer's words as each of them got them (to reply to)."""
    residents = [
        fake.user(first_id + i, first_name=f"R{i}", language_code="kk") for i in range(people)
    ]
    await asyncio.gather(*(report(user) for user in residents))
    for post in await _posts(fake, staff, people):
        await staff.send(officer, "Қабылдадық, нақтылаңызшы", reply_to=post)
    relayed = await asyncio.gather(
        *(_until(u, lambda m: "Қабылдадық" in (m.text or "")) for u in residents)
    )
    await asyncio.sleep(1.0)  # the reactions and receipts of the set-up settle
    return residents, list(relayed)


async def one_run(
    who: str, source: Path, people: int, each: int, profile: Path | None = None
) -> Figures:
    fake, staff, officer = await _world()
    with tempfile.TemporaryDirectory() as folder:
        proc = await _bot(source, _bot_env(fake, source, folder))
        bot_pid = proc.pid
        sampler: asyncio.subprocess.Process | None = None
        try:
            await fake.wait_for(lambda: fake.first_poll_at is not None, timeout=60)
            rss_start = rss_mib(bot_pid)
            residents, relayed = await _conversations(fake, staff, officer, people, 80_000_000)
            if profile is not None:  # py-spy samples the relay phase only
                sampler = await asyncio.create_subprocess_exec(
                    _py_spy(), "record", "--format", "raw", "-r", "250", "--threads",
                    "-o", str(profile), "--pid", str(bot_pid), stdout=asyncio.subprocess.DEVNULL,
                )  # fmt: skip
                await asyncio.sleep(1.0)  # py-spy attaches
            before_requests = _requests(fake)
            before_group = len(staff.messages)
            before_cpu = cpu_seconds(bot_pid)
            before_threads = thread_cpu(bot_pid)
            loop = asyncio.get_running_loop()
            started = loop.time()
            texts = {f"жауап {i}-{k}" for i in range(people) for k in range(each)}

            async def answer(i: int, user: Any, to: Any) -> None:
                for k in range(each):
                    await user.reply(to, f"жауап {i}-{k}")

            await asyncio.gather(
                *(
                    answer(i, u, to)
                    for i, (u, to) in enumerate(zip(residents, relayed, strict=True))
                )
            )

            def arrived() -> bool:
                shown = {
                    line
                    for m in staff.messages[before_group:]
                    for line in (m.text or "").split("\n")
                }
                return texts <= shown

            await fake.wait_for(arrived, timeout=600)
            seconds = loop.time() - started
            cpu = cpu_seconds(bot_pid) - before_cpu
            after_threads = thread_cpu(bot_pid)
            if sampler is not None:  # py-spy writes its file on SIGINT, as on Ctrl-C
                sampler.send_signal(signal.SIGINT)
                await sampler.wait()
            await asyncio.sleep(0.5)  # the acknowledgements that follow the last relay
            relays = people * each
            figures = Figures(
                who=who,
                relays=relays,
                seconds=seconds,
                cpu_ms=1000 * cpu / relays,
                requests=(_requests(fake) - before_requests) / relays,
                group_messages=(len(staff.messages) - before_group) / relays,
                rss_start=rss_start,
                rss_end=rss_mib(bot_pid),
                by_thread={
                    k: (after_threads[k] - before_threads[k])
                    * (1 if k == "switches" else 1000)
                    / relays
                    for k in after_threads
                },
            )
        finally:
            proc.terminate()
            _, err = await proc.communicate()
            await fake.stop()
        if err.strip():
            print(f"[{who}] stderr: {err.decode(errors='replace')[-800:]}", file=sys.stderr)
    return figures


@dataclass
class Burst:
    who: str
    people: int
    last_seconds: float  # the last resident's words shown in the staff group
    median_seconds: float
    acknowledged: int  # residents whose words got the 👌
    last_ack_seconds: float
    refusals_429: int
    group_per_minute: int  # the most staff group messages in any 60 s


async def burst_run(who: str, source: Path, people: int) -> Burst:
    """`people` residents with a report each, their officer's question relayed to each; then
    the bot restarts under Telegram's real limits (the fake's and its own) and everyone
    answers at the same moment."""
    fake, staff, officer = await _world()
    with tempfile.TemporaryDirectory() as folder:
        env = _bot_env(fake, source, folder)
        proc = await _bot(source, env)
        try:  # the set-up, limits off
            await fake.wait_for(lambda: fake.first_poll_at is not None, timeout=60)
            residents, relayed = await _conversations(fake, staff, officer, people, 81_000_000)
        finally:
            proc.terminate()
            await proc.communicate()
        fake.limiter.enabled = True
        del env["TELEGRAM_TIME_SCALE"]  # the bot's own limiter at Telegram's pace
        fake.first_poll_at = None
        proc = await _bot(source, env)
        try:
            await fake.wait_for(lambda: fake.first_poll_at is not None, timeout=60)
            await asyncio.sleep(2.0)  # its profile and administrators, after polling starts
            refusals = len([r for r in fake.refusals if r.error_code == 429])
            before_group = len(staff.messages)
            loop = asyncio.get_running_loop()
            started = loop.time()
            sent: list[tuple[Any, dict[str, Any]]] = []
            for i, (user, to) in enumerate(zip(residents, relayed, strict=True)):
                sent.append((user, await user.reply(to, f"жауап {i}")))
            shown: dict[str, float] = {}
            acked: dict[int, float] = {}
            while len(shown) < people or len(acked) < people:
                now = loop.time() - started
                for m in staff.messages[before_group:]:
                    for line in (m.text or "").split("\n"):
                        if line.startswith("жауап ") and line not in shown:
                            shown[line] = now
                for user, message in sent:
                    key = (user.id, message["message_id"])
                    if user.id not in acked and fake.reactions.get(key):
                        acked[user.id] = now
                if now > 600:
                    break
                await asyncio.sleep(0.2)
            moments = [m.date for m in staff.messages[before_group:]]
            busiest = max((sum(1 for b in moments if a <= b < a + 60) for a in moments), default=0)
            return Burst(
                who=who,
                people=people,
                last_seconds=max(shown.values(), default=float("nan")),
                median_seconds=statistics.median(shown.values()) if shown else float("nan"),
                acknowledged=len(acked),
                last_ack_seconds=max(acked.values(), default=float("nan")),
                refusals_429=len([r for r in fake.refusals if r.error_code == 429]) - refusals,
                group_per_minute=busiest,
            )
        finally:
            proc.terminate()
            _, err = await proc.communicate()
            await fake.stop()
            if err.strip():
                print(f"[{who}] stderr: {err.decode(errors='replace')[-800:]}", file=sys.stderr)


def _py_spy() -> str:
    """py-spy from the interpreter's own bin folder (a venv), else from PATH."""
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else "py-spy"


def _requests(fake: FakeTelegram) -> int:
    return int(fake.requests_received) - len(fake.calls_of("getUpdates"))


async def _posts(fake: FakeTelegram, staff: Any, people: int) -> list[Any]:
    """The report posts in the staff group, once all have arrived."""

    def posts() -> list[Any]:
        return [m for m in staff.messages if m.reply_markup and "st:take" in str(m.reply_markup)]

    await fake.wait_for(lambda: len(posts()) >= people, timeout=120)
    return posts()[:people]


@contextlib.contextmanager
def checkout(commit: str) -> Any:
    """That commit of this repository in a temporary worktree (removed afterwards)."""
    folder = Path(tempfile.mkdtemp(prefix="sakshy-baseline-"))
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(folder), commit],
        check=True,
    )
    try:
        yield folder
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], check=False
        )


def summary(runs: list[Figures]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for who in dict.fromkeys(r.who for r in runs):
        mine = [r for r in runs if r.who == who]
        out[who] = {
            "relays_per_second": statistics.median(r.per_second for r in mine),
            "cpu_ms_per_relay": statistics.median(r.cpu_ms for r in mine),
            "requests_per_relay": statistics.median(r.requests for r in mine),
            "group_messages_per_relay": statistics.median(r.group_messages for r in mine),
            "rss_start_mib": statistics.median(r.rss_start for r in mine),
            "rss_end_mib": statistics.median(r.rss_end for r in mine),
        }
    return out


async def bursts(people: int, baseline: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        sources = [("current", ROOT)]
        if baseline:
            sources.insert(0, (f"baseline {baseline}", stack.enter_context(checkout(baseline))))
        for who, source in sources:
            burst = await burst_run(who, source, people)
            print(
                f"{who}: {people} residents answer at once under Telegram's limits: the last "
                f"shown to staff after {burst.last_seconds:.1f} s (median "
                f"{burst.median_seconds:.1f} s); {burst.acknowledged} acknowledged with 👌, the "
                f"last after {burst.last_ack_seconds:.1f} s; {burst.refusals_429} × 429; at most "
                f"{burst.group_per_minute} group messages in a minute",
                flush=True,
            )
            out[who] = burst.__dict__
    return out


async def main(
    people: int, each: int, baseline: str | None, rounds: int, profile: Path | None = None
) -> dict[str, Any]:
    runs: list[Figures] = []
    with contextlib.ExitStack() as stack:
        sources = [("current", ROOT)]
        if baseline:
            sources.insert(0, (f"baseline {baseline}", stack.enter_context(checkout(baseline))))
        for round_ in range(rounds):
            for who, source in sources:
                sampled = profile if who == "current" and round_ == rounds - 1 else None
                figures = await one_run(who, source, people, each, sampled)
                runs.append(figures)
                print(
                    f"round {round_ + 1}, {who}: {figures.relays} relays in "
                    f"{figures.seconds:.2f} s = {figures.per_second:.0f}/s; "
                    f"CPU {figures.cpu_ms:.2f} ms, {figures.requests:.2f} requests and "
                    f"{figures.group_messages:.2f} group messages per relay; RSS "
                    f"{figures.rss_start:.0f} MiB started, {figures.rss_end:.0f} MiB at the end; "
                    + ", ".join(f"{k} {v:.2f}" for k, v in figures.by_thread.items()),
                    flush=True,
                )
    medians = summary(runs)
    print(json.dumps(medians, indent=1))
    if baseline:
        base, now = medians[f"baseline {baseline}"], medians["current"]
        print(
            f"current / baseline: {now['relays_per_second'] / base['relays_per_second']:.2f}× "
            f"relays per second, {now['cpu_ms_per_relay'] / base['cpu_ms_per_relay']:.2f}× CPU "
            f"per relay, {now['requests_per_relay']:.2f} vs {base['requests_per_relay']:.2f} "
            "requests per relay"
        )
    return dict(medians)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--each", type=int, default=10)
    parser.add_argument("--baseline", help="a commit of this repository to run alongside")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--profile",
        type=Path,
        help="sample the working tree's last run with py-spy, into this file",
    )
    parser.add_argument(
        "--burst",
        action="store_true",
        help="instead: --people residents answer once, at once, under Telegram's real limits",
    )
    args = parser.parse_args()
    if args.burst:
        result = asyncio.run(bursts(args.people, args.baseline))
    else:
        result = asyncio.run(main(args.people, args.each, args.baseline, args.rounds, args.profile))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
