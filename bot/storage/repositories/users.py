"""Users and their consent."""

from __future__ import annotations

from datetime import datetime

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
