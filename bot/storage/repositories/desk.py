"""The staff desk: bans, the staff audit, reply templates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.reports import FoundReport
from bot.storage.repositories._rows import to_db
from bot.storage.repositories.reports import stored_status


class ModerationRepository:
    """bans and staff_audit."""

    async def ban(
        self,
        conn: aiosqlite.Connection,
        user_id: int,
        report_id: int,
        reason: str,
        by_id: int,
        by_name: str | None,
        now: datetime,
    ) -> int | None:
        """A ban in force, made on a report; None if that report has one already."""
        cur = await conn.execute(
            "INSERT INTO bans (user_id, report_id, reason, by_id, by_name, at)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (report_id) WHERE lifted_at IS NULL DO NOTHING",
            (user_id, report_id, reason, by_id, by_name, to_db(now)),
        )
        if cur.rowcount != 1:
            return None
        await conn.execute("UPDATE users SET banned = 1 WHERE id = ?", (user_id,))
        return int(cur.lastrowid or 0)

    async def lift(
        self,
        conn: aiosqlite.Connection,
        report_id: int,
        by_id: int,
        by_name: str | None,
        now: datetime,
    ) -> dict[str, Any] | None:
        """Lift the ban made on this report; the person stays banned while another ban of
        theirs is in force. Returns the ban, or None if there was none."""
        cur = await conn.execute(
            "SELECT * FROM bans WHERE report_id = ? AND lifted_at IS NULL", (report_id,)
        )
        row = await cur.fetchone()
        if row is None:
            return None
        await conn.execute(
            "UPDATE bans SET lifted_at = ?, lifted_by = ?, lifted_by_name = ? WHERE id = ?",
            (to_db(now), by_id, by_name, row["id"]),
        )
        await conn.execute(
            "UPDATE users SET banned = EXISTS (SELECT 1 FROM bans WHERE user_id = ?"
            " AND lifted_at IS NULL) WHERE id = ?",
            (row["user_id"], row["user_id"]),
        )
        return dict(row)

    async def in_force(self, conn: aiosqlite.Connection, limit: int) -> list[dict[str, Any]]:
        cur = await conn.execute(
            "SELECT * FROM bans WHERE lifted_at IS NULL ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [dict(row) for row in await cur.fetchall()]

    async def audit(
        self,
        conn: aiosqlite.Connection,
        actor_id: int | None,
        actor_name: str | None,
        chat_id: int | None,
        action: str,
        subject: str | None,
        detail: str | None,
        now: datetime,
    ) -> None:
        await conn.execute(
            "INSERT INTO staff_audit (at, actor_id, actor_name, chat_id, action, subject, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (to_db(now), actor_id, actor_name, chat_id, action, subject, detail),
        )

    async def audit_of(self, conn: aiosqlite.Connection, subject: str) -> list[dict[str, Any]]:
        cur = await conn.execute(
            "SELECT * FROM staff_audit WHERE subject = ? ORDER BY id", (subject,)
        )
        return [dict(row) for row in await cur.fetchall()]

    async def find_reports(
        self, conn: aiosqlite.Connection, phone: str | None, username: str | None, limit: int
    ) -> list[FoundReport]:
        """Reports of a named reporter by phone or username: anonymous ones never match."""
        if phone is not None:
            cur = await conn.execute(
                "SELECT id, status, referred_to, category, created_at, reporter_name FROM reports"
                " WHERE anonymous = 0 AND phone = ? ORDER BY id DESC LIMIT ?",
                (phone, limit),
            )
        else:
            cur = await conn.execute(
                "SELECT id, status, referred_to, category, created_at, reporter_name FROM reports"
                " WHERE anonymous = 0 AND reporter_username = ? COLLATE NOCASE"
                " ORDER BY id DESC LIMIT ?",
                (username, limit),
            )
        return [
            FoundReport(
                id=int(row["id"]),
                status=stored_status(row["status"], row["referred_to"]),
                category=row["category"],
                created_at=datetime.fromisoformat(row["created_at"]),
                reporter_name=row["reporter_name"],
            )
            for row in await cur.fetchall()
        ]


class TemplateRepository:
    """reply_templates."""

    async def add(
        self,
        conn: aiosqlite.Connection,
        category: str | None,
        title: str,
        text_kk: str,
        text_ru: str,
        by_id: int,
        now: datetime,
    ) -> int:
        cur = await conn.execute(
            "INSERT INTO reply_templates (category, title, text_kk, text_ru, created_by,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (category, title, text_kk, text_ru, by_id, to_db(now)),
        )
        return int(cur.lastrowid or 0)

    async def remove(self, conn: aiosqlite.Connection, template_id: int, now: datetime) -> bool:
        cur = await conn.execute(
            "UPDATE reply_templates SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
            (to_db(now), template_id),
        )
        return cur.rowcount == 1

    async def active(
        self, conn: aiosqlite.Connection, category: str | None = None
    ) -> list[dict[str, Any]]:
        """Templates in use: all of them, or those for `category` and for any category."""
        if category is None:
            cur = await conn.execute(
                "SELECT * FROM reply_templates WHERE removed_at IS NULL ORDER BY category, id"
            )
        else:
            cur = await conn.execute(
                "SELECT * FROM reply_templates WHERE removed_at IS NULL"
                " AND (category = ? OR category IS NULL) ORDER BY category IS NULL, id",
                (category,),
            )
        return [dict(row) for row in await cur.fetchall()]

    async def get(self, conn: aiosqlite.Connection, template_id: int) -> dict[str, Any] | None:
        cur = await conn.execute(
            "SELECT * FROM reply_templates WHERE id = ? AND removed_at IS NULL", (template_id,)
        )
        row = await cur.fetchone()
        return dict(row) if row else None
