"""Shared fixtures: a real temporary SQLite database, a fixed clock."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage.db import Database
from bot.storage.migrations import migrate
from tests import orphans
from tests.speedups import fast_clients  # noqa: F401 (autouse: no SSL wait at close)


class FixedClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 21, 6, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "data" / "sakshy.db")
    await database.connect()
    await migrate(database)
    yield database
    await database.close()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's environment for Sakshy's keys."""
    for key in (
        "BOT_TOKEN",
        "STAFF_CHAT_ID",
        "TELEGRAM_API_URL",
        "DATABASE_PATH",
        "DEFAULT_LOCALE",
        "TIMEZONE",
        "LOG_LEVEL",
        "STARTUP_RETRY_SECONDS",
        "CATEGORIES_FILE",
        "STAFF_LOCALE",
        "REPORT_ANSWER_HOURS",
        "REPORT_MAX_OPEN",
        "REPORT_MAX_PER_HOUR",
        "SERVICE_AREA",
        "REMIND_UNTAKEN_MINUTES",
        "ESCALATE_UNTAKEN_MINUTES",
        "SUPERVISORS_CHAT_ID",
        "REMIND_UNRESOLVED_HOURS",
        "SURVEY_AFTER_HOURS",
        "QUIET_HOURS",
        "DIGEST_TIME",
        "FOLLOWUP_TICK_SECONDS",
        "HELPER_MIN_AGE",
        "HELPER_COOLDOWN_DAYS",
        "ANALYSTS_CHAT_ID",
        "DUPLICATE_RADIUS_M",
        "DUPLICATE_HOURS",
        "DUTY_WAVE_FACTOR",
        "DUTY_WAVE_MINUTES",
        "DUTY_WITHDRAW_HOURS",
        "DUTY_CHECKIN_RADIUS_M",
        "SURVEY_MIN_ANSWERS",
        "TELEGRAM_TIME_SCALE",
        "BACKUP_DIR",
        "BACKUP_TIME",
        "BACKUP_KEEP",
        "OUTBOX_STALL_MINUTES",
        "FLOOD_BURST",
        "FLOOD_PER_MINUTE",
        "RETENTION_DAYS",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "WEBHOOK_HOST",
        "WEBHOOK_PORT",
    ):
        monkeypatch.delenv(key, raising=False)


# --- no orphans: a process a test started is stopped by that test ----------------------------


def pytest_configure(config: pytest.Config) -> None:
    # inherited by every process a test starts: found even when its parent died
    os.environ[orphans.MARK] = str(os.getpid())


@pytest.fixture(autouse=True, scope="module")
def _no_process_left_behind() -> Iterator[None]:
    """After each test file: a process its tests started and did not stop is killed, and the
    file's last test errors, naming it."""
    before = {p.pid for p in orphans.leftovers()}
    yield
    left = [p for p in orphans.leftovers() if p.pid not in before]
    if left:
        orphans.kill(left)
        pytest.fail(
            "these tests left processes running (killed now; stop them in `finally`):\n"
            + "\n".join(f"  {p}" for p in left),
            pytrace=False,
        )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The last net: whatever still runs at the end (descendants, or carrying this session's
    mark) is killed, and the run fails. Under pytest-xdist each worker checks its own (the
    controller's descendants are the workers themselves)."""
    if session.config.pluginmanager.hasplugin("dsession"):
        return
    left = orphans.leftovers()
    if not left:
        return
    orphans.kill(left)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
    session.config.stash[_ORPHANS] = left


_ORPHANS = pytest.StashKey[list[orphans.Leftover]]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    left = terminalreporter.config.stash.get(_ORPHANS, [])
    if left:
        terminalreporter.section("processes left behind", red=True, bold=True)
        for process in left:
            terminalreporter.write_line(f"killed {process}", red=True)
        terminalreporter.write_line("the run fails: a test must stop what it starts", red=True)
