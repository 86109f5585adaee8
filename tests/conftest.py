"""Shared fixtures: a real temporary SQLite database, a fixed clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage.db import Database
from bot.storage.migrations import migrate


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
