"""The outbox: messages owed to Telegram."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.outbox import NewMessage, OutgoingMessage
from bot.domain.refs import Ref
from bot.storage.repositories._rows import from_db, to_db


def _outgoing(row: aiosqlite.Row) -> OutgoingMessage:
    return OutgoingMessage(
        id=row["id"],
        chat_id=row["chat_id"],
        method=row["method"],
        payload=json.loads(row["payload"]),
        attempts=row["attempts"],
        created_at=datetime.fromisoformat(row["created_at"]),
        # a ref from a newer release reads as None: the row is still delivered
        ref=Ref.of(row["ref"]),
        priority=row["priority"],
    )


class OutboxRepository:
    """outbox: messages owed to Telegram, in order per chat."""

    async def add(self, conn: aiosqlite.Connection, message: NewMessage, now: datetime) -> int:
        cur = await conn.execute(
            "INSERT INTO outbox (chat_id, method, payload, not_before, created_at, ref, priority)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                message.chat_id,
                message.method,
                json.dumps(message.payload, ensure_ascii=False, separators=(",", ":")),
                to_db(now),
                to_db(now),
                str(message.ref) if message.ref is not None else None,
                message.priority,
            ),
        )
        return int(cur.lastrowid or 0)

    async def drop_pending(self, conn: aiosqlite.Connection, ref: Ref) -> int:
        """Rows not sent yet that are no longer needed (an offer for a duty now full): settled
        without a send. A row already in flight goes out; its sender fixes it afterwards."""
        cur = await conn.execute(
            "UPDATE outbox SET state = 'done', last_error = 'not needed any more'"
            " WHERE ref = ? AND state = 'pending'",
            (str(ref),),
        )
        return cur.rowcount

    async def ever(self, conn: aiosqlite.Connection, ref: Ref) -> bool:
        """Whether a message with this reference was ever written (sent or not)."""
        cur = await conn.execute("SELECT 1 FROM outbox WHERE ref = ? LIMIT 1", (str(ref),))
        return await cur.fetchone() is not None

    async def has_pending(self, conn: aiosqlite.Connection, ref: Ref) -> bool:
        cur = await conn.execute(
            "SELECT 1 FROM outbox WHERE ref = ? AND state = 'pending' LIMIT 1", (str(ref),)
        )
        return await cur.fetchone() is not None

    async def sent_to_groups_since(
        self, conn: aiosqlite.Connection, since: datetime
    ) -> list[tuple[int, datetime]]:
        """(chat, when) of every message sent to a group since then, oldest first."""
        cur = await conn.execute(
            "SELECT chat_id, sent_at FROM outbox WHERE chat_id < 0 AND sent_at >= ?"
            " ORDER BY sent_at",
            (to_db(since),),
        )
        found = []
        for chat_id, sent_at in await cur.fetchall():
            when = from_db(sent_at)
            if when is not None:
                found.append((int(chat_id), when))
        return found

    async def release_in_flight(self, conn: aiosqlite.Connection) -> int:
        """At start-up: rows that were being sent when the process stopped go out again."""
        cur = await conn.execute("UPDATE outbox SET state = 'pending' WHERE state = 'in_flight'")
        return cur.rowcount

    async def claim(
        self, conn: aiosqlite.Connection, now: datetime, limit: int
    ) -> list[OutgoingMessage]:
        """The oldest due row of each chat whose earlier rows are all settled; marks them
        in flight (so a chat never has two messages on the way and order holds). What people
        wait for goes before bulk rows (priority 1), whatever their age. One statement (the
        rows are chosen before any is marked), so it needs no transaction around it."""
        rows = await conn.execute_fetchall(
            "UPDATE outbox SET state = 'in_flight', attempts = attempts + 1"
            " WHERE id IN (SELECT o.id FROM outbox o"
            "   WHERE o.state = 'pending' AND o.not_before <= ?"
            "   AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.chat_id = o.chat_id"
            "     AND p.id < o.id AND p.state IN ('pending', 'in_flight'))"
            "   AND NOT EXISTS (SELECT 1 FROM outbox f WHERE f.chat_id = o.chat_id"
            "     AND f.state = 'in_flight')"
            "   ORDER BY o.priority, o.id LIMIT ?)"
            " RETURNING *",
            (to_db(now), limit),
        )
        return sorted((_outgoing(row) for row in rows), key=lambda m: (m.priority, m.id))

    async def mark_sent(
        self, conn: aiosqlite.Connection, row_id: int, message_id: int | None, now: datetime
    ) -> None:
        await conn.execute(
            "UPDATE outbox SET state = 'done', sent_at = ?, telegram_message_id = ?,"
            " last_error = NULL WHERE id = ?",
            (to_db(now), message_id, row_id),
        )

    async def reschedule(
        self, conn: aiosqlite.Connection, row_id: int, not_before: datetime, error: str
    ) -> None:
        await conn.execute(
            "UPDATE outbox SET state = 'pending', not_before = ?, last_error = ? WHERE id = ?",
            (to_db(not_before), error[:1000], row_id),
        )

    async def redirect(
        self,
        conn: aiosqlite.Connection,
        row_id: int,
        payload: dict[str, Any],
        not_before: datetime,
        error: str,
    ) -> None:
        """Send the row again with a changed payload (a forum topic that is gone)."""
        await conn.execute(
            "UPDATE outbox SET state = 'pending', payload = ?, not_before = ?, last_error = ?"
            " WHERE id = ?",
            (
                json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
                to_db(not_before),
                error[:1000],
                row_id,
            ),
        )

    async def mark_failed(self, conn: aiosqlite.Connection, row_id: int, error: str) -> None:
        await conn.execute(
            "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?",
            (error[:1000], row_id),
        )

    async def move_chat(self, conn: aiosqlite.Connection, old_id: int, new_id: int) -> int:
        cur = await conn.execute(
            "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND state IN ('pending', 'in_flight')",
            (new_id, old_id),
        )
        return cur.rowcount

    async def next_due(self, conn: aiosqlite.Connection) -> datetime | None:
        """When a row `claim` could take falls due: each chat's first open row, in a chat
        with nothing on its way (a row behind a backed-off one is due when that one is)."""
        cur = await conn.execute(
            "SELECT min(o.not_before) FROM outbox o WHERE o.state = 'pending'"
            " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.chat_id = o.chat_id"
            "   AND p.id < o.id AND p.state IN ('pending', 'in_flight'))"
            " AND NOT EXISTS (SELECT 1 FROM outbox f WHERE f.chat_id = o.chat_id"
            "   AND f.state = 'in_flight')"
        )
        row = await cur.fetchone()
        return from_db(row[0]) if row and row[0] else None

    async def counts(self, conn: aiosqlite.Connection) -> dict[str, int]:
        cur = await conn.execute("SELECT state, count(*) FROM outbox GROUP BY state")
        return {row[0]: row[1] for row in await cur.fetchall()}

    async def sent_to(self, conn: aiosqlite.Connection, ref: Ref) -> tuple[int, int] | None:
        """Where the message with this reference landed: (chat, message id)."""
        cur = await conn.execute(
            "SELECT chat_id, telegram_message_id FROM outbox WHERE ref = ? AND state = 'done'"
            " AND telegram_message_id IS NOT NULL ORDER BY id DESC LIMIT 1",
            (str(ref),),
        )
        row = await cur.fetchone()
        return (int(row[0]), int(row[1])) if row else None

    async def sent_message_id(self, conn: aiosqlite.Connection, ref: Ref) -> int | None:
        cur = await conn.execute(
            "SELECT telegram_message_id FROM outbox WHERE ref = ? AND state = 'done'"
            " ORDER BY id DESC LIMIT 1",
            (str(ref),),
        )
        row = await cur.fetchone()
        return row[0] if row else None
