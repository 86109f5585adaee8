"""The inbox of updates and the updates whose handling failed."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.storage.repositories._rows import to_db


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
        """Store what is new; return the ids already here (sent again by Telegram)."""
        ids = [update_id for update_id, _ in updates]
        known: set[int] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            cur = await conn.execute(
                f"SELECT update_id FROM inbox WHERE update_id IN ({marks})",
                chunk,
            )
            known.update(int(row[0]) for row in await cur.fetchall())
        await conn.executemany(
            "INSERT OR IGNORE INTO inbox (update_id, body, received_at) VALUES (?, ?, ?)",
            [(update_id, body, to_db(now)) for update_id, body in updates],
        )
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
