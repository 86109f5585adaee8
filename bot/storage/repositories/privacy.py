"""A person's data: /mydata, /forgetme, and how long anything is kept."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar

import aiosqlite

from bot.domain.refs import Ref
from bot.domain.users import FORGOTTEN
from bot.storage.repositories._rows import to_db


class PrivacyRepository:
    """Everything the bot holds about one person, for /mydata. Fixed lists of columns: what a
    person is shown of themselves, never staff's names or another person's data."""

    _QUERIES: ClassVar[dict[str, str]] = {
        "consent_history": "SELECT version, action, at FROM consent_events WHERE user_id = ?"
        " ORDER BY id",
        "reports": "SELECT id AS number, category, description, latitude, longitude, address,"
        " anonymous, reporter_name AS name, reporter_username AS username, phone, language,"
        " status, precinct_id AS precinct, created_at, updated_at FROM reports"
        " WHERE reporter_id = ? ORDER BY id",
        "report_steps": "SELECT e.report_id AS number, e.action, e.at FROM report_events e"
        " JOIN reports r ON r.id = e.report_id WHERE r.reporter_id = ? ORDER BY e.id",
        "report_media": "SELECT m.report_id AS number, m.kind, m.file_id FROM report_media m"
        " JOIN reports r ON r.id = m.report_id WHERE r.reporter_id = ?"
        " ORDER BY m.report_id, m.position",
        "satisfaction_surveys": "SELECT report_id AS number, solved, rating, comment,"
        " answered_at FROM surveys WHERE resident_id = ? ORDER BY report_id",
        "helper_applications": "SELECT id AS number, full_name, birth_date, iin, phone, precincts,"
        " days, bands, note, status, registration_number, registration_date, created_at,"
        " updated_at FROM helpers WHERE user_id = ? ORDER BY id",
        "duties": "SELECT duty_id AS duty, state, offered_at, answered_at, checked_in_at,"
        " checked_out_at, minutes FROM duty_offers WHERE user_id = ? ORDER BY duty_id",
        "areas_followed": "SELECT precinct_id AS precinct, surveys, priorities, alerts,"
        " created_at FROM subscriptions WHERE user_id = ? ORDER BY id",
        "community_survey_answers": "SELECT survey_id AS survey, option + 1 AS option,"
        " answered_at FROM community_survey_answers WHERE user_id = ? ORDER BY survey_id",
        "helper_steps": "SELECT e.helper_id AS application, e.action, e.from_status,"
        " e.to_status, e.at FROM helper_events e JOIN helpers h ON h.id = e.helper_id"
        " WHERE h.user_id = ? ORDER BY e.id",
        "bans": "SELECT report_id AS report, reason, at, lifted_at FROM bans WHERE user_id = ?"
        " ORDER BY id",
        "messages_failed_to_handle": "SELECT payload, created_at FROM failed_updates"
        " WHERE user_id = ? ORDER BY id",
        "messages_sent_to_you": "SELECT method, state, created_at, sent_at FROM outbox"
        " WHERE chat_id = ? ORDER BY id",
        "complaints": "SELECT id AS number, description, name, language, status, due_on,"
        " answer, created_at, answered_at FROM complaints WHERE user_id = ? ORDER BY id",
    }

    async def everything(self, conn: aiosqlite.Connection, user_id: int) -> dict[str, Any]:
        cur = await conn.execute(
            "SELECT id AS telegram_id, language, consent_version, consent_at, first_seen,"
            " last_seen FROM users WHERE id = ?",
            (user_id,),
        )
        row = await cur.fetchone()
        held: dict[str, Any] = {"person": dict(row) if row else None}
        for name, sql in self._QUERIES.items():
            cur = await conn.execute(sql, (user_id,))
            held[name] = [dict(r) for r in await cur.fetchall()]
        cur = await conn.execute(
            "SELECT state, data FROM fsm_states WHERE key LIKE ?", (f"%:{user_id}:{user_id}:%",)
        )
        held["conversation"] = [
            {"step": r["state"], "draft": json.loads(r["data"] or "{}")}
            for r in await cur.fetchall()
        ]
        return held


class ErasureRepository:
    """/forgetme: a person's data erased or unlinked; what counts for the statistics stays,
    linked to the placeholder person FORGOTTEN."""

    async def blockers(
        self, conn: aiosqlite.Connection, user_id: int
    ) -> tuple[list[int], bool, list[int]]:
        """Open reports (the officers may need to reach the person), a helper application
        or service still running (the law keeps helpers registered), and complaints about
        officers not yet answered (the supervisors may need to reach them)."""
        cur = await conn.execute(
            "SELECT id FROM reports WHERE reporter_id = ? AND status IN ('new', 'taken')"
            " ORDER BY id",
            (user_id,),
        )
        open_reports = [int(r[0]) for r in await cur.fetchall()]
        cur = await conn.execute(
            "SELECT 1 FROM helpers WHERE user_id = ? AND status NOT IN ('rejected', 'retired')",
            (user_id,),
        )
        helper = await cur.fetchone() is not None
        cur = await conn.execute(
            "SELECT id FROM complaints WHERE user_id = ? AND status IN ('new', 'taken')"
            " ORDER BY id",
            (user_id,),
        )
        return open_reports, helper, [int(r[0]) for r in await cur.fetchall()]

    async def erase(self, conn: aiosqlite.Connection, user_id: int, now: datetime) -> list[int]:
        """Erase in the caller's transaction; returns the reports unlinked. The person cannot
        be banned now (a banned person's updates stop before any handler)."""
        cur = await conn.execute(
            "SELECT id FROM reports WHERE reporter_id = ? ORDER BY id", (user_id,)
        )
        reports = [int(r[0]) for r in await cur.fetchall()]
        cur = await conn.execute("SELECT id FROM helpers WHERE user_id = ?", (user_id,))
        helpers = [int(r[0]) for r in await cur.fetchall()]
        cur = await conn.execute("SELECT id FROM complaints WHERE user_id = ?", (user_id,))
        complaints = [int(r[0]) for r in await cur.fetchall()]
        stamp = to_db(now)
        await conn.execute(
            "UPDATE reports SET reporter_id = ?, reporter_name = NULL, reporter_username = NULL,"
            " phone = NULL, address = NULL, voice_file_id = NULL, description = '',"
            " anonymous = 1, latitude = round(latitude, 2), longitude = round(longitude, 2),"
            " anonymised_at = coalesce(anonymised_at, ?) WHERE reporter_id = ?",
            (FORGOTTEN, stamp, user_id),
        )
        for sql in (
            "UPDATE surveys SET resident_id = ?, comment = NULL WHERE resident_id = ?",
            "UPDATE helpers SET user_id = ?, full_name = '', birth_date = '', iin = '',"
            " phone = '', note = '', registration_number = NULL WHERE user_id = ?",
            "UPDATE duty_offers SET user_id = ? WHERE user_id = ?",
            # the steps they took themselves: kept for the timeline, not who or what they wrote
            "UPDATE report_events SET actor_id = ?, actor_name = NULL, note = NULL"
            " WHERE actor = 'resident' AND actor_id = ?",
            "UPDATE helper_events SET actor_id = ?, actor_name = NULL, note = NULL"
            " WHERE actor = 'applicant' AND actor_id = ?",
            "UPDATE bans SET user_id = ? WHERE user_id = ?",  # lifted ones: the record stays
            # answered complaints: the answer and its dates stay, not who or what they wrote
            "UPDATE complaints SET user_id = ?, name = NULL, description = '' WHERE user_id = ?",
        ):
            await conn.execute(sql, (FORGOTTEN, user_id))
        for sql in (
            "DELETE FROM report_followers WHERE user_id = ?",
            "DELETE FROM subscriptions WHERE user_id = ?",
            "DELETE FROM community_survey_answers WHERE user_id = ?",
            "DELETE FROM community_survey_recipients WHERE user_id = ?",
            "DELETE FROM consent_events WHERE user_id = ?",
            "DELETE FROM failed_updates WHERE user_id = ?",
            "DELETE FROM outbox WHERE chat_id = ?",  # what was sent to them, and is owed
        ):
            await conn.execute(sql, (user_id,))
        # what was posted about them to staff: sent already, so its text is not kept twice
        # (a post still owed goes as it is; the edit written after it brings it up to date)
        await conn.executemany(
            "UPDATE outbox SET payload = '{}' WHERE ref LIKE ? AND state IN ('done', 'failed')",
            [(f"{Ref.report(n)}:%",) for n in reports]
            + [(f"{Ref.helper(h)}:%",) for h in helpers]
            + [(f"{Ref.complaint(c)}:%",) for c in complaints],
        )
        await conn.execute("DELETE FROM fsm_states WHERE key LIKE ?", (f"%:{user_id}:{user_id}:%",))
        await conn.executemany(  # a survey still to come would go to nobody
            "UPDATE followups SET state = 'cancelled' WHERE subject = ? AND state = 'pending'",
            [(str(Ref.report(number)),) for number in reports],
        )
        await conn.executemany(  # their photos: file ids of pictures they took
            "DELETE FROM report_media WHERE report_id = ?", [(n,) for n in reports]
        )
        await conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
        await conn.execute(
            "INSERT INTO erasures (at, reports) VALUES (?, ?)", (stamp, len(reports))
        )
        return reports


class RetentionRepository:
    """What is kept no longer than it is needed."""

    async def anonymise_closed(
        self, conn: aiosqlite.Connection, before: datetime, limit: int, now: datetime
    ) -> int:
        """Reports closed before `before`: no reporter identity, no exact place (the location
        rounded to two decimals, about a kilometre; the typed address gone); `limit` at a time."""
        cur = await conn.execute(
            "UPDATE reports SET reporter_name = NULL, reporter_username = NULL, phone = NULL,"
            " address = NULL, latitude = round(latitude, 2), longitude = round(longitude, 2),"
            " anonymised_at = ? WHERE id IN (SELECT id FROM reports WHERE anonymised_at IS NULL"
            " AND status IN ('resolved', 'rejected', 'withdrawn') AND updated_at < ?"
            " ORDER BY updated_at LIMIT ?)",
            (to_db(now), to_db(before), limit),
        )
        return cur.rowcount

    async def unname_answered_complaints(self, conn: aiosqlite.Connection, before: datetime) -> int:
        """Complaints answered before `before` keep what happened and the answer, not the
        name of who complained."""
        cur = await conn.execute(
            "UPDATE complaints SET name = NULL WHERE status = 'answered' AND name IS NOT NULL"
            " AND answered_at < ?",
            (to_db(before),),
        )
        return cur.rowcount

    async def blank_sent(self, conn: aiosqlite.Connection, before: datetime, limit: int) -> int:
        """Messages settled before `before` keep their Telegram ids (replies are traced by
        them), not their text: the names and phones in a staff post are not kept twice. A copy
        of a message keeps the ids of its source (a relayed reply is traced by them), not the
        caption written over it."""
        cur = await conn.execute(
            "UPDATE outbox SET payload = CASE method WHEN 'copyMessage' THEN"
            " json_object('from_chat_id', json_extract(payload, '$.from_chat_id'),"
            " 'message_id', json_extract(payload, '$.message_id')) ELSE '{}' END"
            " WHERE id IN (SELECT id FROM outbox"
            " WHERE state IN ('done', 'failed') AND payload <> '{}' AND created_at < ?"
            " AND (method <> 'copyMessage' OR json_extract(payload, '$.caption') IS NOT NULL)"
            " ORDER BY created_at LIMIT ?)",
            (to_db(before), limit),
        )
        return cur.rowcount
