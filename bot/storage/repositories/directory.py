"""The directory: precincts, inspectors, police points."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.directory import Directory, Inspector, PolicePoint, Precinct
from bot.storage.repositories._rows import to_db


class DirectoryRepository:
    """precincts, inspectors, police_points and their links; replaced as a whole."""

    async def load(self, conn: aiosqlite.Connection) -> Directory:
        cur = await conn.execute("SELECT * FROM police_points ORDER BY id")
        points = tuple(
            PolicePoint(
                id=r["id"],
                name_kk=r["name_kk"],
                name_ru=r["name_ru"],
                address_kk=r["address_kk"],
                address_ru=r["address_ru"],
                latitude=r["latitude"],
                longitude=r["longitude"],
                hours_kk=r["hours_kk"],
                hours_ru=r["hours_ru"],
                phone=r["phone"],
            )
            for r in await cur.fetchall()
        )
        cur = await conn.execute("SELECT * FROM inspectors ORDER BY id")
        inspectors = tuple(
            Inspector(
                id=r["id"],
                full_name=r["full_name"],
                rank_kk=r["rank_kk"],
                rank_ru=r["rank_ru"],
                phones=tuple(json.loads(r["phones"])),
                reception_kk=r["reception_kk"],
                reception_ru=r["reception_ru"],
                point_id=r["point_id"],
                email=r["email"],
                telegram=r["telegram"],
                photo_url=r["photo_url"],
            )
            for r in await cur.fetchall()
        )
        cur = await conn.execute(
            "SELECT precinct_id, inspector_id FROM precinct_inspectors ORDER BY position"
        )
        serving: dict[str, list[str]] = {}
        for row in await cur.fetchall():
            serving.setdefault(row[0], []).append(row[1])
        cur = await conn.execute("SELECT * FROM precincts ORDER BY id")
        precincts = tuple(
            Precinct(
                id=r["id"],
                name_kk=r["name_kk"],
                name_ru=r["name_ru"],
                district_kk=r["district_kk"],
                district_ru=r["district_ru"],
                geometry=json.loads(r["geometry"]),
                inspector_ids=tuple(serving.get(r["id"], ())),
                point_id=r["point_id"],
                staff_chat_id=r["staff_chat_id"],
                staff_thread_id=r["staff_thread_id"],
            )
            for r in await cur.fetchall()
        )
        return Directory.build(precincts, inspectors, points)

    async def replace(
        self,
        conn: aiosqlite.Connection,
        directory: Directory,
        *,
        source: str,
        by_user_id: int | None,
        by_name: str | None,
        now: datetime,
    ) -> None:
        for table in ("precinct_inspectors", "precincts", "inspectors", "police_points"):
            await conn.execute(f"DELETE FROM {table}")
        await conn.executemany(
            "INSERT INTO police_points (id, name_kk, name_ru, address_kk, address_ru, latitude,"
            " longitude, hours_kk, hours_ru, phone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p.id,
                    p.name_kk,
                    p.name_ru,
                    p.address_kk,
                    p.address_ru,
                    p.latitude,
                    p.longitude,
                    p.hours_kk,
                    p.hours_ru,
                    p.phone,
                )
                for p in directory.points
            ],
        )
        await conn.executemany(
            "INSERT INTO inspectors (id, full_name, rank_kk, rank_ru, phones, reception_kk,"
            " reception_ru, point_id, email, telegram, photo_url)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    i.id,
                    i.full_name,
                    i.rank_kk,
                    i.rank_ru,
                    json.dumps(list(i.phones)),
                    i.reception_kk,
                    i.reception_ru,
                    i.point_id,
                    i.email,
                    i.telegram,
                    i.photo_url,
                )
                for i in directory.inspectors
            ],
        )
        await conn.executemany(
            "INSERT INTO precincts (id, name_kk, name_ru, district_kk, district_ru, geometry,"
            " point_id, staff_chat_id, staff_thread_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p.id,
                    p.name_kk,
                    p.name_ru,
                    p.district_kk,
                    p.district_ru,
                    json.dumps(p.geometry, separators=(",", ":")),
                    p.point_id,
                    p.staff_chat_id,
                    p.staff_thread_id,
                )
                for p in directory.precincts
            ],
        )
        await conn.executemany(
            "INSERT INTO precinct_inspectors (precinct_id, inspector_id, position)"
            " VALUES (?, ?, ?)",
            [
                (p.id, inspector_id, n)
                for p in directory.precincts
                for n, inspector_id in enumerate(p.inspector_ids)
            ],
        )
        await conn.execute(
            "INSERT INTO directory_imports (at, by_user_id, by_name, source, precincts,"
            " inspectors, points) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                to_db(now),
                by_user_id,
                by_name,
                source,
                len(directory.precincts),
                len(directory.inspectors),
                len(directory.points),
            ),
        )

    async def version(self, conn: aiosqlite.Connection) -> int:
        """The id of the last import (0: none): another process may have imported since."""
        cur = await conn.execute("SELECT coalesce(max(id), 0) FROM directory_imports")
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def last_import(self, conn: aiosqlite.Connection) -> dict[str, Any] | None:
        cur = await conn.execute("SELECT * FROM directory_imports ORDER BY id DESC LIMIT 1")
        row = await cur.fetchone()
        return dict(row) if row else None

    async def link(
        self, conn: aiosqlite.Connection, inspector_id: str, user_id: int, now: datetime
    ) -> None:
        """One account per inspector record and one record per account."""
        await conn.execute("DELETE FROM inspector_links WHERE user_id = ?", (user_id,))
        await conn.execute(
            "INSERT INTO inspector_links (inspector_id, user_id, linked_at) VALUES (?, ?, ?)"
            " ON CONFLICT (inspector_id) DO UPDATE SET user_id = excluded.user_id,"
            " linked_at = excluded.linked_at",
            (inspector_id, user_id, to_db(now)),
        )

    async def unlink(self, conn: aiosqlite.Connection, user_id: int) -> None:
        await conn.execute("DELETE FROM inspector_links WHERE user_id = ?", (user_id,))

    async def links(self, conn: aiosqlite.Connection) -> dict[str, int]:
        cur = await conn.execute("SELECT inspector_id, user_id FROM inspector_links")
        return {row[0]: row[1] for row in await cur.fetchall()}
