"""A running bot holds its database: `sakshy restore` and a second `sakshy run` refuse and say
how to stop it; once the bot is gone (even killed with SIGKILL) restore works."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage.backup import make_backup
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.timeouts import scaled
from tests.e2e.conftest import STAFF_CHAT, TOKEN


def bot_env(tg: FakeTelegram, folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=tg.url,
        DATABASE_PATH=str(folder / "data" / "sakshy.db"),
        STAFF_CHAT_ID=str(STAFF_CHAT),
        LOG_LEVEL="WARNING",
    )
    return env


async def sakshy(env: dict[str, str], cwd: Path, *args: str) -> tuple[int | None, str]:
    """A command that ends by itself: its exit code and what it printed (both streams)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), scaled(60))
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return proc.returncode, out.decode()


def report_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM reports").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.slow  # `sakshy run` and `sakshy restore` as real processes, four starts
async def test_restore_and_a_second_run_refuse_while_a_bot_runs(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    env = bot_env(tg, tmp_path)
    database = tmp_path / "data" / "sakshy.db"
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        user = tg.user(9601, first_name="Aliya", language_code="ru")
        await user.send("/start")
        await user.next_message(timeout=60)  # the bot is up and holds its database
        backup = tmp_path / "before.db"
        await asyncio.to_thread(make_backup, database, backup, at=datetime.now(UTC))
        code, text = await sakshy(env, tmp_path, "restore", str(backup), "--yes")
        assert code == 1, text
        assert "Nothing was restored" in text
        assert f"process {bot.pid}" in text
        assert "systemctl stop sakshy" in text and f"kill {bot.pid}" in text
        assert "Traceback" not in text
        assert not list(database.parent.glob("*.before-restore-*")), "nothing was swapped"

        code, text = await sakshy(env, tmp_path, "run")
        assert code == 1, text
        assert f"Sakshy cannot start: a Sakshy bot (process {bot.pid}) is running" in text
        assert "systemctl stop sakshy" in text
        assert bot.returncode is None, "the running bot is untouched"
        await user.send("/help")
        assert (await user.next_message(timeout=30)).text, "and still answers"

        bot.send_signal(signal.SIGKILL)  # no cleanup at all: the system drops the lock
        await bot.wait()
        code, text = await sakshy(env, tmp_path, "restore", str(backup), "--yes")
        assert code == 0, text
        assert "Restored" in text
        kept = database.parent.glob("sakshy.db.before-restore-*")
        assert len([p for p in kept if not p.name.endswith(("-wal", "-shm"))]) == 1
        assert report_count(database) == 0
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
