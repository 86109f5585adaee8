"""The bot as a real process (`python -m bot run`) polling the fake Telegram: start it, wait
until it polls, kill it (SIGKILL) or stop it (SIGTERM), and never leave it running.

    async with bot_process(tg, tmp_path) as process:  # stopped (or killed) on the way out
        await process.start()  # returns once the new process asks for updates
        ...
        await process.kill()
        await process.start()

Every wait here is scaled by SAKSHY_TEST_TIMEOUT_SCALE (bot.testing.timeouts).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Literal

from bot.testing.fake_telegram import FakeTelegram
from bot.testing.timeouts import describe, scaled
from tests.e2e.conftest import STAFF_CHAT, TOKEN

#: from start to the first getUpdates: about 1.7 s on an idle machine, 5 s on a busy one, and
#: beyond 30 s on one busier still (importing aiogram's types alone takes 5 s of CPU there)
STARTUP_SECONDS = 60.0
#: from SIGTERM to exit: the stop lets the update in flight finish and drains the outbox
STOP_SECONDS = 20.0


class BotProcess:
    """One bot at a time on one database folder, started again after each kill."""

    def __init__(self, fake: FakeTelegram, folder: Path, **env: str) -> None:
        self.fake = fake
        self.env = dict(os.environ)
        self.env.update(
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=fake.url,
            DATABASE_PATH=str(folder / "sakshy.db"),
            STAFF_CHAT_ID=str(STAFF_CHAT),
            LOG_LEVEL="WARNING",
        )
        self.env.update(env)
        self.folder = folder
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0
        #: seconds from each start to what start() waited for (what a loaded machine stretches)
        self.startup_seconds: list[float] = []

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    @property
    def stderr_path(self) -> Path:
        """What the current (or last) process wrote on stderr, for a failure's message."""
        return self.folder / f"bot-{self.starts}.stderr"

    async def start(self, *, wait: Literal["polling", "alive"] | None = "polling") -> None:
        """Start a new process and return once it polls Telegram (``"polling"``: migrated,
        the inbox replayed, its first getUpdates on the wire), once it makes its first request
        (``"alive"``: imported and configured; the replay of a long inbox may follow), or at
        once (None)."""
        assert not self.running, "the previous process is still running"
        self.starts += 1
        polls = self.fake.poll_requests
        requests = self.fake.requests_received
        with self.stderr_path.open("wb") as stderr:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=self.env, cwd=self.folder,
                stdout=asyncio.subprocess.DEVNULL, stderr=stderr,
            )  # fmt: skip
        try:
            if wait == "polling":
                await self._wait_until(lambda: self.fake.poll_requests > polls, "poll")
            elif wait == "alive":
                await self._wait_until(lambda: self.fake.requests_received > requests, "call")
        except BaseException:
            await self.stop()  # a start that failed leaves nothing running
            raise

    async def _wait_until(self, started: Callable[[], bool], what: str) -> None:
        """Wait until ``started()`` (or fail at once if the process exited)."""
        proc = self.proc
        assert proc is not None
        loop = asyncio.get_running_loop()
        began = loop.time()
        try:
            await self.fake.wait_for(
                lambda: started() or proc.returncode is not None, timeout=STARTUP_SECONDS
            )
        except AssertionError:
            raise AssertionError(
                f"the bot did not {what} Telegram within {describe(STARTUP_SECONDS)}; it "
                f"wrote: {self.stderr()}"
            ) from None
        if proc.returncode is not None:
            raise AssertionError(
                f"the bot exited with {proc.returncode} before it did: {self.stderr()}"
            )
        self.startup_seconds.append(loop.time() - began)

    def stderr(self) -> str:
        """The end of what the current (or last) process wrote on stderr."""
        try:
            return self.stderr_path.read_text(errors="replace")[-3000:] or "(nothing)"
        except OSError:
            return "(no stderr file)"

    async def kill(self) -> None:
        """SIGKILL: the process dies wherever it is."""
        assert self.proc is not None
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):  # it died by itself a moment ago
                self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def terminate(self) -> int:
        """SIGTERM, and the exit code once it stopped."""
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.terminate()
        return await asyncio.wait_for(self.proc.wait(), scaled(STOP_SECONDS))

    async def stop(self) -> None:
        """Stop the process if it runs: SIGTERM, and SIGKILL if it does not stop in time.
        Never leaves it running, whatever happens."""
        if self.proc is None or self.proc.returncode is not None:
            return
        try:
            with contextlib.suppress(ProcessLookupError):
                self.proc.terminate()
            await asyncio.wait_for(self.proc.wait(), scaled(STOP_SECONDS))
        finally:
            if self.proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.kill()
                with contextlib.suppress(ProcessLookupError):
                    await self.proc.wait()


@contextlib.asynccontextmanager
async def bot_process(fake: FakeTelegram, folder: Path, **env: str) -> AsyncIterator[BotProcess]:
    """A BotProcess (not started yet) that is stopped however the block ends."""
    process = BotProcess(fake, folder, **env)
    try:
        yield process
    finally:
        await process.stop()
