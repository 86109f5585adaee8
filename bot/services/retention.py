"""Retention: hourly, closed reports older than RETENTION_DAYS lose their reporter's identity
and exact place, and settled outbox rows of that age lose their text. In batches, so the write
lock is held briefly; statistics stay."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.storage.db import Database
from bot.storage.repositories.privacy import RetentionRepository

log = logging.getLogger(__name__)

BATCH = 500


class RetentionService:
    def __init__(self, db: Database, clock: Callable[[], datetime], days: int) -> None:
        self.db = db
        self.clock = clock
        self.days = days
        self.repo = RetentionRepository()

    async def run(self) -> tuple[int, int]:
        """(reports anonymised, messages blanked) in this run."""
        now = self.clock()
        before = now - timedelta(days=self.days)
        reports = messages = 0
        async with self.db.transaction() as conn:  # a few a month: one statement
            await self.repo.unname_answered_complaints(conn, before)
        while True:
            async with self.db.transaction(slow=True) as conn:
                done = await self.repo.anonymise_closed(conn, before, BATCH, now)
            reports += done
            if done < BATCH:
                break
        while True:
            async with self.db.transaction(slow=True) as conn:
                done = await self.repo.blank_sent(conn, before, BATCH)
            messages += done
            if done < BATCH:
                break
        if reports or messages:
            log.info(
                "retention: %s closed report(s) anonymised, %s old message(s) blanked",
                reports,
                messages,
            )
        return reports, messages
