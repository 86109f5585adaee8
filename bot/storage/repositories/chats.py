"""Chats: groups Telegram upgraded to supergroups."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.storage.repositories._rows import to_db


class ChatRepository:
    """chat_migrations: groups Telegram upgraded to supergroups."""

    async def record_migration(
        self, conn: aiosqlite.Connection, old_id: int, new_id: int, now: datetime
    ) -> None:
        await conn.execute(
            "INSERT INTO chat_migrations (old_chat_id, new_chat_id, migrated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (old_chat_id) DO UPDATE SET new_chat_id = excluded.new_chat_id,"
            " migrated_at = excluded.migrated_at",
            (old_id, new_id, to_db(now)),
        )

    async def resolve(self, conn: aiosqlite.Connection, chat_id: int) -> int:
        """Follow migrations (a chain, at most a few hops) to the chat's current id."""
        seen = {chat_id}
        while True:
            cur = await conn.execute(
                "SELECT new_chat_id FROM chat_migrations WHERE old_chat_id = ?", (chat_id,)
            )
            row = await cur.fetchone()
            if row is None or row["new_chat_id"] in seen:
                return chat_id
            chat_id = row["new_chat_id"]
            seen.add(chat_id)
