"""Reports with their media and events, officers' profiles, the messages each report owns."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, NamedTuple

import aiosqlite

from bot.domain.refs import Ref, RefKind
from bot.domain.reports import Media, Officer, Report, ReportDraft, Status
from bot.storage.repositories._rows import to_db


class NearReport(NamedTuple):
    """An open report near another one: its number and where it is."""

    id: int
    latitude: float
    longitude: float


def stored_status(status: str, referred_to: str | None) -> Status:
    """A referred report is stored as 'taken' with the body it went to (migration 0032)."""
    if status == "taken" and referred_to is not None:
        return Status.REFERRED
    return Status(status)


def _report(row: aiosqlite.Row, media: tuple[Media, ...] = ()) -> Report:
    return Report(
        id=row["id"],
        reporter_id=row["reporter_id"],
        category=row["category"],
        description=row["description"],
        voice_file_id=row["voice_file_id"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        address=row["address"],
        location_verified=bool(row["location_verified"]),
        anonymous=bool(row["anonymous"]),
        reporter_name=row["reporter_name"],
        reporter_username=row["reporter_username"],
        phone=row["phone"],
        language=row["language"],
        status=stored_status(row["status"], row["referred_to"]),
        officer_id=row["officer_id"],
        staff_chat_id=row["staff_chat_id"],
        staff_message_id=row["staff_message_id"],
        staff_thread_id=row["staff_thread_id"],
        precinct_id=row["precinct_id"],
        inspector_id=row["inspector_id"],
        staff_thread_shared=bool(row["staff_thread_shared"]),
        duplicate_of=row["duplicate_of"],
        priority=row["priority"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        media=media,
        due_on=date.fromisoformat(row["due_on"]) if row["due_on"] else None,
        extensions=row["extensions"],
        answered_at=datetime.fromisoformat(row["answered_at"]) if row["answered_at"] else None,
        answer_days=row["answer_days"],
        late_days=row["late_days"],
        referred_to=row["referred_to"],
        channel=row["channel"],
        consent_by=row["consent_by"],
        # only get() reads the count (sqlite3.Row: `in` looks at values, keys() at names)
        also_affected=row["also_affected"] if "also_affected" in row.keys() else 0,  # noqa: SIM118
    )


class ReportRepository:
    """reports, report_media, report_events."""

    async def insert(
        self,
        conn: aiosqlite.Connection,
        *,
        reporter_id: int,
        draft: ReportDraft,
        language: str,
        reporter_name: str | None,
        reporter_username: str | None,
        now: datetime,
        precinct_id: str | None = None,
        inspector_id: str | None = None,
        staff_chat_id: int | None = None,
        shared_thread_id: int | None = None,
        due_on: date | None = None,
        channel: str = "telegram",
        consent_by: str | None = None,
    ) -> int:
        """`staff_chat_id` and `shared_thread_id` when the post goes to a precinct's own topic
        (known at once); else they are learnt from the delivery. `due_on`: the legal clock's
        last day for the answer."""
        cur = await conn.execute(
            "INSERT INTO reports (reporter_id, category, description, voice_file_id, latitude,"
            " longitude, address, location_verified, anonymous, reporter_name,"
            " reporter_username, phone, language, created_at, updated_at, precinct_id,"
            " inspector_id, staff_chat_id, staff_thread_id, staff_thread_shared, submission_key,"
            " due_on, channel, consent_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                reporter_id,
                draft.category,
                draft.description,
                draft.voice_file_id,
                draft.latitude,
                draft.longitude,
                draft.address,
                int(draft.location_verified),
                int(draft.anonymous),
                reporter_name,
                reporter_username,
                draft.phone,
                language,
                to_db(now),
                to_db(now),
                precinct_id,
                inspector_id,
                staff_chat_id if shared_thread_id else None,
                shared_thread_id,
                int(shared_thread_id is not None),
                draft.key,
                due_on.isoformat() if due_on else None,
                channel,
                consent_by,
            ),
        )
        report_id = int(cur.lastrowid or 0)
        for position, item in enumerate(draft.media):
            await conn.execute(
                "INSERT INTO report_media (report_id, position, kind, file_id, file_unique_id)"
                " VALUES (?, ?, ?, ?, ?)",
                (report_id, position, item.kind, item.file_id, item.file_unique_id),
            )
        return report_id

    async def by_submission_key(
        self, conn: aiosqlite.Connection, reporter_id: int, key: str
    ) -> int | None:
        cur = await conn.execute(
            "SELECT id FROM reports WHERE submission_key = ? AND reporter_id = ?",
            (key, reporter_id),
        )
        row = await cur.fetchone()
        return int(row[0]) if row else None

    async def get(self, conn: aiosqlite.Connection, report_id: int) -> Report | None:
        """The report with its photos and videos, in one statement (every action reads it)."""
        cur = await conn.execute(
            "SELECT *, (SELECT json_group_array(json_array(position, kind, file_id,"
            " file_unique_id)) FROM report_media m WHERE m.report_id = reports.id) AS media_json,"
            " (SELECT count(*) FROM report_watchers w WHERE w.report_id = reports.id)"
            " + (SELECT count(*) FROM report_followers f WHERE f.report_id = reports.id)"
            " AS also_affected"
            " FROM reports WHERE id = ?",
            (report_id,),
        )
        row = await cur.fetchone()
        if row is None:
            return None
        items = sorted(json.loads(row["media_json"] or "[]"))  # by position
        media = tuple(Media(kind, file_id, unique) for _, kind, file_id, unique in items)
        return _report(row, media)

    async def by_reporter(
        self, conn: aiosqlite.Connection, reporter_id: int, offset: int, limit: int
    ) -> list[Report]:
        cur = await conn.execute(
            "SELECT * FROM reports WHERE reporter_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
            (reporter_id, limit, offset),
        )
        return [_report(row) for row in await cur.fetchall()]

    async def count_by_reporter(
        self,
        conn: aiosqlite.Connection,
        reporter_id: int,
        *,
        open_only: bool = False,
        since: datetime | None = None,
    ) -> int:
        sql = "SELECT count(*) FROM reports WHERE reporter_id = ?"
        args: list[Any] = [reporter_id]
        if open_only:
            sql += " AND status IN ('new', 'taken')"
        if since is not None:
            sql += " AND created_at >= ?"
            args.append(to_db(since))
        cur = await conn.execute(sql, args)
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def set_staff_post(
        self, conn: aiosqlite.Connection, report_id: int, chat_id: int, message_id: int | None
    ) -> None:
        await conn.execute(
            "UPDATE reports SET staff_chat_id = ?, staff_message_id = ? WHERE id = ?",
            (chat_id, message_id, report_id),
        )

    async def set_staff_topic(
        self, conn: aiosqlite.Connection, report_id: int, chat_id: int, thread_id: int | None
    ) -> None:
        """The report's forum topic exists (or, with `thread_id` None, will not)."""
        await conn.execute(
            "UPDATE reports SET staff_chat_id = ?, staff_thread_id = ? WHERE id = ?",
            (chat_id, thread_id, report_id),
        )

    async def by_topic(
        self, conn: aiosqlite.Connection, chat_id: int, thread_id: int
    ) -> Report | None:
        cur = await conn.execute(
            "SELECT id FROM reports WHERE staff_chat_id = ? AND staff_thread_id = ?",
            (chat_id, thread_id),
        )
        row = await cur.fetchone()
        return await self.get(conn, int(row[0])) if row else None

    async def day_stats(
        self, conn: aiosqlite.Connection, start: datetime, end: datetime, today: date
    ) -> dict[str, Any]:
        """The daily digest's figures for [start, end); "overdue": open reports whose answer's
        term ended before `today`."""
        cur = await conn.execute(
            "SELECT category, coalesce(precinct_id, ''), channel FROM reports"
            " WHERE created_at >= ? AND created_at < ?",
            (to_db(start), to_db(end)),
        )
        made = list(await cur.fetchall())
        new = [(item[0], item[1]) for item in made]
        channels: dict[str, int] = {}
        for item in made:
            channels[item[2]] = channels.get(item[2], 0) + 1
        cur = await conn.execute(
            "SELECT e.action, (julianday(e.at) - julianday(r.created_at)) * 86400"
            " FROM report_events e JOIN reports r ON r.id = e.report_id"
            " WHERE e.at >= ? AND e.at < ? AND e.action IN ('take', 'resolve', 'reject')"
            " AND e.id = (SELECT min(f.id) FROM report_events f"
            "   WHERE f.report_id = e.report_id AND f.action = e.action)",
            (to_db(start), to_db(end)),
        )
        firsts = [(row[0], float(row[1])) for row in await cur.fetchall()]
        cur = await conn.execute(
            "SELECT count(*), sum(due_on < ?) FROM reports WHERE status IN ('new', 'taken')",
            (today.isoformat(),),
        )
        row = await cur.fetchone()
        return {
            "new": new,
            "by_channel": channels,
            "take_seconds": [s for a, s in firsts if a == "take"],
            "resolve_seconds": [s for a, s in firsts if a == "resolve"],
            "resolved": sum(1 for a, _ in firsts if a == "resolve"),
            "rejected": sum(1 for a, _ in firsts if a == "reject"),
            "open": int(row[0] or 0) if row else 0,
            "overdue": int(row[1] or 0) if row else 0,
        }

    async def held_by(self, conn: aiosqlite.Connection, officer_id: int) -> list[Report]:
        """The reports an officer has taken and not closed, oldest first."""
        cur = await conn.execute(
            "SELECT * FROM reports WHERE officer_id = ? AND status = 'taken' ORDER BY id",
            (officer_id,),
        )
        return [_report(row) for row in await cur.fetchall()]

    async def change_status(
        self,
        conn: aiosqlite.Connection,
        report_id: int,
        *,
        expected: Status,
        expected_officer: int | None,
        status: Status,
        officer_id: int | None,
        now: datetime,
        referred_to: str | None = None,
    ) -> bool:
        """Compare and set: False if someone changed the report meanwhile. `referred_to`: the
        body, for the status «referred» (stored as 'taken' with it)."""
        referred = expected is Status.REFERRED
        stored = "taken" if expected is Status.REFERRED else expected.value
        cur = await conn.execute(
            "UPDATE reports SET status = ?, officer_id = ?, updated_at = ?, referred_to = ?"
            " WHERE id = ? AND status = ? AND officer_id IS ?"
            " AND (referred_to IS NOT NULL) = ?",
            (
                "taken" if status is Status.REFERRED else status.value,
                officer_id,
                to_db(now),
                referred_to if status is Status.REFERRED else None,
                report_id,
                stored,
                expected_officer,
                int(referred),
            ),
        )
        return cur.rowcount == 1

    async def set_due(self, conn: aiosqlite.Connection, report_id: int, due_on: date) -> None:
        """The term moves to the body a report is referred to."""
        await conn.execute(
            "UPDATE reports SET due_on = ? WHERE id = ?", (due_on.isoformat(), report_id)
        )

    async def near_open(
        self,
        conn: aiosqlite.Connection,
        category: str,
        since: datetime,
        box: tuple[float, float, float, float],
        exclude: int,
    ) -> list[NearReport]:
        """Open reports of `category` made since `since` inside the box (south, west, north,
        east): candidates for the same thing reported twice."""
        south, west, north, east = box
        cur = await conn.execute(
            "SELECT id, latitude, longitude FROM reports"
            " WHERE category = ? AND created_at >= ? AND status IN ('new', 'taken')"
            " AND latitude IS NOT NULL AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?"
            " AND id != ? ORDER BY id DESC LIMIT 50",
            (category, to_db(since), south, north, west, east, exclude),
        )
        return [
            NearReport(int(row["id"]), float(row["latitude"]), float(row["longitude"]))
            for row in await cur.fetchall()
        ]

    async def mark_duplicate(
        self,
        conn: aiosqlite.Connection,
        report_id: int,
        original_id: int,
        user_id: int,
        language: str,
        now: datetime,
    ) -> None:
        await conn.execute(
            "UPDATE reports SET duplicate_of = ? WHERE id = ?", (original_id, report_id)
        )
        await conn.execute(
            "INSERT OR IGNORE INTO report_followers (report_id, duplicate_id, user_id, language,"
            " since) VALUES (?, ?, ?, ?, ?)",
            (original_id, report_id, user_id, language, to_db(now)),
        )

    async def followers(self, conn: aiosqlite.Connection, report_id: int) -> list[dict[str, Any]]:
        """Residents following this report (their own was its duplicate), not yet told how it
        ended."""
        cur = await conn.execute(
            "SELECT f.duplicate_id, f.user_id, f.language FROM report_followers f"
            " JOIN users u ON u.id = f.user_id WHERE f.report_id = ? AND u.blocked_bot = 0"
            " AND f.notified_at IS NULL",
            (report_id,),
        )
        return [dict(row) for row in await cur.fetchall()]

    async def add_claim_code(
        self, conn: aiosqlite.Connection, report_id: int, code_hash: str, now: datetime
    ) -> bool:
        """False if the code is taken (a new one is drawn)."""
        cur = await conn.execute(
            "INSERT OR IGNORE INTO claim_codes (report_id, code_hash, created_at) VALUES (?, ?, ?)",
            (report_id, code_hash, to_db(now)),
        )
        return cur.rowcount == 1

    async def claim(
        self,
        conn: aiosqlite.Connection,
        code_hash: str,
        user_id: int,
        language: str,
        offline: int,
        now: datetime,
    ) -> int | None:
        """The report an unused code belongs to, now the user's (and the code used); None for
        a code that fits nothing unused."""
        cur = await conn.execute(
            "UPDATE claim_codes SET used_at = ?, used_by = ? WHERE code_hash = ?"
            " AND used_at IS NULL RETURNING report_id",
            (to_db(now), user_id, code_hash),
        )
        row = await cur.fetchone()
        if row is None:
            return None
        report_id = int(row[0])
        await conn.execute(
            "UPDATE reports SET reporter_id = ?, language = ? WHERE id = ? AND reporter_id = ?",
            (user_id, language, report_id, offline),
        )
        return report_id

    async def watch(
        self,
        conn: aiosqlite.Connection,
        report_id: int,
        user_id: int,
        language: str,
        now: datetime,
    ) -> bool:
        """A resident follows a report instead of sending their own; False if they already
        did."""
        cur = await conn.execute(
            "INSERT OR IGNORE INTO report_watchers (report_id, user_id, language, since)"
            " VALUES (?, ?, ?, ?)",
            (report_id, user_id, language, to_db(now)),
        )
        return cur.rowcount == 1

    async def watchers(self, conn: aiosqlite.Connection, report_id: int) -> list[dict[str, Any]]:
        """Residents who followed this report instead of sending theirs, not yet told how it
        ended (those who blocked the bot are left out)."""
        cur = await conn.execute(
            "SELECT w.user_id, w.language FROM report_watchers w JOIN users u ON u.id = w.user_id"
            " WHERE w.report_id = ? AND u.blocked_bot = 0 AND w.notified_at IS NULL",
            (report_id,),
        )
        return [dict(row) for row in await cur.fetchall()]

    async def watchers_told(
        self, conn: aiosqlite.Connection, report_id: int, now: datetime
    ) -> None:
        await conn.execute(
            "UPDATE report_watchers SET notified_at = ? WHERE report_id = ?"
            " AND notified_at IS NULL",
            (to_db(now), report_id),
        )

    async def followers_told(
        self, conn: aiosqlite.Connection, report_id: int, now: datetime
    ) -> None:
        await conn.execute(
            "UPDATE report_followers SET notified_at = ? WHERE report_id = ?"
            " AND notified_at IS NULL",
            (to_db(now), report_id),
        )

    async def move_followers(self, conn: aiosqlite.Connection, from_id: int, to_id: int) -> None:
        """Whoever followed a report that is now itself a duplicate follows the original."""
        await conn.execute(
            "UPDATE OR IGNORE report_followers SET report_id = ? WHERE report_id = ?",
            (to_id, from_id),
        )
        await conn.execute(
            "UPDATE reports SET duplicate_of = ? WHERE duplicate_of = ?", (to_id, from_id)
        )

    async def unfollow(self, conn: aiosqlite.Connection, duplicate_id: int) -> None:
        """A duplicate reopened by staff is handled on its own again."""
        await conn.execute("DELETE FROM report_followers WHERE duplicate_id = ?", (duplicate_id,))
        await conn.execute("UPDATE reports SET duplicate_of = NULL WHERE id = ?", (duplicate_id,))

    async def set_place(
        self,
        conn: aiosqlite.Connection,
        report_id: int,
        latitude: float | None,
        longitude: float | None,
        precinct_id: str | None,
        inspector_id: str | None,
        now: datetime,
    ) -> None:
        """Staff corrected where it is: the location (if given) counts as checked."""
        if latitude is not None and longitude is not None:
            await conn.execute(
                "UPDATE reports SET latitude = ?, longitude = ?, location_verified = 1,"
                " precinct_id = ?, inspector_id = ?, updated_at = ? WHERE id = ?",
                (latitude, longitude, precinct_id, inspector_id, to_db(now), report_id),
            )
        else:
            await conn.execute(
                "UPDATE reports SET precinct_id = ?, inspector_id = ?, updated_at = ? WHERE id = ?",
                (precinct_id, inspector_id, to_db(now), report_id),
            )

    async def set_priority(
        self, conn: aiosqlite.Connection, report_id: int, priority: str, now: datetime
    ) -> None:
        await conn.execute(
            "UPDATE reports SET priority = ?, updated_at = ? WHERE id = ?",
            (priority, to_db(now), report_id),
        )

    async def extend(
        self,
        conn: aiosqlite.Connection,
        report_id: int,
        due_on: date,
        expected: date | None,
        now: datetime,
    ) -> bool:
        """Move the answer's term, if it is still `expected` (two officers at once: one wins)."""
        cur = await conn.execute(
            "UPDATE reports SET due_on = ?, extensions = extensions + 1, updated_at = ?"
            " WHERE id = ? AND due_on IS ?",
            (due_on.isoformat(), to_db(now), report_id, expected.isoformat() if expected else None),
        )
        return cur.rowcount == 1

    async def record_answer(
        self, conn: aiosqlite.Connection, report_id: int, at: datetime, days: int, late: int
    ) -> None:
        """The first answer only (a reopened report answered again keeps its first)."""
        await conn.execute(
            "UPDATE reports SET answered_at = ?, answer_days = ?, late_days = ?"
            " WHERE id = ? AND answered_at IS NULL",
            (to_db(at), days, late, report_id),
        )

    async def set_category(
        self, conn: aiosqlite.Connection, report_id: int, category: str, now: datetime
    ) -> None:
        await conn.execute(
            "UPDATE reports SET category = ?, updated_at = ? WHERE id = ?",
            (category, to_db(now), report_id),
        )

    async def add_event(
        self,
        conn: aiosqlite.Connection,
        report_id: int,
        *,
        actor: str,
        actor_id: int | None,
        action: str,
        from_status: Status | None,
        to_status: Status | None,
        note: str | None,
        now: datetime,
        actor_name: str | None = None,
    ) -> None:
        await conn.execute(
            "INSERT INTO report_events (report_id, at, actor, actor_id, action, from_status,"
            " to_status, note, actor_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                report_id,
                to_db(now),
                actor,
                actor_id,
                action,
                from_status.value if from_status else None,
                to_status.value if to_status else None,
                note,
                actor_name,
            ),
        )

    async def version(self, conn: aiosqlite.Connection, report_id: int) -> int:
        """Grows with every status change (the id of the last one; 0 before any)."""
        cur = await conn.execute(
            "SELECT coalesce(max(id), 0) FROM report_events WHERE report_id = ?"
            " AND to_status IS NOT NULL",
            (report_id,),
        )
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def last_change(
        self, conn: aiosqlite.Connection, report_id: int
    ) -> tuple[int | None, str | None] | None:
        """Who made the report's last status change: their id and name as staff know it."""
        cur = await conn.execute(
            "SELECT actor_id, actor_name FROM report_events WHERE report_id = ?"
            " AND to_status IS NOT NULL ORDER BY id DESC LIMIT 1",
            (report_id,),
        )
        row = await cur.fetchone()
        return (row[0], row[1]) if row else None

    async def has_event(self, conn: aiosqlite.Connection, report_id: int, action: str) -> bool:
        cur = await conn.execute(
            "SELECT 1 FROM report_events WHERE report_id = ? AND action = ? LIMIT 1",
            (report_id, action),
        )
        return await cur.fetchone() is not None

    async def history(self, conn: aiosqlite.Connection, report_id: int) -> list[dict[str, Any]]:
        cur = await conn.execute(
            "SELECT at, actor, actor_id, actor_name, action, from_status, to_status, note"
            " FROM report_events WHERE report_id = ? ORDER BY id",
            (report_id,),
        )
        return [dict(row) for row in await cur.fetchall()]


