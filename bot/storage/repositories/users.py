"""users and consent_events, conversation state, chat migrations."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.users import User
from bot.storage.repositories._rows import from_db, to_db


def _user(row: aiosqlite.Row) -> User:
    return User(
        id=row["id"],
        language=row["language"],
        language_chosen=bool(row["language_chosen"]),
        first_seen=datetime.fromisoformat(row["first_seen"]),
        last_seen=datetime.fromisoformat(row["last_seen"]),
        blocked_bot=bool(row["blocked_bot"]),
        banned=bool(row["banned"]),
        consent_version=row["consent_version"],
        consent_at=from_db(row["consent_at"]),
        consent_declined_version=row["consent_declined_version"],
    )


class UserRepository:
    """users and consent_events."""

    async def get(self, conn: aiosqlite.Connection, user_id: int) -> User | None:
        rows = await conn.execute_fetchall("SELECT * FROM users WHERE id = ?", (user_id,))
        return _user(next(iter(rows))) if rows else None

    async def insert(
        self, conn: aiosqlite.Connection, user_id: int, language: str, now: datetime
    ) -> User:
        await conn.execute(
            "INSERT INTO users (id, language, first_seen, last_seen) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            (user_id, language, to_db(now), to_db(now)),
        )
        user = await self.get(conn, user_id)
        assert user is not None
        return user

    async def touch(self, conn: aiosqlite.Connection, user_id: int, now: datetime) -> None:
        """The user wrote to us: they are reachable again."""
        await conn.execute(
            "UPDATE users SET last_seen = ?, blocked_bot = 0, blocked_at = NULL WHERE id = ?",
            (to_db(now), user_id),
        )

    async def set_language(self, conn: aiosqlite.Connection, user_id: int, language: str) -> None:
        await conn.execute(
            "UPDATE users SET language = ?, language_chosen = 1 WHERE id = ?", (language, user_id)
        )

    async def set_blocked(
        self, conn: aiosqlite.Connection, user_id: int, blocked: bool, now: datetime
    ) -> None:
        await conn.execute(
            "UPDATE users SET blocked_bot = ?, blocked_at = ? WHERE id = ?",
            (int(blocked), to_db(now) if blocked else None, user_id),
        )

    async def set_consent(
        self, conn: aiosqlite.Connection, user_id: int, version: str | None, now: datetime
    ) -> None:
        await conn.execute(
            "UPDATE users SET consent_version = ?, consent_at = ? WHERE id = ?",
            (version, to_db(now) if version else None, user_id),
        )

    async def set_consent_declined(
        self, conn: aiosqlite.Connection, user_id: int, version: str
    ) -> None:
        await conn.execute(
            "UPDATE users SET consent_declined_version = ? WHERE id = ?", (version, user_id)
        )

    async def log_consent(
        self, conn: aiosqlite.Connection, user_id: int, version: str, action: str, now: datetime
    ) -> None:
        await conn.execute(
            "INSERT INTO consent_events (user_id, version, action, at) VALUES (?, ?, ?, ?)",
            (user_id, version, action, to_db(now)),
        )

    async def consent_history(self, conn: aiosqlite.Connection, user_id: int) -> list[str]:
        cur = await conn.execute(
            "SELECT action FROM consent_events WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [row["action"] for row in await cur.fetchall()]


class FsmRepository:
    """fsm_states: aiogram's conversation state as JSON."""

    async def get(self, conn: aiosqlite.Connection, key: str) -> tuple[str | None, dict[str, Any]]:
        cur = await conn.execute("SELECT state, data FROM fsm_states WHERE key = ?", (key,))
        row = await cur.fetchone()
        if row is None:
            return None, {}
        return row["state"], json.loads(row["data"])

    async def put(
        self, conn: aiosqlite.Connection, key: str, state: str | None, data: str, now: datetime
    ) -> None:
        """One statement: the conversation as it is now (none at all: no row)."""
        if state is None and data == "{}":
            await conn.execute("DELETE FROM fsm_states WHERE key = ?", (key,))
            return
        await conn.execute(
            "INSERT INTO fsm_states (key, state, data, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET state = excluded.state, data = excluded.data,"
            " updated_at = excluded.updated_at",
            (key, state, data, to_db(now)),
        )

    async def forget_stale(
        self, conn: aiosqlite.Connection, state_prefix: str, before: datetime
    ) -> int:
        """Drop conversations in a group of states untouched since `before` (drafts that hold
        personal data are not kept for ever)."""
        cur = await conn.execute(
            "DELETE FROM fsm_states WHERE state LIKE ? AND updated_at < ?",
            (state_prefix + ":%", to_db(before)),
        )
        return cur.rowcount


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
