"""The bot as a real process, killed with SIGKILL between the commit of a report and the
delivery of its staff post: after a restart the post arrives exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, TOKEN, onboard


class BotProcess:
    def __init__(self, fake: FakeTelegram, folder: Path) -> None:
        self.env = dict(os.environ)
        self.env.update(
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=fake.url,
            DATABASE_PATH=str(folder / "sakshy.db"),
            STAFF_CHAT_ID=str(STAFF_CHAT),
            LOG_LEVEL="WARNING",
        )
        self.folder = folder
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=self.env, cwd=self.folder,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await asyncio.wait_for(self.proc.wait(), 20)


@pytest.fixture
async def process(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotProcess]:
    running = BotProcess(tg, tmp_path)
    try:
        yield running
    finally:
        await running.stop()


def outbox_states(folder: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(folder / "sakshy.db") as conn:
        return conn.execute("SELECT chat_id, state FROM outbox ORDER BY id").fetchall()


async def test_sigkill_after_commit_before_the_staff_post(
    tg: FakeTelegram, process: BotProcess, tmp_path: Path
) -> None:
    await process.start()
    user = tg.user(9201, first_name="Aizat", language_code="ru")
    await onboard(user, "ru")
    await user.send("/report")
    await user.press(await user.next_message(timeout=15), data="rc:noise")
    await user.next_message()
    await user.send("Шумят соседи")
    await user.next_message()
    await user.send("мкр. Нурсат, дом 5")
    await user.next_message()
    await user.tap("⏭ Пропустить")
    await user.press(await user.next_message(), data="rs:named")
    await user.next_message()
    await user.tap("⏭ Пропустить")
    summary = await user.next_message()
    # Telegram makes the worker wait before the staff post: the report is committed, the
    # post is not on its way, and that is when the process dies.
    tg.fail_next("sendMessage", error_code=429, retry_after=3, times=1)
    await user.press(summary, data="rs:send")
    await tg.wait_for(lambda: any(not c.ok for c in tg.calls_of("sendMessage")), timeout=10)
    settled = [(STAFF_CHAT, "pending"), (9201, "done")]  # post rescheduled, receipt delivered
    for _ in range(500):
        if outbox_states(tmp_path) == settled:
            break
        await asyncio.sleep(0.01)
    await process.kill()

    with sqlite3.connect(tmp_path / "sakshy.db") as conn:
        assert conn.execute("SELECT id, status FROM reports").fetchall() == [(1000, "new")]
    assert outbox_states(tmp_path) == settled, "the post is committed, not yet delivered"
    staff = tg.group(STAFF_CHAT)
    assert staff.messages == []

    receipt = await user.next_message(timeout=20)
    assert receipt.text.startswith("Ваше сообщение № 1000 принято.")

    await process.start()
    post = await staff.next_message(timeout=20)
    assert post.text.startswith("№ 1000 хабарлама")
    await tg.wait_for(lambda: all(s == "done" for _, s in outbox_states(tmp_path)), timeout=10)
    assert len(staff.messages) == 1, "the post arrived exactly once"
    assert [m.text for m in user.messages].count(receipt.text) == 1