class StaffRepository:
    """staff_profiles: how residents see an officer."""

    async def set_profile(
        self, conn: aiosqlite.Connection, user_id: int, rank: str, surname: str, now: datetime
    ) -> None:
        await conn.execute(
            "INSERT INTO staff_profiles (user_id, rank, surname, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET rank = excluded.rank,"
            " surname = excluded.surname, updated_at = excluded.updated_at",
            (user_id, rank, surname, to_db(now)),
        )

    async def profile(self, conn: aiosqlite.Connection, user_id: int) -> tuple[str, str] | None:
        cur = await conn.execute(
            "SELECT rank, surname FROM staff_profiles WHERE user_id = ?", (user_id,)
        )
        row = await cur.fetchone()
        return (row[0], row[1]) if row else None

    async def profiles(self, conn: aiosqlite.Connection, limit: int = 200) -> list[Officer]:
        """The officers who gave their rank and surname (/me), by surname."""
        cur = await conn.execute(
            "SELECT user_id, rank, surname FROM staff_profiles ORDER BY surname, user_id LIMIT ?",
            (limit,),
        )
        return [Officer(row[0], row[1], row[2]) for row in await cur.fetchall()]


class RelayRepository:
    """Which report a message in a chat belongs to: staff posts and relayed messages."""

    async def report_of_staff_post(
        self, conn: aiosqlite.Connection, chat_id: int, message_id: int
    ) -> int | None:
        cur = await conn.execute(
            "SELECT id FROM reports WHERE staff_chat_id = ? AND staff_message_id = ?",
            (chat_id, message_id),
        )
        row = await cur.fetchone()
        if row:
            return int(row[0])
        # a message the bot relayed into the staff group for a report (the resident's words)
        return await self._report_of_outbox(conn, chat_id, message_id)

    async def ref_of(self, conn: aiosqlite.Connection, chat_id: int, message_id: int) -> Ref | None:
        """The outbox reference of a message the bot sent (None for anything else, or one from a
        newer release)."""
        cur = await conn.execute(
            "SELECT ref FROM outbox WHERE chat_id = ? AND telegram_message_id = ?"
            " AND ref IS NOT NULL ORDER BY id DESC LIMIT 1",
            (chat_id, message_id),
        )
        row = await cur.fetchone()
        return Ref.of(str(row[0])) if row else None

    async def relayed_from(
        self, conn: aiosqlite.Connection, from_chat_id: int, message_id: int
    ) -> int | None:
        """The report a staff message was relayed to its resident for (None if it was not):
        its ref names the source ("report:N:relay:<chat>:<message>"); before 0.2 the ref was
        "report:N:relay" and the copy's payload named it."""
        cur = await conn.execute(
            "SELECT ref FROM outbox WHERE state = 'done' AND chat_id > 0"
            " AND (ref LIKE 'report:%:relay:' || :chat || ':' || :message"
            " OR (ref LIKE 'report:%:relay' AND method = 'copyMessage'"
            " AND json_extract(payload, '$.from_chat_id') = :chat"
            " AND json_extract(payload, '$.message_id') = :message))"
            " ORDER BY id DESC LIMIT 1",
            {"chat": from_chat_id, "message": message_id},
        )
        row = await cur.fetchone()
        ref = Ref.of(str(row[0])) if row else None
        return ref.id if ref is not None else None

    async def report_of_relayed(
        self, conn: aiosqlite.Connection, chat_id: int, message_id: int
    ) -> int | None:
        return await self._report_of_outbox(conn, chat_id, message_id)

    async def _report_of_outbox(
        self, conn: aiosqlite.Connection, chat_id: int, message_id: int
    ) -> int | None:
        cur = await conn.execute(
            "SELECT ref FROM outbox WHERE chat_id = ? AND telegram_message_id = ?"
            " AND ref LIKE 'report:%' ORDER BY id DESC LIMIT 1",
            (chat_id, message_id),
        )
        row = await cur.fetchone()
        ref = Ref.of(str(row[0])) if row else None
        return ref.id if ref is not None and ref.kind is RefKind.REPORT else None
