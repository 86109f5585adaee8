"""Read-only figures for /stats and the exports."""

from __future__ import annotations

import statistics
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.domain.deadlines import TermFigures
from bot.domain.reports import Status
from bot.domain.surveys import Solved
from bot.storage.repositories._rows import from_db, to_db
from bot.storage.repositories.reports import stored_status

#: a keyset position for the export's pages: (time, id) in the database's own text, handed back
#: as it came (never re-made from a parsed moment, which could sort differently)
Position = tuple[str, int]


@dataclass(frozen=True, slots=True)
class ReportFact:
    """One report as /stats counts it: when and what, where it stands, the seconds to its
    first take and first resolution, and its survey's answers (if any)."""

    id: int
    category: str
    created_at: datetime
    status: Status
    take_s: float | None
    resolve_s: float | None
    rating: int | None
    solved: Solved | None
    #: how it came in: telegram, phone, walkin
    channel: str = "telegram"


@dataclass(frozen=True, slots=True)
class ExportReport:
    """One line of the reports export."""

    id: int
    created_at: datetime
    category: str
    status: Status
    precinct_id: str | None
    latitude: float | None
    longitude: float | None
    address: str | None
    anonymous: bool
    reporter_name: str | None
    reporter_username: str | None
    phone: str | None
    language: str
    officer_id: int | None
    officer_name: str | None
    taken_at: datetime | None
    resolved_at: datetime | None
    solved: Solved | None
    rating: int | None
    #: where the next page starts
    position: Position
    #: how it came in, and the legal clock: the term, working days to the answer, days late
    channel: str = "telegram"
    due_on: str | None = None
    answer_days: int | None = None
    late_days: int | None = None


@dataclass(frozen=True, slots=True)
class ExportEvent:
    """One line of the audit export: a report's event or a staff action."""

    id: int
    at: datetime
    actor: str
    actor_id: int | None
    actor_name: str | None
    action: str
    subject: str | None
    detail: str | None
    #: where the next page starts
    position: Position


def _moment(value: str) -> datetime:
    moment = from_db(value)
    assert moment is not None
    return moment


def _fact(row: aiosqlite.Row) -> ReportFact:
    return ReportFact(
        id=int(row["id"]),
        category=row["category"],
        created_at=_moment(row["created_at"]),
        status=stored_status(row["status"], row["referred_to"]),
        take_s=float(row["take_s"]) if row["take_s"] is not None else None,
        resolve_s=float(row["resolve_s"]) if row["resolve_s"] is not None else None,
        rating=int(row["rating"]) if row["rating"] is not None else None,
        solved=Solved(row["solved"]) if row["solved"] is not None else None,
        channel=row["channel"],
    )


