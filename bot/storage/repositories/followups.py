"""Follow-ups (what must happen later) and the residents' survey answers."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.followups import FollowUp
from bot.domain.refs import Ref
from bot.domain.surveys import SatisfactionSurvey, Solved
from bot.storage.repositories._rows import from_db, to_db


def _followup(row: aiosqlite.Row) -> FollowUp:
    """ValueError for a subject this release cannot read (the runner gives such a row up)."""
    due = from_db(row["due_at"])
    assert due is not None
    return FollowUp(
        id=int(row["id"]),
        kind=row["kind"],
        subject=Ref.parse(row["subject"]),
        due_at=due,
        attempts=int(row["attempts"]),
        data=json.loads(row["data"] or "{}"),
    )


class FollowUpRepository:
    """followups: what must happen later; surveys: the residents' answers."""

    async def schedule(
        self,
        conn: aiosqlite.Connection,
        kind: str,
        subject: Ref,
        due: datetime,
        data: dict[str, Any],
        now: datetime,
    ) -> None:
        """One pending follow-up of a kind per subject: scheduling again moves it."""
        await conn.execute(
            "INSERT INTO followups (kind, subject, due_at, data, created_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (kind, subject) WHERE state = 'pending'"
            " DO UPDATE SET due_at = excluded.due_at, data = excluded.data",
            (kind, str(subject), to_db(due), json.dumps(data, ensure_ascii=False), to_db(now)),
        )

    async def move_pending(
        self, conn: aiosqlite.Connection, kind: str, subject: Ref, due: datetime
    ) -> None:
        await conn.execute(
            "UPDATE followups SET due_at = ? WHERE kind = ? AND subject = ? AND state = 'pending'",
            (to_db(due), kind, str(subject)),
        )

    async def cancel(
        self, conn: aiosqlite.Connection, subject: Ref, kinds: tuple[str, ...], now: datetime
    ) -> int:
        marks = ", ".join("?" for _ in kinds)
        cur = await conn.execute(
            "UPDATE followups SET state = 'cancelled', done_at = ?"
            f" WHERE subject = ? AND state = 'pending' AND kind IN ({marks})",
            (to_db(now), str(subject), *kinds),
        )
        return cur.rowcount

    async def pending(self, conn: aiosqlite.Connection, kind: str) -> list[FollowUp]:
        """The pending ones of a kind (one whose subject this release cannot read is left out:
        the runner gives it up when it falls due)."""
        cur = await conn.execute(
            "SELECT * FROM followups WHERE kind = ? AND state = 'pending' ORDER BY due_at",
            (kind,),
        )
        found = []
        for row in await cur.fetchall():
            try:
                found.append(_followup(row))
            except ValueError:
                continue
        return found

    async def due(self, conn: aiosqlite.Connection, now: datetime, limit: int) -> list[int]:
        cur = await conn.execute(
            "SELECT id FROM followups WHERE state = 'pending' AND due_at <= ?"
            " ORDER BY due_at, id LIMIT ?",
            (to_db(now), limit),
        )
        return [int(row[0]) for row in await cur.fetchall()]

    async def claim_peek(self, conn: aiosqlite.Connection, row_id: int) -> FollowUp | None:
        """The row if it is still pending (a look before claiming: nothing is held); ValueError
        for one whose subject this release cannot read."""
        cur = await conn.execute(
            "SELECT * FROM followups WHERE id = ? AND state = 'pending'", (row_id,)
        )
        row = await cur.fetchone()
        return _followup(row) if row else None

    async def claim(self, conn: aiosqlite.Connection, row_id: int) -> FollowUp | None:
        """Inside the acting transaction: the row, if it is still pending (the write lock of
        BEGIN IMMEDIATE makes a second claimer wait and then find it done)."""
        cur = await conn.execute(
            "UPDATE followups SET attempts = attempts + 1 WHERE id = ? AND state = 'pending'",
            (row_id,),
        )
        if cur.rowcount != 1:
            return None
        cur = await conn.execute("SELECT * FROM followups WHERE id = ?", (row_id,))
        row = await cur.fetchone()
        return _followup(row) if row else None

    async def done(self, conn: aiosqlite.Connection, row_id: int, now: datetime) -> None:
        await conn.execute(
            "UPDATE followups SET state = 'done', done_at = ?, last_error = NULL WHERE id = ?",
            (to_db(now), row_id),
        )

    async def later(
        self,
        conn: aiosqlite.Connection,
        row_id: int,
        due: datetime,
        error: str | None = None,
        *,
        count_attempt: bool = False,
        postponed: bool = False,
    ) -> None:
        """Run it again at `due`: after a failure (`count_attempt`), or because the handler
        chose to (`postponed`: not a failure, so the attempts start again from nought)."""
        await conn.execute(
            "UPDATE followups SET due_at = ?, last_error = ?,"
            " attempts = CASE WHEN ? THEN 0 ELSE attempts + ? END WHERE id = ?",
            (to_db(due), error[:1000] if error else None, int(postponed), int(count_attempt),
             row_id),
        )  # fmt: skip

    async def give_up(self, conn: aiosqlite.Connection, row_id: int, error: str) -> None:
        await conn.execute(
            "UPDATE followups SET state = 'cancelled', last_error = ?"
            " WHERE id = ? AND state = 'pending'",
            (error[:1000], row_id),
        )

    async def next_due(self, conn: aiosqlite.Connection) -> datetime | None:
        cur = await conn.execute("SELECT min(due_at) FROM followups WHERE state = 'pending'")
        row = await cur.fetchone()
        return from_db(row[0]) if row and row[0] else None

    # --- surveys --------------------------------------------------------------------------

    async def survey(self, conn: aiosqlite.Connection, report_id: int) -> SatisfactionSurvey | None:
        cur = await conn.execute("SELECT * FROM surveys WHERE report_id = ?", (report_id,))
        row = await cur.fetchone()
        if row is None:
            return None
        sent_at = from_db(row["sent_at"])
        assert sent_at is not None
        return SatisfactionSurvey(
            report_id=int(row["report_id"]),
            resident_id=int(row["resident_id"]),
            precinct_id=row["precinct_id"],
            officer_id=row["officer_id"],
            sent_at=sent_at,
            solved=Solved(row["solved"]) if row["solved"] else None,
            rating=int(row["rating"]) if row["rating"] is not None else None,
            comment=row["comment"] or None,
            answered_at=from_db(row["answered_at"]),
        )

    async def open_survey(
        self,
        conn: aiosqlite.Connection,
        report_id: int,
        resident_id: int,
        precinct_id: str | None,
        officer_id: int | None,
        now: datetime,
    ) -> bool:
        """At most one survey per report: False if it was sent already."""
        cur = await conn.execute(
            "INSERT INTO surveys (report_id, resident_id, precinct_id, officer_id, sent_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (report_id) DO NOTHING",
            (report_id, resident_id, precinct_id, officer_id, to_db(now)),
        )
        return cur.rowcount == 1

    async def answer(
        self,
        conn: aiosqlite.Connection,
        report_id: int,
        field: str,
        value: Any,
        now: datetime,
    ) -> bool:
        """Store one answer, once: False if it was answered already."""
        if field not in ("solved", "rating", "comment"):
            raise ValueError(field)
        cur = await conn.execute(
            f"UPDATE surveys SET {field} = ?, answered_at = coalesce(answered_at, ?)"
            f" WHERE report_id = ? AND {field} IS NULL",
            (value, to_db(now), report_id),
        )
        return cur.rowcount == 1

    async def survey_stats(
        self, conn: aiosqlite.Connection, start: datetime, end: datetime
    ) -> dict[str, Any]:
        cur = await conn.execute(
            "SELECT solved, count(*), avg(rating) FROM surveys"
            " WHERE answered_at >= ? AND answered_at < ? GROUP BY solved",
            (to_db(start), to_db(end)),
        )
        rows = await cur.fetchall()
        cur = await conn.execute(
            "SELECT avg(rating), count(rating) FROM surveys"
            " WHERE answered_at >= ? AND answered_at < ?",
            (to_db(start), to_db(end)),
        )
        avg = await cur.fetchone()
        return {
            "solved": {row[0]: row[1] for row in rows if row[0]},
            "rating": float(avg[0]) if avg and avg[0] is not None else None,
            "rated": int(avg[1]) if avg else 0,
        }
