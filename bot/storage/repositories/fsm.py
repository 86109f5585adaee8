"""Conversation state: aiogram's FSM data, kept as JSON."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.storage.repositories._rows import to_db


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