def _export_report(row: aiosqlite.Row) -> ExportReport:
    return ExportReport(
        id=int(row["id"]),
        created_at=_moment(row["created_at"]),
        category=row["category"],
        status=stored_status(row["status"], row["referred_to"]),
        precinct_id=row["precinct_id"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        address=row["address"],
        anonymous=bool(row["anonymous"]),
        reporter_name=row["reporter_name"],
        reporter_username=row["reporter_username"],
        phone=row["phone"],
        language=row["language"],
        officer_id=row["officer_id"],
        officer_name=row["officer_name"],
        taken_at=from_db(row["taken_at"]),
        resolved_at=from_db(row["resolved_at"]),
        solved=Solved(row["solved"]) if row["solved"] is not None else None,
        rating=int(row["rating"]) if row["rating"] is not None else None,
        position=(row["created_at"], int(row["id"])),
        channel=row["channel"],
        due_on=row["due_on"],
        answer_days=row["answer_days"],
        late_days=row["late_days"],
    )


def _export_event(row: aiosqlite.Row) -> ExportEvent:
    return ExportEvent(
        id=int(row["id"]),
        at=_moment(row["at"]),
        actor=row["actor"],
        actor_id=row["actor_id"],
        actor_name=row["actor_name"],
        action=row["action"],
        subject=row["subject"],
        detail=row["detail"],
        position=(row["at"], int(row["id"])),
    )


class _Term:
    def __init__(self) -> None:
        self.days: list[int] = []
        self.in_time = 0
        self.overdue = 0


async def _term_figures(
    conn: aiosqlite.Connection,
    since: datetime,
    until: datetime,
    today: date,
    precinct: str | None = None,
) -> list[TermFigures]:
    """The legal clock per precinct: first answers given in [since, until) (working days
    taken, in time or late) and open reports whose term ended before `today`. Reports
    received before the clock existed have no term and are not counted. Busiest first."""
    where = ""
    args: tuple[str, ...] = ()
    if precinct is not None:
        where, args = " AND precinct_id = ?", (precinct,)
    per: dict[str, _Term] = {}
    cur = await conn.execute(
        "SELECT coalesce(precinct_id, ''), answer_days, late_days FROM reports"
        " WHERE answered_at >= ? AND answered_at < ? AND answer_days IS NOT NULL" + where,
        (to_db(since), to_db(until), *args),
    )
    for place, days, late in await cur.fetchall():
        term = per.setdefault(place, _Term())
        term.days.append(int(days))
        term.in_time += int(late == 0)
    # open reports are few (the day's work, not the city's history): counted here, no sort
    cur = await conn.execute(
        "SELECT coalesce(precinct_id, '') FROM reports"
        " WHERE status IN ('new', 'taken') AND due_on < ?" + where,
        (today.isoformat(), *args),
    )
    for (place,) in await cur.fetchall():
        per.setdefault(place, _Term()).overdue += 1
    figures = [
        TermFigures(
            place or None,
            len(term.days),
            term.in_time,
            statistics.median(term.days) if term.days else None,
            term.overdue,
        )
        for place, term in per.items()
    ]
    return sorted(figures, key=lambda f: (-(f.answered + f.overdue), f.precinct_id or "~"))


class StatsRepository:
    """Read-only figures for /stats (and, later, /export)."""

    async def terms(
        self,
        conn: aiosqlite.Connection,
        since: datetime,
        until: datetime,
        today: date,
        precinct: str | None = None,
    ) -> list[TermFigures]:
        return await _term_figures(conn, since, until, today, precinct)

    async def period(
        self,
        conn: aiosqlite.Connection,
        since: datetime,
        until: datetime,
        precinct: str | None,
        chunk: int = 2000,
    ) -> AsyncGenerator[list[ReportFact]]:
        """Reports made in [since, until) (in one precinct, or all), with the seconds to their
        first take and first resolution, and their survey (if answered): `chunk` rows at a
        time, never the whole period in memory."""
        cur = await conn.execute(
            "SELECT r.id, r.category, r.created_at, r.status, r.referred_to, r.channel,"
            " (SELECT (julianday(min(e.at)) - julianday(r.created_at)) * 86400"
            "   FROM report_events e WHERE e.report_id = r.id AND e.action = 'take') AS take_s,"
            " (SELECT (julianday(min(e.at)) - julianday(r.created_at)) * 86400"
            "   FROM report_events e WHERE e.report_id = r.id AND e.action = 'resolve')"
            "   AS resolve_s,"
            " s.rating, s.solved"
            " FROM reports r LEFT JOIN surveys s ON s.report_id = r.id"
            " WHERE r.created_at >= ? AND r.created_at < ? AND (? IS NULL OR r.precinct_id = ?)"
            " ORDER BY r.created_at",
            (to_db(since), to_db(until), precinct, precinct),
        )
        try:
            while rows := list(await cur.fetchmany(chunk)):
                yield [_fact(row) for row in rows]
        finally:
            await cur.close()

    async def export_page(
        self,
        conn: aiosqlite.Connection,
        since: datetime,
        until: datetime,
        after: Position | None,
        limit: int,
    ) -> list[ExportReport]:
        """One page of reports for /export, in the order they were made (keyset: the ones
        after `after`, the last line's position, read along the index on created_at), each with
        its first take and resolution times, the officer's name and its survey."""
        # the cursor's own time is the lower bound: the index is entered at the cursor, not at
        # the period's start (each page would walk again everything before it)
        at, after_id = after or (to_db(since), 0)
        cur = await conn.execute(
            "SELECT r.id, r.created_at, r.category, r.status, r.referred_to, r.precinct_id,"
            " r.latitude,"
            " r.longitude, r.address, r.anonymous, r.reporter_name, r.reporter_username,"
            " r.phone, r.language, r.officer_id, r.channel, r.due_on, r.answer_days, r.late_days,"
            " (SELECT min(e.at) FROM report_events e WHERE e.report_id = r.id"
            "   AND e.action = 'take') AS taken_at,"
            " (SELECT min(e.at) FROM report_events e WHERE e.report_id = r.id"
            "   AND e.action = 'resolve') AS resolved_at,"
            " (SELECT e.actor_name FROM report_events e WHERE e.report_id = r.id"
            "   AND e.actor_id = r.officer_id AND e.actor_name IS NOT NULL"
            "   ORDER BY e.id DESC LIMIT 1) AS officer_name,"
            " s.solved, s.rating"
            " FROM reports r LEFT JOIN surveys s ON s.report_id = r.id"
            " WHERE r.created_at >= ? AND r.created_at < ? AND (r.created_at, r.id) > (?, ?)"
            " ORDER BY r.created_at, r.id LIMIT ?",
            (at, to_db(until), at, after_id, limit),
        )
        return [_export_report(row) for row in await cur.fetchall()]

    async def events_page(
        self,
        conn: aiosqlite.Connection,
        since: datetime,
        until: datetime,
        after: Position | None,
        limit: int,
    ) -> list[ExportEvent]:
        """A page of the report events in [since, until) for /export's audit, in time order
        (keyset: after `after`, the last line's position, along the index on `at`)."""
        at, after_id = after or (to_db(since), 0)
        cur = await conn.execute(
            "SELECT e.id, e.at, e.actor, CASE WHEN e.actor = 'staff' THEN e.actor_id END"
            " AS actor_id, e.actor_name, e.action, 'report:' || e.report_id AS subject,"
            " e.note AS detail FROM report_events e"
            " WHERE e.at >= ? AND e.at < ? AND (e.at, e.id) > (?, ?)"
            " ORDER BY e.at, e.id LIMIT ?",
            (at, to_db(until), at, after_id, limit),
        )
        return [_export_event(row) for row in await cur.fetchall()]

    async def audit_page(
        self,
        conn: aiosqlite.Connection,
        since: datetime,
        until: datetime,
        after: Position | None,
        limit: int,
    ) -> list[ExportEvent]:
        """A page of the staff actions in [since, until) for /export's audit, in time order."""
        at, after_id = after or (to_db(since), 0)
        cur = await conn.execute(
            "SELECT a.id, a.at, 'staff' AS actor, a.actor_id, a.actor_name, a.action,"
            " a.subject, a.detail FROM staff_audit a"
            " WHERE a.at >= ? AND a.at < ? AND (a.at, a.id) > (?, ?)"
            " ORDER BY a.at, a.id LIMIT ?",
            (at, to_db(until), at, after_id, limit),
        )
        return [_export_event(row) for row in await cur.fetchall()]
