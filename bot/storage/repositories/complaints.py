"""complaints: residents' complaints about police conduct (never reports)."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from bot.domain.complaints import Complaint, ComplaintStatus
from bot.storage.repositories._rows import from_db, to_db


def _complaint(row: aiosqlite.Row) -> Complaint:
    created = from_db(row["created_at"])
    assert created is not None
    return Complaint(
        id=row["id"],
        user_id=row["user_id"],
        language=row["language"],
        name=row["name"],
        description=row["description"],
        status=ComplaintStatus(row["status"]),
        created_at=created,
        due_on=date.fromisoformat(row["due_on"]),
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        handler_id=row["handler_id"],
        handler_name=row["handler_name"],
        answer=row["answer"],
        answered_at=from_db(row["answered_at"]),
        answer_days=row["answer_days"],
        late_days=row["late_days"],
        overdue_at=from_db(row["overdue_at"]),
    )


class ComplaintRepository:
    async def insert(
        self,
        conn: aiosqlite.Connection,
        *,
        key: str,
        user_id: int,
        language: str,
        name: str | None,
        description: str,
        due_on: date,
        chat_id: int,
        now: datetime,
    ) -> int | None:
        """The new complaint's number; None if this key was filed already."""
        cur = await conn.execute(
            "INSERT INTO complaints (key, user_id, language, name, description, created_at,"
            " due_on, chat_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (key) DO NOTHING RETURNING id",
            (key, user_id, language, name, description, to_db(now), due_on.isoformat(),
             chat_id, to_db(now)),
        )  # fmt: skip
        row = await cur.fetchone()
        return int(row[0]) if row else None

    async def get(self, conn: aiosqlite.Connection, complaint_id: int) -> Complaint | None:
        cur = await conn.execute("SELECT * FROM complaints WHERE id = ?", (complaint_id,))
        row = await cur.fetchone()
        return _complaint(row) if row else None

    async def of_user(self, conn: aiosqlite.Connection, user_id: int) -> list[Complaint]:
        cur = await conn.execute(
            "SELECT * FROM complaints WHERE user_id = ? ORDER BY id DESC LIMIT 10", (user_id,)
        )
        return [_complaint(row) for row in await cur.fetchall()]

    async def posted(
        self, conn: aiosqlite.Connection, complaint_id: int, message_id: int, now: datetime
    ) -> None:
        await conn.execute(
            "UPDATE complaints SET message_id = ?, updated_at = ? WHERE id = ?",
            (message_id, to_db(now), complaint_id),
        )

    async def take(
        self,
        conn: aiosqlite.Connection,
        complaint_id: int,
        handler_id: int,
        handler_name: str,
        now: datetime,
    ) -> bool:
        """New → taken by this supervisor (compare-and-set: one of two presses wins)."""
        cur = await conn.execute(
            "UPDATE complaints SET status = 'taken', handler_id = ?, handler_name = ?,"
            " updated_at = ? WHERE id = ? AND status = 'new'",
            (handler_id, handler_name, to_db(now), complaint_id),
        )
        return cur.rowcount == 1

    async def answer(
        self,
        conn: aiosqlite.Connection,
        complaint_id: int,
        *,
        handler_id: int,
        handler_name: str,
        text: str,
        days: int,
        late: int,
        now: datetime,
    ) -> bool:
        """Open → answered (compare-and-set: an answer given twice is recorded once)."""
        cur = await conn.execute(
            "UPDATE complaints SET status = 'answered', answer = ?, answered_at = ?,"
            " answer_days = ?, late_days = ?, handler_id = coalesce(handler_id, ?),"
            " handler_name = coalesce(handler_name, ?), updated_at = ?"
            " WHERE id = ? AND status IN ('new', 'taken')",
            (text, to_db(now), days, late, handler_id, handler_name, to_db(now), complaint_id),
        )
        return cur.rowcount == 1

    async def flag_overdue(
        self, conn: aiosqlite.Connection, complaint_id: int, now: datetime
    ) -> bool:
        """Flag an open complaint overdue, once."""
        cur = await conn.execute(
            "UPDATE complaints SET overdue_at = ?, updated_at = ?"
            " WHERE id = ? AND status IN ('new', 'taken') AND overdue_at IS NULL",
            (to_db(now), to_db(now), complaint_id),
        )
        return cur.rowcount == 1
