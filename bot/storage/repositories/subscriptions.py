"""Following an area, and the priorities each precinct publishes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import aiosqlite

from bot.domain.users import CONSENT_VERSION
from bot.storage.repositories._rows import to_db


class SubscriptionRepository:
    """subscriptions: who opted in to hear about which area, and what about."""

    KINDS = ("surveys", "priorities", "alerts")

    async def add(
        self, conn: aiosqlite.Connection, user_id: int, precinct_id: str, now: datetime
    ) -> bool:
        """False if the person follows that area already."""
        cur = await conn.execute(
            "INSERT OR IGNORE INTO subscriptions (user_id, precinct_id, created_at)"
            " VALUES (?, ?, ?)",
            (user_id, precinct_id, to_db(now)),
        )
        return cur.rowcount == 1

    async def of_user(self, conn: aiosqlite.Connection, user_id: int) -> list[dict[str, Any]]:
        cur = await conn.execute(
            "SELECT * FROM subscriptions WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [dict(row) for row in await cur.fetchall()]

    #: the only column names the switches may name (never text from a button)
    _SET: ClassVar[dict[str, str]] = {
        kind: f"UPDATE subscriptions SET {kind} = ? WHERE id = ? AND user_id = ?" for kind in KINDS
    }

    async def switch(
        self,
        conn: aiosqlite.Connection,
        user_id: int,
        subscription_id: int,
        kind: str,
        on: bool,
    ) -> bool:
        """Set one kind on or off (a double tap sets it again, never back)."""
        sql = self._SET.get(kind)
        if sql is None:
            return False
        cur = await conn.execute(sql, (int(on), subscription_id, user_id))
        return cur.rowcount == 1

    async def remove(self, conn: aiosqlite.Connection, user_id: int, subscription_id: int) -> bool:
        cur = await conn.execute(
            "DELETE FROM subscriptions WHERE id = ? AND user_id = ?", (subscription_id, user_id)
        )
        return cur.rowcount == 1

    async def remove_all(self, conn: aiosqlite.Connection, user_id: int) -> int:
        cur = await conn.execute("DELETE FROM subscriptions WHERE user_id = ?", (user_id,))
        return cur.rowcount

    async def listeners(
        self, conn: aiosqlite.Connection, precinct_id: str, kind: str
    ) -> list[dict[str, Any]]:
        """Reachable residents who follow this area for `kind`, with their language."""
        assert kind in self.KINDS
        cur = await conn.execute(
            "SELECT s.user_id, u.language FROM subscriptions s JOIN users u ON u.id = s.user_id"
            f" WHERE s.precinct_id = ? AND s.{kind} = 1 AND u.blocked_bot = 0 AND u.banned = 0"
            " AND u.consent_version = ?"  # consent to the current text: a new one asks again
            " ORDER BY s.user_id",
            (precinct_id, CONSENT_VERSION),
        )
        return [dict(row) for row in await cur.fetchall()]


class PriorityRepository:
    """local_priorities: what each precinct's police work on, as they publish it."""

    async def add(
        self,
        conn: aiosqlite.Connection,
        precinct_id: str,
        text_kk: str,
        text_ru: str,
        since: str,
        by_id: int,
        by_name: str | None,
        now: datetime,
    ) -> int:
        cur = await conn.execute(
            "INSERT INTO local_priorities (precinct_id, text_kk, text_ru, since, by_id, by_name,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (precinct_id, text_kk, text_ru, since, by_id, by_name, to_db(now)),
        )
        return int(cur.lastrowid or 0)

    async def remove(
        self, conn: aiosqlite.Connection, priority_id: int, now: datetime
    ) -> dict[str, Any] | None:
        cur = await conn.execute(
            "SELECT * FROM local_priorities WHERE id = ? AND removed_at IS NULL", (priority_id,)
        )
        row = await cur.fetchone()
        if row is None:
            return None
        await conn.execute(
            "UPDATE local_priorities SET removed_at = ? WHERE id = ?", (to_db(now), priority_id)
        )
        return dict(row)

    async def current(
        self, conn: aiosqlite.Connection, precinct_id: str | None = None
    ) -> list[dict[str, Any]]:
        cur = await conn.execute(
            "SELECT * FROM local_priorities WHERE removed_at IS NULL"
            " AND (? IS NULL OR precinct_id = ?) ORDER BY precinct_id, id DESC",
            (precinct_id, precinct_id),
        )
        return [dict(row) for row in await cur.fetchall()]
