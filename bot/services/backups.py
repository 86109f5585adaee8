"""The daily backup: a follow-up at BACKUP_TIME (local) copies the database to BACKUP_DIR while
the bot runs, keeps the newest BACKUP_KEEP, and schedules the next day's. The copy is made
before the follow-up's transaction (it must not hold the write lock); a failure (a full disk)
is logged and tried again, hourly at most, until it works."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.refs import Ref, RefKind
from bot.services.followups import FollowUp, FollowUps
from bot.storage.backup import Backup, make_backup, rotate
from bot.storage.db import Tx

log = logging.getLogger(__name__)

KIND = "backup"


class BackupService:
    def __init__(
        self,
        database: Path,
        folder: Path,
        keep: int,
        at: time,
        zone: ZoneInfo,
        followups: FollowUps,
        clock: Callable[[], datetime],
    ) -> None:
        self.database = database
        self.folder = folder
        self.keep = keep
        self.at = at
        self.zone = zone
        self.followups = followups
        self.clock = clock
        followups.register(KIND, self._after, self._copy, persistent=True)

    def _due(self, day: date) -> datetime:
        return datetime.combine(day, self.at, self.zone)

    def _next_day(self, now: datetime) -> date:
        today = now.astimezone(self.zone).date()
        return today if self._due(today) > now else today + timedelta(days=1)

    async def ensure_scheduled(self) -> None:
        """At start: the next backup is scheduled (a missed one is pending already: it runs
        now, late)."""
        async with self.followups.db.transaction() as conn:
            if await self.followups.repo.pending(conn, KIND):
                return
            day = self._next_day(self.clock())
            await self.followups.schedule(
                conn, KIND, Ref(RefKind.BACKUP, part=day.isoformat()), self._due(day)
            )

    async def _copy(self, followup: FollowUp) -> Backup:
        """Before the transaction: the copy itself, in a thread (the loop keeps serving)."""
        self.folder.mkdir(parents=True, exist_ok=True)  # a file in its place: fails, retried
        now = self.clock().astimezone(self.zone)
        made = await asyncio.to_thread(make_backup, self.database, self.folder, at=now)
        gone = await asyncio.to_thread(rotate, self.folder, self.keep)
        log.info(
            "backup %s: %s bytes, %s reports, %.1f s; %s old backup(s) deleted",
            made.path.name,
            made.size,
            made.reports,
            made.seconds,
            len(gone),
        )
        return made

    async def _after(self, conn: Tx, followup: FollowUp, _: Any) -> None:
        day = date.fromisoformat(followup.subject.part) + timedelta(days=1)
        day = max(day, self._next_day(self.clock()))  # after a long downtime: not a burst
        await self.followups.schedule(
            conn, KIND, Ref(RefKind.BACKUP, part=day.isoformat()), self._due(day)
        )
