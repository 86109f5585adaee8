"""Read-only figures for /stats and the exports."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any

import aiosqlite

from bot.storage.repositories._rows import to_db


class StatsRepository:
    """Read-only figures for /stats (and, later, /export)."""

    async def period(
        self,
        conn: aiosqlite.Connection,
        since: datetime,
        until: datetime,
        precinct: str | None,
        chunk: int = 2000,
    ) -> AsyncGenerator[list[aiosqlite.Row]]:
        """Reports made in [since, until) (in one precinct, or all), with the seconds to their
        first take and first resolution, and their survey (if answered): `chunk` rows at a
        time, never the whole period in memory."""
        cur = await conn.execute(
            "SELECT r.id, r.category, r.created_at, r.status,"
            " (SELECT (julianday(min(e.at)) - julianday(r.created_at)) * 86400"
            "   FROM report_events e WHERE e.report_id = r.id AND e.action = 'take') AS take_s,"
            " (SELECT (julianday(min(e.at)) - julianday(r.created_at)) * 86400"
            "   FROM report_events e WHERE e.report_id = r.id AND e.action = 'resolve')"
            "   AS resolve_s,"
            " s.rating, s.solved"
            " FROM reports r LEFT JOIN surveys s ON s.report_id = r.id"
            " WHERE r.created_at >= ? AND r.created_at < ? AND (? IS NULL OR r.precinct_id = ?)"
            " ORDER BY r.created_at",
            (to_db(since), to_db(until), precinct, precinct),
        )
        try:
            while rows := list(await cur.fetchmany(chunk)):
                yield rows
        finally:
            await cur.close()

    async def export_page(
        self,
        conn: aiosqlite.Connection,
        since: datetime,
        until: datetime,
        after: tuple[str, int] | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """One page of reports for /export, in the order they were made (keyset: the ones
        after `after`, a (created_at, id) pair, read along the index on created_at), each with
        its first take and resolution times, the officer's name and its survey."""
        # the cursor's own time is the lower bound: the index is entered at the cursor, not at
        # the period's start (each page would walk again everything before it)
        at, after_id = after or (to_db(since), 0)
        cur = await conn.execute(
            "SELECT r.id, r.created_at, r.category, r.status, r.precinct_id, r.latitude,"
            " r.longitude, r.address, r.anonymous, r.reporter_name, r.reporter_username,"
            " r.phone, r.language, r.officer_id,"
            " (SELECT min(e.at) FROM report_events e WHERE e.report_id = r.id"
            "   AND e.action = 'take') AS taken_at,"
            " (SELECT min(e.at) FROM report_events e WHERE e.report_id = r.id"
            "   AND e.action = 'resolve') AS resolved_at,"
            " (SELECT e.actor_name FROM report_events e WHERE e.report_id = r.id"
            "   AND e.actor_id = r.officer_id AND e.actor_name IS NOT NULL"
            "   ORDER BY e.id DESC LIMIT 1) AS officer_name,"
            " s.solved, s.rating"
            " FROM reports r LEFT JOIN surveys s ON s.report_id = r.id"
            " WHERE r.created_at >= ? AND r.created_at < ? AND (r.created_at, r.id) > (?, ?)"
            " ORDER BY r.created_at, r.id LIMIT ?",
            (at, to_db(until), at, after_id, limit),
        )
        return [dict(row) for row in await cur.fetchall()]

    async def events_page(
        self,
        conn: aiosqlite.Connection,
        since: datetime,
        until: datetime,
        after: tuple[str, int] | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """A page of the report events in [since, until) for /export's audit, in time order
        (keyset: after `after`, an (at, id) pair, along the index on `at`)."""
        at, after_id = after or (to_db(since), 0)
        cur = await conn.execute(
            "SELECT e.id, e.at, e.actor, CASE WHEN e.actor = 'staff' THEN e.actor_id END"
            " AS actor_id, e.actor_name, e.action, 'report:' || e.report_id AS subject,"
            " e.note AS detail FROM report_events e"
            " WHERE e.at >= ? AND e.at < ? AND (e.at, e.id) > (?, ?)"
            " ORDER BY e.at, e.id LIMIT ?",
            (at, to_db(until), at, after_id, limit),
        )
        return [dict(row) for row in await cur.fetchall()]

    async def audit_page(
        self,
        conn: aiosqlite.Connection,
        since: datetime,
        until: datetime,
        after: tuple[str, int] | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """A page of the staff actions in [since, until) for /export's audit, in time order."""
        at, after_id = after or (to_db(since), 0)
        cur = await conn.execute(
            "SELECT a.id, a.at, 'staff' AS actor, a.actor_id, a.actor_name, a.action,"
            " a.subject, a.detail FROM staff_audit a"
            " WHERE a.at >= ? AND a.at < ? AND (a.at, a.id) > (?, ?)"
            " ORDER BY a.at, a.id LIMIT ?",
            (at, to_db(until), at, after_id, limit),
        )
        return [dict(row) for row in await cur.fetchall()]
