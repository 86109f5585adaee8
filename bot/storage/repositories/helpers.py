"""Helpers: applications, helpers and their audit."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.domain.helpers import Helper, HelperActor, HelperDraft, HelperEvent, HelperStatus
from bot.storage.repositories._rows import from_db, to_db


def helper_of_row(row: aiosqlite.Row) -> Helper:
    """A `helpers` row (all its columns) as a `Helper`: the JSON lists parsed here only."""
    created_at, updated_at = from_db(row["created_at"]), from_db(row["updated_at"])
    assert created_at is not None and updated_at is not None
    return Helper(
        id=int(row["id"]),
        user_id=int(row["user_id"]),
        full_name=str(row["full_name"]),
        birth_date=date.fromisoformat(row["birth_date"]),
        iin=str(row["iin"]),
        phone=str(row["phone"]),
        precincts=tuple(str(p) for p in json.loads(row["precincts"])),
        days=tuple(int(d) for d in json.loads(row["days"])),
        bands=tuple(str(b) for b in json.loads(row["bands"])),
        note=str(row["note"]),
        language=str(row["language"]),
        consent_version=str(row["consent_version"]),
        status=HelperStatus(row["status"]),
        registration_number=row["registration_number"],
        registration_date=row["registration_date"],
        staff_thread_id=row["staff_thread_id"],
        created_at=created_at,
        updated_at=updated_at,
    )


def _event_of_row(row: aiosqlite.Row) -> HelperEvent:
    at = from_db(row["at"])
    assert at is not None
    return HelperEvent(
        id=int(row["id"]),
        helper_id=int(row["helper_id"]),
        at=at,
        actor=HelperActor(row["actor"]),
        actor_id=row["actor_id"],
        actor_name=row["actor_name"],
        action=str(row["action"]),
        from_status=HelperStatus(row["from_status"]) if row["from_status"] else None,
        to_status=HelperStatus(row["to_status"]) if row["to_status"] else None,
        note=row["note"],
    )


class HelperRepository:
    """helpers (applications and helpers) and helper_events (their audit)."""

    async def insert(
        self,
        conn: aiosqlite.Connection,
        user_id: int,
        draft: HelperDraft,
        language: str,
        consent_version: str,
        now: datetime,
    ) -> int:
        cur = await conn.execute(
            "INSERT INTO helpers (user_id, full_name, birth_date, iin, phone, precincts, days,"
            " bands, note, language, consent_version, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                user_id,
                " ".join(draft.full_name.split()),
                draft.birth_date.isoformat(),
                draft.iin,
                draft.phone,
                json.dumps(list(draft.precincts)),
                json.dumps(list(draft.days)),
                json.dumps(list(draft.bands)),
                draft.note,
                language,
                consent_version,
                to_db(now),
                to_db(now),
            ),
        )
        helper_id = int(cur.lastrowid or 0)
        await conn.executemany(
            "INSERT OR IGNORE INTO helper_precincts (precinct_id, helper_id) VALUES (?, ?)",
            [(precinct, helper_id) for precinct in draft.precincts],
        )
        return helper_id

    async def get(self, conn: aiosqlite.Connection, helper_id: int) -> Helper | None:
        cur = await conn.execute("SELECT * FROM helpers WHERE id = ?", (helper_id,))
        row = await cur.fetchone()
        return helper_of_row(row) if row else None

    async def latest_of(self, conn: aiosqlite.Connection, user_id: int) -> Helper | None:
        cur = await conn.execute(
            "SELECT * FROM helpers WHERE user_id = ? ORDER BY id DESC LIMIT 1", (user_id,)
        )
        row = await cur.fetchone()
        return helper_of_row(row) if row else None

    async def change_status(
        self,
        conn: aiosqlite.Connection,
        helper_id: int,
        expected: HelperStatus,
        status: HelperStatus,
        now: datetime,
        *,
        registration: tuple[str, str] | None = None,
    ) -> bool:
        """Compare-and-set: False if someone changed it meanwhile."""
        sql = "UPDATE helpers SET status = ?, updated_at = ?"
        args: list[Any] = [status.value, to_db(now)]
        if registration is not None:
            sql += ", registration_number = ?, registration_date = ?"
            args += list(registration)
        cur = await conn.execute(
            sql + " WHERE id = ? AND status = ?", (*args, helper_id, expected.value)
        )
        return cur.rowcount == 1

    async def add_event(
        self,
        conn: aiosqlite.Connection,
        helper_id: int,
        *,
        actor: HelperActor,
        actor_id: int | None,
        actor_name: str | None,
        action: str,
        from_status: HelperStatus | None,
        to_status: HelperStatus | None,
        note: str | None,
        now: datetime,
    ) -> None:
        await conn.execute(
            "INSERT INTO helper_events (helper_id, at, actor, actor_id, actor_name, action,"
            " from_status, to_status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (helper_id, to_db(now), actor.value, actor_id, actor_name, action,
             from_status.value if from_status else None, to_status.value if to_status else None,
             note),
        )  # fmt: skip

    async def history(self, conn: aiosqlite.Connection, helper_id: int) -> list[HelperEvent]:
        cur = await conn.execute(
            "SELECT * FROM helper_events WHERE helper_id = ? ORDER BY id", (helper_id,)
        )
        return [_event_of_row(row) for row in await cur.fetchall()]

    async def set_thread(self, conn: aiosqlite.Connection, helper_id: int, thread: int) -> None:
        await conn.execute(
            "UPDATE helpers SET staff_thread_id = ? WHERE id = ?", (thread, helper_id)
        )

    async def set_availability(
        self,
        conn: aiosqlite.Connection,
        helper_id: int,
        days: list[int] | tuple[int, ...],
        bands: list[str] | tuple[str, ...],
        now: datetime,
    ) -> None:
        await conn.execute(
            "UPDATE helpers SET days = ?, bands = ?, updated_at = ? WHERE id = ?",
            (json.dumps(list(days)), json.dumps(list(bands)), to_db(now), helper_id),
        )

    async def counts(self, conn: aiosqlite.Connection) -> list[tuple[str, str, int]]:
        """(precinct id, status, helpers) for every precinct that has any."""
        cur = await conn.execute(
            "SELECT hp.precinct_id, h.status, COUNT(*) FROM helper_precincts hp"
            " JOIN helpers h ON h.id = hp.helper_id GROUP BY hp.precinct_id, h.status"
        )
        return [(str(row[0]), str(row[1]), int(row[2])) for row in await cur.fetchall()]

    async def total(self, conn: aiosqlite.Connection, status: HelperStatus | None) -> int:
        cur = await conn.execute(
            "SELECT COUNT(*) FROM helpers WHERE ?1 IS NULL OR status = ?1",
            (status.value if status else None,),
        )
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def find(
        self,
        conn: aiosqlite.Connection,
        status: HelperStatus | None,
        precinct: str | None,
        limit: int,
    ) -> tuple[list[Helper], int]:
        """Helpers with `status` (any if None) serving in `precinct` (any if None), newest
        first, at most `limit`, and how many there are in all."""
        where = "(?1 IS NULL OR h.status = ?1)"
        if precinct is None:
            source = "helpers h"
            args: tuple[Any, ...] = (status.value if status else None,)
        else:
            source = "helper_precincts hp JOIN helpers h ON h.id = hp.helper_id"
            where += " AND hp.precinct_id = ?2"
            args = (status.value if status else None, precinct)
        cur = await conn.execute(f"SELECT COUNT(*) FROM {source} WHERE {where}", args)
        row = await cur.fetchone()
        total = int(row[0]) if row else 0
        cur = await conn.execute(
            f"SELECT h.* FROM {source} WHERE {where} ORDER BY h.id DESC LIMIT {int(limit)}", args
        )
        return [helper_of_row(row) for row in await cur.fetchall()], total
