"""The staff console's queue (issue 24): open reports in the order a duty officer needs them,
filtered and paged by the order's key (bot/domain/queue.py says why this order)."""

from __future__ import annotations

from datetime import date
from typing import Any

import aiosqlite

from bot.domain.queue import Cursor, QueueFilter
from bot.domain.reports import Report
from bot.storage.repositories.reports import _report


class QueueRepository:
    @staticmethod
    def _queue_where(filt: QueueFilter) -> tuple[str, dict[str, Any]]:
        where = ["status IN ('new', 'taken')"]
        args: dict[str, Any] = {}
        if filt.status == "new":
            where.append("status = 'new'")
        elif filt.status == "taken":
            where.append("status = 'taken' AND referred_to IS NULL")
        elif filt.status == "referred":
            where.append("status = 'taken' AND referred_to IS NOT NULL")
        for column, value in (
            ("category", filt.category),
            ("precinct_id", filt.precinct),
            ("channel", filt.channel),
            ("officer_id", filt.officer_id),
        ):
            if value is not None:
                where.append(f"{column} = :{column}")
                args[column] = value
        if filt.overdue_only:
            where.append("bucket = 0")
        return " AND ".join(where), args

    #: the queue's order as columns (bot/domain/queue.py says why this order)
    _QUEUE = (
        "SELECT *, CASE WHEN due_on < :today THEN 0 WHEN status = 'new' THEN 1 ELSE 2 END"
        " AS bucket, CASE WHEN due_on < :today THEN due_on WHEN status = 'new' THEN ''"
        " WHEN priority = 'high' THEN '0' ELSE '1' END AS sort_key FROM reports"
        " WHERE status IN ('new', 'taken')"
    )

    async def queue(
        self,
        conn: aiosqlite.Connection,
        filt: QueueFilter,
        today: date,
        after: Cursor | None,
        limit: int,
    ) -> tuple[list[Report], int]:
        """Open reports in the queue's order from after `after`, at most `limit`, and how
        many the filter matches in all."""
        where, args = self._queue_where(filt)
        args["today"] = today.isoformat()
        page = where
        if after is not None:
            page += " AND (bucket, sort_key, id) > (:bucket, :key, :number)"
            args.update(bucket=after.bucket, key=after.key, number=after.number)
        cur = await conn.execute(
            f"SELECT * FROM ({self._QUEUE}) WHERE {page}"
            " ORDER BY bucket, sort_key, id LIMIT :limit",
            {**args, "limit": limit},
        )
        reports = [_report(row) for row in await cur.fetchall()]
        cur = await conn.execute(f"SELECT count(*) FROM ({self._QUEUE}) WHERE {where}", args)
        row = await cur.fetchone()
        return reports, int(row[0]) if row else 0
