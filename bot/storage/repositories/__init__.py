"""Every SQL string of the project lives in this package's repositories."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar

import aiosqlite

from bot.domain.community import SurveyDraft
from bot.domain.users import CONSENT_VERSION, FORGOTTEN
from bot.storage.repositories._rows import from_db, to_db
from bot.storage.repositories.desk import ModerationRepository, TemplateRepository
from bot.storage.repositories.directory import DirectoryRepository
from bot.storage.repositories.duties import DutyRepository
from bot.storage.repositories.followups import FollowUpRepository
from bot.storage.repositories.helpers import HelperRepository
from bot.storage.repositories.inbox import FailedUpdateRepository, InboxRepository
from bot.storage.repositories.outbox import OutboxRepository
from bot.storage.repositories.reports import RelayRepository, ReportRepository, StaffRepository
from bot.storage.repositories.stats import StatsRepository
from bot.storage.repositories.subscriptions import PriorityRepository, SubscriptionRepository
from bot.storage.repositories.users import ChatRepository, FsmRepository, UserRepository

__all__ = [
    "ChatRepository",
    "CommunitySurveyRepository",
    "DirectoryRepository",
    "DutyRepository",
    "ErasureRepository",
    "FailedUpdateRepository",
    "FollowUpRepository",
    "FsmRepository",
    "HelperRepository",
    "InboxRepository",
    "ModerationRepository",
    "OpsRepository",
    "OutboxRepository",
    "PriorityRepository",
    "PrivacyRepository",
    "RelayRepository",
    "ReportRepository",
    "RetentionRepository",
    "StaffRepository",
    "StatsRepository",
    "SubscriptionRepository",
    "TemplateRepository",
    "UserRepository",
    "from_db",
    "to_db",
]


class CommunitySurveyRepository:
    """community_surveys and their options, recipients and answers."""

    async def add(
        self,
        conn: aiosqlite.Connection,
        draft: SurveyDraft,
        chat_id: int,
        by_id: int,
        by_name: str | None,
        now: datetime,
    ) -> int:
        cur = await conn.execute(
            "INSERT INTO community_surveys (question_kk, question_ru, targets, ends_at, chat_id,"
            " by_id, by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                draft.question_kk,
                draft.question_ru,
                json.dumps(list(draft.targets)),
                to_db(draft.ends_at),
                chat_id,
                by_id,
                by_name,
                to_db(now),
            ),
        )
        survey_id = int(cur.lastrowid or 0)
        await conn.executemany(
            "INSERT INTO community_survey_options (survey_id, position, text_kk, text_ru)"
            " VALUES (?, ?, ?, ?)",
            [(survey_id, n, o.kk, o.ru) for n, o in enumerate(draft.options)],
        )
        return survey_id

    async def get(self, conn: aiosqlite.Connection, survey_id: int) -> dict[str, Any] | None:
        cur = await conn.execute("SELECT * FROM community_surveys WHERE id = ?", (survey_id,))
        row = await cur.fetchone()
        if row is None:
            return None
        survey = dict(row)
        survey["targets"] = json.loads(survey["targets"])
        cur = await conn.execute(
            "SELECT text_kk, text_ru FROM community_survey_options WHERE survey_id = ?"
            " ORDER BY position",
            (survey_id,),
        )
        survey["options"] = [(r["text_kk"], r["text_ru"]) for r in await cur.fetchall()]
        return survey

    async def recent(self, conn: aiosqlite.Connection, limit: int) -> list[dict[str, Any]]:
        """The newest surveys (drafts nobody sent are left out), with how many answered."""
        cur = await conn.execute(
            "SELECT s.id, s.question_kk, s.question_ru, s.status, s.ends_at, s.recipients,"
            " (SELECT COUNT(*) FROM community_survey_answers a WHERE a.survey_id = s.id)"
            " AS answered FROM community_surveys s WHERE s.status IN ('open', 'closed')"
            " ORDER BY s.id DESC LIMIT ?",
            (limit,),
        )
        return [dict(row) for row in await cur.fetchall()]

    async def set_status(
        self,
        conn: aiosqlite.Connection,
        survey_id: int,
        old: str,
        new: str,
        now: datetime,
        by_id: int | None = None,
        by_name: str | None = None,
    ) -> bool:
        """Compare-and-set: False when the survey is not `old` (any more)."""
        if new == "open":
            sql = (
                "UPDATE community_surveys SET status = 'open', sent_at = ?, sent_by_id = ?,"
                " sent_by_name = ? WHERE id = ? AND status = ?"
            )
            params: tuple[Any, ...] = (to_db(now), by_id, by_name, survey_id, old)
        elif new == "closed":
            sql = (
                "UPDATE community_surveys SET status = 'closed', closed_at = ?, closed_by = ?"
                " WHERE id = ? AND status = ?"
            )
            params = (to_db(now), by_name, survey_id, old)
        else:
            sql = "UPDATE community_surveys SET status = 'discarded' WHERE id = ? AND status = ?"
            params = (survey_id, old)
        cur = await conn.execute(sql, params)
        return cur.rowcount == 1

    _AUDIENCE = (
        " FROM subscriptions s JOIN users u ON u.id = s.user_id"
        " WHERE s.surveys = 1 AND u.blocked_bot = 0 AND u.banned = 0"
        " AND u.consent_version = :consent"
        " AND (json_array_length(:targets) = 0"
        "      OR s.precinct_id IN (SELECT value FROM json_each(:targets)))"
    )

    async def audience(self, conn: aiosqlite.Connection, targets: list[str]) -> int:
        """How many residents a survey to these areas would reach now."""
        cur = await conn.execute(
            "SELECT COUNT(DISTINCT s.user_id)" + self._AUDIENCE,
            {"targets": json.dumps(targets), "consent": CONSENT_VERSION},
        )
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def enrol(
        self, conn: aiosqlite.Connection, survey_id: int, targets: list[str], now: datetime
    ) -> int:
        """Record who the survey goes to, once each: a resident who follows several of its
        areas is asked once, as a resident of the area they followed first. Returns how many."""
        await conn.execute(
            "INSERT INTO community_survey_recipients (survey_id, user_id, precinct_id, language)"
            " SELECT :survey, user_id, precinct_id, language FROM ("
            "   SELECT s.user_id, s.precinct_id, u.language,"
            "   ROW_NUMBER() OVER (PARTITION BY s.user_id ORDER BY s.id) AS nth"
            + self._AUDIENCE
            + ") WHERE nth = 1"
            " ON CONFLICT (survey_id, user_id) DO NOTHING",
            {"survey": survey_id, "targets": json.dumps(targets), "consent": CONSENT_VERSION},
        )
        cur = await conn.execute(
            "SELECT COUNT(*) FROM community_survey_recipients WHERE survey_id = ?", (survey_id,)
        )
        row = await cur.fetchone()
        count = int(row[0]) if row else 0
        await conn.execute(
            "UPDATE community_surveys SET fanned_at = ?, recipients = ? WHERE id = ?",
            (to_db(now), count, survey_id),
        )
        return count

    async def next_batch(
        self, conn: aiosqlite.Connection, survey_id: int, limit: int
    ) -> list[dict[str, Any]]:
        """Recipients whose message is not in the outbox yet (at most `limit`), now marked as
        queued: the caller writes their messages in the same transaction."""
        cur = await conn.execute(
            "SELECT user_id, precinct_id, language FROM community_survey_recipients"
            " WHERE survey_id = ? AND queued = 0 ORDER BY user_id LIMIT ?",
            (survey_id, limit),
        )
        rows = [dict(row) for row in await cur.fetchall()]
        await conn.executemany(
            "UPDATE community_survey_recipients SET queued = 1 WHERE survey_id = ? AND user_id = ?",
            [(survey_id, r["user_id"]) for r in rows],
        )
        return rows

    async def recipient(
        self, conn: aiosqlite.Connection, survey_id: int, user_id: int
    ) -> dict[str, Any] | None:
        cur = await conn.execute(
            "SELECT * FROM community_survey_recipients WHERE survey_id = ? AND user_id = ?",
            (survey_id, user_id),
        )
        row = await cur.fetchone()
        return dict(row) if row else None

    async def answer_of(
        self, conn: aiosqlite.Connection, survey_id: int, user_id: int
    ) -> int | None:
        cur = await conn.execute(
            "SELECT option FROM community_survey_answers WHERE survey_id = ? AND user_id = ?",
            (survey_id, user_id),
        )
        row = await cur.fetchone()
        return int(row[0]) if row else None

    async def answer(
        self, conn: aiosqlite.Connection, survey_id: int, user_id: int, option: int, now: datetime
    ) -> None:
        """One answer per resident: a new one replaces the old (and counts the change)."""
        await conn.execute(
            "INSERT INTO community_survey_answers (survey_id, user_id, option, answered_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (survey_id, user_id) DO UPDATE SET"
            " option = excluded.option, answered_at = excluded.answered_at,"
            " changes = changes + 1",
            (survey_id, user_id, option, to_db(now)),
        )

    async def counts(
        self, conn: aiosqlite.Connection, survey_id: int
    ) -> tuple[dict[str, int], list[tuple[str, int, int]]]:
        """Recipients per precinct, and (precinct, option, answers) rows: counted at the end
        once it has ended, live before."""
        cur = await conn.execute(
            "SELECT precinct_id, recipients, counts FROM community_survey_tallies"
            " WHERE survey_id = ?",
            (survey_id,),
        )
        sealed = await cur.fetchall()
        if sealed:
            return {str(r[0]): int(r[1]) for r in sealed}, [
                (str(r[0]), n, int(c)) for r in sealed for n, c in enumerate(json.loads(r[2]))
            ]
        cur = await conn.execute(
            "SELECT precinct_id, COUNT(*) FROM community_survey_recipients WHERE survey_id = ?"
            " GROUP BY precinct_id",
            (survey_id,),
        )
        recipients = {str(r[0]): int(r[1]) for r in await cur.fetchall()}
        cur = await conn.execute(
            "SELECT r.precinct_id, a.option, COUNT(*) FROM community_survey_answers a"
            " JOIN community_survey_recipients r"
            "   ON r.survey_id = a.survey_id AND r.user_id = a.user_id"
            " WHERE a.survey_id = ? GROUP BY r.precinct_id, a.option",
            (survey_id,),
        )
        answers = [(str(r[0]), int(r[1]), int(r[2])) for r in await cur.fetchall()]
        return recipients, answers

    async def seal(self, conn: aiosqlite.Connection, survey_id: int, options: int) -> None:
        """At the end: only those it reached count as recipients; the answers are counted per
        area into tallies, and every row linking a person to the survey is deleted."""
        await conn.execute(  # the subquery runs once (not correlated): one pass each
            "DELETE FROM community_survey_recipients WHERE survey_id = ? AND user_id NOT IN ("
            " SELECT chat_id FROM outbox WHERE ref = ? AND sent_at IS NOT NULL)",
            (survey_id, f"csurvey:{survey_id}"),
        )
        recipients, answers = await self.counts(conn, survey_id)
        per = {p: [0] * options for p in recipients}
        for precinct, option, count in answers:
            if precinct in per and 0 <= option < options:
                per[precinct][option] += count
        await conn.executemany(
            "INSERT INTO community_survey_tallies (survey_id, precinct_id, recipients, counts)"
            " VALUES (?, ?, ?, ?)",
            [(survey_id, p, recipients[p], json.dumps(c)) for p, c in per.items()],
        )
        await conn.execute(
            "UPDATE community_surveys SET recipients = ? WHERE id = ? AND recipients IS NOT NULL",
            (sum(recipients.values()), survey_id),
        )
        await conn.execute("DELETE FROM community_survey_answers WHERE survey_id = ?", (survey_id,))
        await conn.execute(
            "DELETE FROM community_survey_recipients WHERE survey_id = ?", (survey_id,)
        )

    async def forget(self, conn: aiosqlite.Connection, user_id: int) -> None:
        """A person who withdrew consent: no survey of theirs, and no answer, is kept."""
        await conn.execute("DELETE FROM community_survey_answers WHERE user_id = ?", (user_id,))
        await conn.execute("DELETE FROM community_survey_recipients WHERE user_id = ?", (user_id,))


class OpsRepository:
    """staff_admins and ops_alerts: whom to tell when the bot cannot do its work."""

    async def set_admins(
        self,
        conn: aiosqlite.Connection,
        chat_id: int,
        admins: list[tuple[int, str]],
        now: datetime,
    ) -> None:
        await conn.execute("DELETE FROM staff_admins WHERE chat_id = ?", (chat_id,))
        await conn.executemany(
            "INSERT INTO staff_admins (chat_id, user_id, name, seen_at) VALUES (?, ?, ?, ?)",
            [(chat_id, user_id, name, to_db(now)) for user_id, name in admins],
        )

    async def admins(self, conn: aiosqlite.Connection, chat_id: int) -> list[dict[str, Any]]:
        """The group's administrators as last seen, with their language if they use the bot
        (None: they never wrote to it, Telegram would refuse a private message)."""
        cur = await conn.execute(
            "SELECT a.user_id, a.name, u.language, u.blocked_bot FROM staff_admins a"
            " LEFT JOIN users u ON u.id = a.user_id WHERE a.chat_id = ? ORDER BY a.user_id",
            (chat_id,),
        )
        return [dict(row) for row in await cur.fetchall()]

    async def raise_alert(
        self, conn: aiosqlite.Connection, kind: str, detail: str, now: datetime
    ) -> bool:
        """False if this alert is raised already (one per episode)."""
        cur = await conn.execute(
            "INSERT INTO ops_alerts (kind, raised_at, detail) VALUES (?, ?, ?)"
            " ON CONFLICT (kind) DO NOTHING",
            (kind, to_db(now), detail),
        )
        return cur.rowcount == 1

    async def clear_alert(self, conn: aiosqlite.Connection, kind: str) -> bool:
        cur = await conn.execute("DELETE FROM ops_alerts WHERE kind = ?", (kind,))
        return cur.rowcount == 1

    async def oldest_waiting(self, conn: aiosqlite.Connection) -> datetime | None:
        """When the oldest unsent row someone waits for (not bulk) was written; None if none."""
        cur = await conn.execute(
            "SELECT created_at FROM outbox WHERE state = 'pending' AND priority = 0"
            " ORDER BY priority, id LIMIT 1"
        )
        row = await cur.fetchone()
        return from_db(row[0]) if row else None


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

    async def blockers(self, conn: aiosqlite.Connection, user_id: int) -> tuple[list[int], bool]:
        """Open reports (the officers may need to reach the person) and a helper application
        or service still running (the law keeps helpers registered)."""
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
        return open_reports, await cur.fetchone() is not None

    async def erase(self, conn: aiosqlite.Connection, user_id: int, now: datetime) -> list[int]:
        """Erase in the caller's transaction; returns the reports unlinked. The person cannot
        be banned now (a banned person's updates stop before any handler)."""
        cur = await conn.execute(
            "SELECT id FROM reports WHERE reporter_id = ? ORDER BY id", (user_id,)
        )
        reports = [int(r[0]) for r in await cur.fetchall()]
        cur = await conn.execute("SELECT id FROM helpers WHERE user_id = ?", (user_id,))
        helpers = [int(r[0]) for r in await cur.fetchall()]
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
            [(f"report:{n}:%",) for n in reports] + [(f"helper:{h}:%",) for h in helpers],
        )
        await conn.execute("DELETE FROM fsm_states WHERE key LIKE ?", (f"%:{user_id}:{user_id}:%",))
        await conn.executemany(  # a survey still to come would go to nobody
            "UPDATE followups SET state = 'cancelled' WHERE subject = ? AND state = 'pending'",
            [(f"report:{number}",) for number in reports],
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

    async def blank_sent(self, conn: aiosqlite.Connection, before: datetime, limit: int) -> int:
        """Messages settled before `before` keep their Telegram ids (replies are traced by
        them), not their text: the names and phones in a staff post are not kept twice. A copy
        of a message holds no text, only ids (a relayed reply is traced by them): kept."""
        cur = await conn.execute(
            "UPDATE outbox SET payload = '{}' WHERE id IN (SELECT id FROM outbox"
            " WHERE state IN ('done', 'failed') AND payload <> '{}' AND created_at < ?"
            " AND method <> 'copyMessage' ORDER BY created_at LIMIT ?)",
            (to_db(before), limit),
        )
        return cur.rowcount
