"""The inbox of updates and the updates whose handling failed."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.storage.repositories._rows import to_db

#: updates stored by one statement (three values each, far below SQLite's 32,766)
RECEIVE_CHUNK = 500


class FailedUpdateRepository:
    """failed_updates: what a user sent when handling it failed."""

    async def record(
        self,
        conn: aiosqlite.Connection,
        *,
        update_id: int,
        user_id: int | None,
        chat_id: int | None,
        payload: dict[str, Any],
        error: str,
        now: datetime,
    ) -> int:
        cur = await conn.execute(
            "INSERT INTO failed_updates (update_id, user_id, chat_id, payload, error, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                update_id,
                user_id,
                chat_id,
                json.dumps(payload, ensure_ascii=False),
                error,
                to_db(now),
            ),
        )
        return int(cur.lastrowid or 0)

    async def purge(self, conn: aiosqlite.Connection, cutoff: datetime) -> int:
        cur = await conn.execute(
            "DELETE FROM failed_updates WHERE created_at < ?", (to_db(cutoff),)
        )
        return cur.rowcount

    async def open_count(self, conn: aiosqlite.Connection) -> int:
        cur = await conn.execute("SELECT count(*) FROM failed_updates WHERE resolved_at IS NULL")
        row = await cur.fetchone()
        return int(row[0]) if row else 0


class InboxRepository:
    """inbox: updates from their arrival until they are handled."""

    async def receive(
        self, conn: aiosqlite.Connection, updates: list[tuple[int, str]], now: datetime
    ) -> set[int]:
        """Store what is new; return the ids already here (sent again by Telegram). One
        statement per `RECEIVE_CHUNK` updates (a batch from Telegram holds at most 100): the
        rows it inserts come back, so what it skipped was here already."""
        known: set[int] = set()
        stamp = to_db(now)
        for start in range(0, len(updates), RECEIVE_CHUNK):
            chunk = updates[start : start + RECEIVE_CHUNK]
            rows = ",".join("(?, ?, ?)" for _ in chunk)
            cur = await conn.execute(
                f"INSERT INTO inbox (update_id, body, received_at) VALUES {rows}"
                " ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
                [value for update_id, body in chunk for value in (update_id, body, stamp)],
            )
            new = {int(row[0]) for row in await cur.fetchall()}
            known.update(update_id for update_id, _ in chunk if update_id not in new)
        return known

    async def handled(self, conn: aiosqlite.Connection, ids: list[int], now: datetime) -> None:
        await conn.executemany(
            "UPDATE inbox SET handled_at = ?, body = '' WHERE update_id = ? AND handled_at IS NULL",
            [(to_db(now), update_id) for update_id in ids],
        )

    async def waiting(self, conn: aiosqlite.Connection) -> list[tuple[int, str, int]]:
        """Updates received and not handled (the process died first), oldest first."""
        cur = await conn.execute(
            "SELECT update_id, body, attempts FROM inbox WHERE handled_at IS NULL"
            " ORDER BY update_id"
        )
        return [(int(r[0]), str(r[1]), int(r[2])) for r in await cur.fetchall()]

    async def attempt(self, conn: aiosqlite.Connection, update_id: int) -> None:
        await conn.execute(
            "UPDATE inbox SET attempts = attempts + 1 WHERE update_id = ?", (update_id,)
        )

    async def purge(self, conn: aiosqlite.Connection, cutoff: datetime) -> int:
        cur = await conn.execute(
            "DELETE FROM inbox WHERE received_at < ? AND handled_at IS NOT NULL", (to_db(cutoff),)
        )
        return cur.rowcount
