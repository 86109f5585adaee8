"""The staff console's reading side (issue 24): the queue of open reports, page by page.

The console's actions (take, assign, refer, resolve …) call the same services as the group's
buttons; this service only reads, each page in one consistent read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.queue import Cursor, QueueFilter, QueuePage, place
from bot.storage.db import Database
from bot.storage.repositories import QueueRepository

#: reports on one page of the queue
PAGE = 25


class ConsoleService:
    def __init__(self, db: Database, clock: Callable[[], datetime], zone: ZoneInfo) -> None:
        self.db = db
        self.clock = clock
        self.zone = zone
        self.reports = QueueRepository()

    async def queue(
        self, filt: QueueFilter, after: Cursor | None = None, size: int = PAGE
    ) -> QueuePage:
        """One page of open reports in the order a duty officer should look at them, from
        after `after` (the previous page's `next`)."""
        today = self.clock().astimezone(self.zone).date()
        async with self.db.read(slow=True) as conn:
            reports, total = await self.reports.queue(conn, filt, today, after, size + 1)
        shown = tuple(reports[:size])
        more = len(reports) > size and shown
        return QueuePage(shown, place(shown[-1], today) if more else None, total)
