"""Community surveys: options, recipients, answers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.community import (
    CommunitySurvey,
    Option,
    SurveyDraft,
    SurveyRecipient,
    SurveyStatus,
    SurveySummary,
)
from bot.domain.refs import Ref
from bot.domain.users import CONSENT_VERSION
from bot.storage.repositories._rows import from_db, to_db


def _moment(value: str) -> datetime:
    moment = from_db(value)
    assert moment is not None
    return moment


def _survey(row: aiosqlite.Row, options: list[aiosqlite.Row]) -> CommunitySurvey:
    return CommunitySurvey(
        id=int(row["id"]),
        question_kk=row["question_kk"],
        question_ru=row["question_ru"],
        options=tuple(Option(o["text_kk"], o["text_ru"]) for o in options),
        targets=tuple(str(p) for p in json.loads(row["targets"])),
        ends_at=_moment(row["ends_at"]),
        status=SurveyStatus(row["status"]),
        chat_id=row["chat_id"],
        by_id=int(row["by_id"]),
        by_name=row["by_name"],
        created_at=_moment(row["created_at"]),
        sent_at=from_db(row["sent_at"]),
        sent_by_id=row["sent_by_id"],
        sent_by_name=row["sent_by_name"],
        fanned_at=from_db(row["fanned_at"]),
        recipients=row["recipients"],
        closed_at=from_db(row["closed_at"]),
        closed_by=row["closed_by"],
    )


def _recipient(survey_id: int, row: aiosqlite.Row) -> SurveyRecipient:
    return SurveyRecipient(survey_id, int(row["user_id"]), row["precinct_id"], str(row["language"]))


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

    async def get(self, conn: aiosqlite.Connection, survey_id: int) -> CommunitySurvey | None:
        cur = await conn.execute("SELECT * FROM community_surveys WHERE id = ?", (survey_id,))
        row = await cur.fetchone()
        if row is None:
            return None
        cur = await conn.execute(
            "SELECT text_kk, text_ru FROM community_survey_options WHERE survey_id = ?"
            " ORDER BY position",
            (survey_id,),
        )
        return _survey(row, list(await cur.fetchall()))

    async def recent(self, conn: aiosqlite.Connection, limit: int) -> list[SurveySummary]:
        """The newest surveys (drafts nobody sent are left out), with how many answered."""
        cur = await conn.execute(
            "SELECT s.id, s.question_kk, s.question_ru, s.status, s.ends_at, s.recipients,"
            " (SELECT COUNT(*) FROM community_survey_answers a WHERE a.survey_id = s.id)"
            " AS answered FROM community_surveys s WHERE s.status IN ('open', 'closed')"
            " ORDER BY s.id DESC LIMIT ?",
            (limit,),
        )
        return [
            SurveySummary(
                id=int(row["id"]),
                question_kk=row["question_kk"],
                question_ru=row["question_ru"],
                status=SurveyStatus(row["status"]),
                ends_at=_moment(row["ends_at"]),
                recipients=row["recipients"],
                answered=int(row["answered"]),
            )
            for row in await cur.fetchall()
        ]

    async def set_status(
        self,
        conn: aiosqlite.Connection,
        survey_id: int,
        old: SurveyStatus,
        new: SurveyStatus,
        now: datetime,
        by_id: int | None = None,
        by_name: str | None = None,
    ) -> bool:
        """Compare-and-set: False when the survey is not `old` (any more)."""
        if new is SurveyStatus.OPEN:
            sql = (
                "UPDATE community_surveys SET status = 'open', sent_at = ?, sent_by_id = ?,"
                " sent_by_name = ? WHERE id = ? AND status = ?"
            )
            params: tuple[Any, ...] = (to_db(now), by_id, by_name, survey_id, old.value)
        elif new is SurveyStatus.CLOSED:
            sql = (
                "UPDATE community_surveys SET status = 'closed', closed_at = ?, closed_by = ?"
                " WHERE id = ? AND status = ?"
            )
            params = (to_db(now), by_name, survey_id, old.value)
        else:
            assert new is SurveyStatus.DISCARDED
            sql = "UPDATE community_surveys SET status = 'discarded' WHERE id = ? AND status = ?"
            params = (survey_id, old.value)
        cur = await conn.execute(sql, params)
        return cur.rowcount == 1

    _AUDIENCE = (
        " FROM subscriptions s JOIN users u ON u.id = s.user_id"
        " WHERE s.surveys = 1 AND u.blocked_bot = 0 AND u.banned = 0"
        " AND u.consent_version = :consent"
        " AND (json_array_length(:targets) = 0"
        "      OR s.precinct_id IN (SELECT value FROM json_each(:targets)))"
    )

    async def audience(self, conn: aiosqlite.Connection, targets: Sequence[str]) -> int:
        """How many residents a survey to these areas would reach now."""
        cur = await conn.execute(
            "SELECT COUNT(DISTINCT s.user_id)" + self._AUDIENCE,
            {"targets": json.dumps(list(targets)), "consent": CONSENT_VERSION},
        )
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def enrol(
        self, conn: aiosqlite.Connection, survey_id: int, targets: Sequence[str], now: datetime
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
            {
                "survey": survey_id,
                "targets": json.dumps(list(targets)),
                "consent": CONSENT_VERSION,
            },
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
    ) -> list[SurveyRecipient]:
        """Recipients whose message is not in the outbox yet (at most `limit`), now marked as
        queued: the caller writes their messages in the same transaction."""
        cur = await conn.execute(
            "SELECT user_id, precinct_id, language FROM community_survey_recipients"
            " WHERE survey_id = ? AND queued = 0 ORDER BY user_id LIMIT ?",
            (survey_id, limit),
        )
        batch = [_recipient(survey_id, row) for row in await cur.fetchall()]
        await conn.executemany(
            "UPDATE community_survey_recipients SET queued = 1 WHERE survey_id = ? AND user_id = ?",
            [(survey_id, r.user_id) for r in batch],
        )
        return batch

    async def recipient(
        self, conn: aiosqlite.Connection, survey_id: int, user_id: int
    ) -> SurveyRecipient | None:
        cur = await conn.execute(
            "SELECT user_id, precinct_id, language FROM community_survey_recipients"
            " WHERE survey_id = ? AND user_id = ?",
            (survey_id, user_id),
        )
        row = await cur.fetchone()
        return _recipient(survey_id, row) if row else None

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
            (survey_id, str(Ref.csurvey(survey_id))),
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
