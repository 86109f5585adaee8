"""Helpers: applications, helpers and their audit."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.helpers import HelperDraft
from bot.storage.repositories._rows import to_db


class HelperRepository:
    """helpers (applications and helpers) and helper_events (their audit)."""

    async def insert(
        self,
        conn: aiosqlite.Connection,
        user_id: int,
        draft: HelperDraft,
        language: str,
        consent_version: str,
        now: datetime,
    ) -> int:
        cur = await conn.execute(
            "INSERT INTO helpers (user_id, full_name, birth_date, iin, phone, precincts, days,"
            " bands, note, language, consent_version, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                user_id,
                " ".join(draft.full_name.split()),
                draft.birth_date.isoformat(),
                draft.iin,
                draft.phone,
                json.dumps(list(draft.precincts)),
                json.dumps(list(draft.days)),
                json.dumps(list(draft.bands)),
                draft.note,
                language,
                consent_version,
                to_db(now),
                to_db(now),
            ),
        )
        helper_id = int(cur.lastrowid or 0)
        await conn.executemany(
            "INSERT OR IGNORE INTO helper_precincts (precinct_id, helper_id) VALUES (?, ?)",
            [(precinct, helper_id) for precinct in draft.precincts],
        )
        return helper_id

    async def get(self, conn: aiosqlite.Connection, helper_id: int) -> dict[str, Any] | None:
        cur = await conn.execute("SELECT * FROM helpers WHERE id = ?", (helper_id,))
        row = await cur.fetchone()
        return dict(row) if row else None

    async def latest_of(self, conn: aiosqlite.Connection, user_id: int) -> dict[str, Any] | None:
        cur = await conn.execute(
            "SELECT * FROM helpers WHERE user_id = ? ORDER BY id DESC LIMIT 1", (user_id,)
        )
        row = await cur.fetchone()
        return dict(row) if row else None

    async def change_status(
        self,
        conn: aiosqlite.Connection,
        helper_id: int,
        expected: str,
        status: str,
        now: datetime,
        *,
        registration: tuple[str, str] | None = None,
    ) -> bool:
        """Compare-and-set: False if someone changed it meanwhile."""
        sql = "UPDATE helpers SET status = ?, updated_at = ?"
        args: list[Any] = [status, to_db(now)]
        if registration is not None:
            sql += ", registration_number = ?, registration_date = ?"
            args += list(registration)
        cur = await conn.execute(sql + " WHERE id = ? AND status = ?", (*args, helper_id, expected))
        return cur.rowcount == 1

    async def add_event(
        self,
        conn: aiosqlite.Connection,
        helper_id: int,
        *,
        actor: str,
        actor_id: int | None,
        actor_name: str | None,
        action: str,
        from_status: str | None,
        to_status: str | None,
        note: str | None,
        now: datetime,
    ) -> None:
        await conn.execute(
            "INSERT INTO helper_events (helper_id, at, actor, actor_id, actor_name, action,"
            " from_status, to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (helper_id, to_db(now), actor, actor_id, actor_name, action, from_status,
             to_status, note),
        )  # fmt: skip

    async def history(self, conn: aiosqlite.Connection, helper_id: int) -> list[dict[str, Any]]:
        cur = await conn.execute(
            "SELECT * FROM helper_events WHERE helper_id = ? ORDER BY id", (helper_id,)
        )
        return [dict(row) for row in await cur.fetchall()]

    async def set_thread(self, conn: aiosqlite.Connection, helper_id: int, thread: int) -> None:
        await conn.execute(
            "UPDATE helpers SET staff_thread_id = ? WHERE id = ?", (thread, helper_id)
        )

    async def set_availability(
        self,
        conn: aiosqlite.Connection,
        helper_id: int,
        days: list[int],
        bands: list[str],
        now: datetime,
    ) -> None:
        await conn.execute(
            "UPDATE helpers SET days = ?, bands = ?, updated_at = ? WHERE id = ?",
            (json.dumps(days), json.dumps(bands), to_db(now), helper_id),
        )

    async def counts(self, conn: aiosqlite.Connection) -> list[tuple[str, str, int]]:
        """(precinct id, status, helpers) for every precinct that has any."""
        cur = await conn.execute(
            "SELECT hp.precinct_id, h.status, COUNT(*) FROM helper_precincts hp"
            " JOIN helpers h ON h.id = hp.helper_id GROUP BY hp.precinct_id, h.status"
        )
        return [(str(row[0]), str(row[1]), int(row[2])) for row in await cur.fetchall()]

    async def total(self, conn: aiosqlite.Connection, status: str | None) -> int:
        cur = await conn.execute(
            "SELECT COUNT(*) FROM helpers WHERE ?1 IS NULL OR status = ?1", (status,)
        )
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def find(
        self,
        conn: aiosqlite.Connection,
        status: str | None,
        precinct: str | None,
        limit: int,
    ) -> tuple[list[dict[str, Any]], int]:
        """Helpers with `status` (any if None) serving in `precinct` (any if None), newest
        first, at most `limit`, and how many there are in all."""
        where = "(?1 IS NULL OR h.status = ?1)"
        if precinct is None:
            source = "helpers h"
            args: tuple[Any, ...] = (status,)
        else:
            source = "helper_precincts hp JOIN helpers h ON h.id = hp.helper_id"
            where += " AND hp.precinct_id = ?2"
            args = (status, precinct)
        cur = await conn.execute(f"SELECT COUNT(*) FROM {source} WHERE {where}", args)
        row = await cur.fetchone()
        total = int(row[0]) if row else 0
        cur = await conn.execute(
            f"SELECT h.* FROM {source} WHERE {where} ORDER BY h.id DESC LIMIT {int(limit)}", args
        )
        return [dict(row) for row in await cur.fetchall()], total
