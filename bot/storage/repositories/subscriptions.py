"""Following an area, and the priorities each precinct publishes."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import aiosqlite

from bot.domain.subscriptions import Listener, LocalPriority, Subscription, SubscriptionKind
from bot.domain.users import CONSENT_VERSION
from bot.storage.repositories._rows import from_db, to_db


def _moment(value: str) -> datetime:
    moment = from_db(value)
    assert moment is not None
    return moment


def _subscription(row: aiosqlite.Row) -> Subscription:
    return Subscription(
        id=int(row["id"]),
        user_id=int(row["user_id"]),
        precinct_id=str(row["precinct_id"]),
        surveys=bool(row["surveys"]),
        priorities=bool(row["priorities"]),
        alerts=bool(row["alerts"]),
        created_at=_moment(row["created_at"]),
    )


def _priority(row: aiosqlite.Row) -> LocalPriority:
    return LocalPriority(
        id=int(row["id"]),
        precinct_id=str(row["precinct_id"]),
        text_kk=str(row["text_kk"]),
        text_ru=str(row["text_ru"]),
        since=str(row["since"]),
        by_id=int(row["by_id"]),
        by_name=row["by_name"],
        created_at=_moment(row["created_at"]),
        removed_at=from_db(row["removed_at"]),
    )


class SubscriptionRepository:
    """subscriptions: who opted in to hear about which area, and what about."""

    KINDS = tuple(SubscriptionKind)

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

    async def of_user(self, conn: aiosqlite.Connection, user_id: int) -> list[Subscription]:
        cur = await conn.execute(
            "SELECT * FROM subscriptions WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [_subscription(row) for row in await cur.fetchall()]

    #: the only column names the switches may name (never text from a button)
    _SET: ClassVar[dict[str, str]] = {
        kind.value: f"UPDATE subscriptions SET {kind.value} = ? WHERE id = ? AND user_id = ?"
        for kind in KINDS
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
        self, conn: aiosqlite.Connection, precinct_id: str, kind: SubscriptionKind
    ) -> list[Listener]:
        """Reachable residents who follow this area for `kind`, with their language."""
        assert kind in self.KINDS
        cur = await conn.execute(
            "SELECT s.user_id, u.language FROM subscriptions s JOIN users u ON u.id = s.user_id"
            f" WHERE s.precinct_id = ? AND s.{kind.value} = 1"
            " AND u.blocked_bot = 0 AND u.banned = 0"
            " AND u.consent_version = ?"  # consent to the current text: a new one asks again
            " ORDER BY s.user_id",
            (precinct_id, CONSENT_VERSION),
        )
        return [Listener(int(row["user_id"]), str(row["language"])) for row in await cur.fetchall()]


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
    ) -> LocalPriority | None:
        """Withdraw a priority: the one it was (None if there is no such current one)."""
        cur = await conn.execute(
            "SELECT * FROM local_priorities WHERE id = ? AND removed_at IS NULL", (priority_id,)
        )
        row = await cur.fetchone()
        if row is None:
            return None
        await conn.execute(
            "UPDATE local_priorities SET removed_at = ? WHERE id = ?", (to_db(now), priority_id)
        )
        return _priority(row)

    async def current(
        self, conn: aiosqlite.Connection, precinct_id: str | None = None
    ) -> list[LocalPriority]:
        cur = await conn.execute(
            "SELECT * FROM local_priorities WHERE removed_at IS NULL"
            " AND (? IS NULL OR precinct_id = ?) ORDER BY precinct_id, id DESC",
            (precinct_id, precinct_id),
        )
        return [_priority(row) for row in await cur.fetchall()]
