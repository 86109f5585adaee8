"""The outside bodies reports are referred to, and the referrals made."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from bot.domain.referrals import Body, Contact, Referral, ReferralState
from bot.storage.repositories._rows import to_db


def _body(row: aiosqlite.Row) -> Body:
    return Body(
        id=row["id"],
        names={"kk": row["name_kk"], "ru": row["name_ru"]},
        contact=Contact(row["contact"]),
        chat_id=row["chat_id"],
        email=row["email"],
        active=bool(row["active"]),
    )


def _referral(row: aiosqlite.Row) -> Referral:
    return Referral(
        id=row["id"],
        report_id=row["report_id"],
        body_id=row["body_id"],
        reason=row["reason"],
        state=ReferralState(row["state"]),
        officer_id=row["officer_id"],
        officer_name=row["officer_name"],
        due_on=date.fromisoformat(row["due_on"]),
        body_chat_id=row["body_chat_id"],
        body_message_id=row["body_message_id"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )


class BodyRepository:
    """bodies."""

    async def all(self, conn: aiosqlite.Connection) -> list[Body]:
        """Every body ever added (a removed one stays for the referrals that name it)."""
        cur = await conn.execute("SELECT * FROM bodies ORDER BY id")
        return [_body(row) for row in await cur.fetchall()]

    async def save(self, conn: aiosqlite.Connection, body: Body, now: datetime) -> None:
        """Add a body, or change one (and make it active again)."""
        await conn.execute(
            "INSERT INTO bodies (id, name_kk, name_ru, contact, chat_id, email, active,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)"
            " ON CONFLICT (id) DO UPDATE SET name_kk = excluded.name_kk,"
            " name_ru = excluded.name_ru, contact = excluded.contact,"
            " chat_id = excluded.chat_id, email = excluded.email, active = 1,"
            " updated_at = excluded.updated_at",
            (
                body.id,
                body.names["kk"],
                body.names["ru"],
                body.contact.value,
                body.chat_id,
                body.email,
                to_db(now),
            ),
        )

    async def chat_taken(self, conn: aiosqlite.Connection, chat_id: int, body_id: str) -> bool:
        """Another active body is reached in this chat."""
        cur = await conn.execute(
            "SELECT 1 FROM bodies WHERE chat_id = ? AND active = 1 AND id != ?",
            (chat_id, body_id),
        )
        return await cur.fetchone() is not None

    async def deactivate(self, conn: aiosqlite.Connection, body_id: str, now: datetime) -> bool:
        cur = await conn.execute(
            "UPDATE bodies SET active = 0, updated_at = ? WHERE id = ? AND active = 1",
            (to_db(now), body_id),
        )
        return cur.rowcount == 1


class ReferralRepository:
    """referrals."""

    async def insert(
        self,
        conn: aiosqlite.Connection,
        *,
        report_id: int,
        body: Body,
        reason: str,
        officer_id: int,
        officer_name: str,
        due_on: date,
        now: datetime,
    ) -> int:
        cur = await conn.execute(
            "INSERT INTO referrals (report_id, body_id, reason, officer_id, officer_name,"
            " due_on, body_chat_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                report_id,
                body.id,
                reason,
                officer_id,
                officer_name,
                due_on.isoformat(),
                body.chat_id,
                to_db(now),
                to_db(now),
            ),
        )
        return int(cur.lastrowid or 0)

    async def get(self, conn: aiosqlite.Connection, referral_id: int) -> Referral | None:
        cur = await conn.execute("SELECT * FROM referrals WHERE id = ?", (referral_id,))
        row = await cur.fetchone()
        return _referral(row) if row else None

    async def live(self, conn: aiosqlite.Connection, report_id: int) -> Referral | None:
        """The report's referral still waiting for its body, if any."""
        cur = await conn.execute(
            "SELECT * FROM referrals WHERE report_id = ? AND state IN ('sent', 'accepted')",
            (report_id,),
        )
        row = await cur.fetchone()
        return _referral(row) if row else None

    async def of_report(self, conn: aiosqlite.Connection, report_id: int) -> list[Referral]:
        cur = await conn.execute(
            "SELECT * FROM referrals WHERE report_id = ? ORDER BY id", (report_id,)
        )
        return [_referral(row) for row in await cur.fetchall()]

    async def move(
        self,
        conn: aiosqlite.Connection,
        referral_id: int,
        expected: frozenset[ReferralState],
        state: ReferralState,
        now: datetime,
    ) -> bool:
        """Compare and set: False if the referral is no longer in one of `expected`."""
        marks = ", ".join("?" for _ in expected)
        cur = await conn.execute(
            f"UPDATE referrals SET state = ?, updated_at = ? WHERE id = ? AND state IN ({marks})",
            (state.value, to_db(now), referral_id, *sorted(s.value for s in expected)),
        )
        return cur.rowcount == 1

    async def set_post(
        self, conn: aiosqlite.Connection, referral_id: int, chat_id: int, message_id: int
    ) -> None:
        await conn.execute(
            "UPDATE referrals SET body_chat_id = ?, body_message_id = ? WHERE id = ?",
            (chat_id, message_id, referral_id),
        )
