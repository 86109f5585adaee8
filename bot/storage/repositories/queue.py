"""The staff console's queue (issue 24): open reports in the order a duty officer needs them,
filtered and paged by the order's key (bot/domain/queue.py says why this order)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.domain.console_map import HeatCell, MapMarker
from bot.domain.queue import Cursor, QueueFilter
from bot.domain.reports import Report
from bot.storage.repositories._rows import to_db
from bot.storage.repositories.reports import _report, stored_status

#: open reports (a referred one is stored as taken, with the body: migration 0032), as the
#: partial index reports_open names them
OPEN = "status IN ('new', 'taken')"


def within(precincts: frozenset[str], args: dict[str, Any]) -> str:
    """A condition: the report is in one of `precincts` (their ids go into `args`)."""
    names = []
    for i, precinct in enumerate(sorted(precincts)):
        args[f"p{i}"] = precinct
        names.append(f":p{i}")
    return f"precinct_id IN ({', '.join(names)})" if names else "0"


class QueueRepository:
    @staticmethod
    def _queue_where(filt: QueueFilter) -> tuple[str, dict[str, Any]]:
        where = [OPEN]
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
        if filt.within is not None:
            where.append(within(filt.within, args))
        if filt.numbers is not None:
            names = []
            for i, number in enumerate(filt.numbers):
                args[f"n{i}"] = number
                names.append(f":n{i}")
            where.append(f"id IN ({', '.join(names)})" if names else "0")
        return " AND ".join(where), args

    #: the queue's order as columns (bot/domain/queue.py says why this order)
    _QUEUE = (
        "SELECT *, CASE WHEN due_on < :today THEN 0 WHEN status = 'new' THEN 1 ELSE 2 END"
        " AS bucket, CASE WHEN due_on < :today THEN due_on WHEN status = 'new' THEN ''"
        " WHEN priority = 'high' THEN '0' ELSE '1' END AS sort_key FROM reports"
        f" WHERE {OPEN}"
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

    async def map_markers(
        self,
        conn: aiosqlite.Connection,
        today: date,
        closed_since: datetime,
        limit: int,
        precincts: frozenset[str] | None = None,
    ) -> tuple[list[MapMarker], int]:
        """Open reports with a place (all of them, newest first), then those closed since
        `closed_since`, newest first: at most `limit`, and how many there are in all (of
        `precincts` only, if given)."""
        columns = "id, latitude, longitude, status, referred_to, category, due_on < :today"
        args: dict[str, Any] = {
            "today": today.isoformat(),
            "since": to_db(closed_since),
            "limit": limit,
        }
        recent = (
            "status IN ('resolved', 'rejected') AND updated_at >= :since AND latitude IS NOT NULL"
        )
        placed = "latitude IS NOT NULL"
        if precincts is not None:
            scope = within(precincts, args)
            recent += f" AND {scope}"
            placed += f" AND {scope}"
        # the covering index of migration 0036: without it the planner takes reports_open and
        # reads every open report's row for its place
        open_places = f"reports INDEXED BY reports_open_place WHERE {OPEN} AND {placed}"
        cur = await conn.execute(
            f"SELECT {columns} FROM {open_places} ORDER BY id DESC LIMIT :limit", args
        )
        rows = list(await cur.fetchall())
        if len(rows) < limit:
            cur = await conn.execute(
                f"SELECT {columns} FROM reports WHERE {recent} ORDER BY id DESC"
                f" LIMIT {limit - len(rows)}",
                args,
            )
            rows += await cur.fetchall()
        cur = await conn.execute(
            f"SELECT (SELECT count(*) FROM {open_places})"
            f" + (SELECT count(*) FROM reports WHERE {recent})",
            args,
        )
        total = await cur.fetchone()
        markers = [
            MapMarker(
                row[0], row[1], row[2], stored_status(row[3], row[4]).value, row[5], bool(row[6])
            )
            for row in rows
        ]
        return markers, int(total[0]) if total else 0

    async def heat(
        self,
        conn: aiosqlite.Connection,
        since: datetime,
        category: str | None,
        places: int,
        precincts: frozenset[str] | None = None,
    ) -> list[HeatCell]:
        """Reports with a place received since `since` (of `category`, of `precincts`),
        counted per cell of coordinates rounded to `places` decimals."""
        args: dict[str, Any] = {"since": to_db(since), "category": category, "places": places}
        where = "created_at >= :since AND latitude IS NOT NULL"
        if category is not None:
            where += " AND category = :category"
        if precincts is not None:
            where += " AND " + within(precincts, args)
        cur = await conn.execute(
            "SELECT round(latitude, :places), round(longitude, :places), count(*) FROM reports"
            f" WHERE {where} GROUP BY 1, 2",
            args,
        )
        return [HeatCell(row[0], row[1], row[2]) for row in await cur.fetchall()]
