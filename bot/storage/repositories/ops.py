"""Whom to tell when the bot cannot do its work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.storage.repositories._rows import from_db, to_db


class OpsRepository:
    """staff_admins and ops_alerts: whom to tell when the bot cannot do its work."""

    async def set_admins(
        self,
        conn: aiosqlite.Connection,
        chat_id: int,
        admins: list[tuple[int, str]],
        now: datetime,
    ) -> None:
        await conn.execute("DELETE FROM staff_admins WHERE chat_id = ?", (chat_id,))
        await conn.executemany(
            "INSERT INTO staff_admins (chat_id, user_id, name, seen_at) VALUES (?, ?, ?, ?)",
            [(chat_id, user_id, name, to_db(now)) for user_id, name in admins],
        )

    async def admins(self, conn: aiosqlite.Connection, chat_id: int) -> list[dict[str, Any]]:
        """The group's administrators as last seen, with their language if they use the bot
        (None: they never wrote to it, Telegram would refuse a private message)."""
        cur = await conn.execute(
            "SELECT a.user_id, a.name, u.language, u.blocked_bot FROM staff_admins a"
            " LEFT JOIN users u ON u.id = a.user_id WHERE a.chat_id = ? ORDER BY a.user_id",
            (chat_id,),
        )
        return [dict(row) for row in await cur.fetchall()]

    async def raise_alert(
        self, conn: aiosqlite.Connection, kind: str, detail: str, now: datetime
    ) -> bool:
        """False if this alert is raised already (one per episode)."""
        cur = await conn.execute(
            "INSERT INTO ops_alerts (kind, raised_at, detail) VALUES (?, ?, ?)"
            " ON CONFLICT (kind) DO NOTHING",
            (kind, to_db(now), detail),
        )
        return cur.rowcount == 1

    async def clear_alert(self, conn: aiosqlite.Connection, kind: str) -> bool:
        cur = await conn.execute("DELETE FROM ops_alerts WHERE kind = ?", (kind,))
        return cur.rowcount == 1

    async def oldest_waiting(self, conn: aiosqlite.Connection) -> datetime | None:
        """When the oldest unsent row someone waits for (not bulk) was written; None if none."""
        cur = await conn.execute(
            "SELECT created_at FROM outbox WHERE state = 'pending' AND priority = 0"
            " ORDER BY priority, id LIMIT 1"
        )
        row = await cur.fetchone()
        return from_db(row[0]) if row else None


class BotProfileRepository:
    """bot_profile: the digest of each profile call Telegram accepted, per bot."""

    async def digests(self, conn: aiosqlite.Connection, bot_id: int) -> dict[str, str]:
        cur = await conn.execute("SELECT call, digest FROM bot_profile WHERE bot_id = ?", (bot_id,))
        return {str(row[0]): str(row[1]) for row in await cur.fetchall()}

    async def remember(
        self, conn: aiosqlite.Connection, bot_id: int, call: str, digest: str, now: datetime
    ) -> None:
        await conn.execute(
            "INSERT INTO bot_profile (bot_id, call, digest, set_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (bot_id, call) DO UPDATE SET digest = excluded.digest,"
            " set_at = excluded.set_at",
            (bot_id, call, digest, to_db(now)),
        )
