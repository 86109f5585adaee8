"""/export without Telegram: CSV files of reports, their audit and helpers' hours for a period,
written page by page (never the whole period in memory), UTF-8 with a BOM (Excel then reads
Kazakh and Russian), every text cell that could start a formula neutralised, and anonymous
reporters' identities left out."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.stats import Period
from bot.storage.db import Database
from bot.storage.repositories import DutyRepository, StatsRepository

PAGE = 1000
#: Excel with Kazakh or Russian regional settings splits columns on ";", not ","
DELIMITER = ";"
REPORT_COLUMNS = [
    "number", "created", "category", "status", "precinct", "latitude", "longitude", "address",
    "anonymous", "reporter_name", "reporter_username", "phone", "language", "officer",
    "taken", "resolved", "minutes_to_take", "minutes_to_resolve", "survey_solved",
    "survey_rating", "channel", "due", "answered_working_days", "late_working_days",
]  # fmt: skip
EVENT_COLUMNS = ["at", "actor", "actor_id", "actor_name", "action", "subject", "detail"]
HOURS_COLUMNS = ["helper", "full_name", "duties", "no_shows", "minutes"]


def safe_cell(value: Any) -> Any:
    """A text that Excel or LibreOffice would run as a formula (=, +, -, @, a tab or a carriage
    return first) gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


class ExportService:
    def __init__(self, db: Database, clock: Callable[[], datetime], zone: ZoneInfo) -> None:
        self.db = db
        self.clock = clock
        self.zone = zone
        self.stats = StatsRepository()
        self.duties = DutyRepository()

    def _bounds(self, period: Period) -> tuple[datetime, datetime]:
        since = datetime.combine(period.first, time(0), self.zone)
        return since, datetime.combine(period.last + timedelta(days=1), time(0), self.zone)

    def _local(self, moment: datetime | None) -> str:
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    def _minutes(self, start: datetime, end: datetime | None) -> int | str:
        return int((end - start).total_seconds() // 60) if end else ""

    async def reports(self, period: Period, path: Path) -> int:
        """Write the reports CSV; returns how many rows."""
        since, until = self._bounds(period)
        count, after = 0, None
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            out = csv.writer(file, delimiter=DELIMITER)
            out.writerow(REPORT_COLUMNS)
            while True:
                # one page at a time, on the database's thread: others go between
                async with self.db.read(slow=True) as conn:
                    rows = await self.stats.export_page(conn, since, until, after, PAGE)
                for line in rows:
                    anonymous = line.anonymous
                    out.writerow(
                        safe_cell(v)
                        for v in (
                            line.id,
                            self._local(line.created_at),
                            line.category,
                            line.status,
                            line.precinct_id or "",
                            line.latitude or "",
                            line.longitude or "",
                            line.address or "",
                            "yes" if anonymous else "no",
                            "" if anonymous else line.reporter_name or "",
                            "" if anonymous else line.reporter_username or "",
                            "" if anonymous else line.phone or "",
                            line.language,
                            line.officer_name or "",
                            self._local(line.taken_at),
                            self._local(line.resolved_at),
                            self._minutes(line.created_at, line.taken_at),
                            self._minutes(line.created_at, line.resolved_at),
                            line.solved or "",
                            line.rating or "",
                            line.channel,
                            line.due_on or "",
                            "" if line.answer_days is None else line.answer_days,
                            "" if line.late_days is None else line.late_days,
                        )
                    )
                count += len(rows)
                if len(rows) < PAGE:
                    return count
                after = rows[-1].position

    async def events(self, period: Period, path: Path) -> int:
        """Write the audit CSV: every report event, then every staff action, each in time order;
        returns how many rows."""
        since, until = self._bounds(period)
        count = 0
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            out = csv.writer(file, delimiter=DELIMITER)
            out.writerow(EVENT_COLUMNS)
            for page_of in (self.stats.events_page, self.stats.audit_page):
                after = None
                while True:
                    async with self.db.read(slow=True) as conn:
                        rows = await page_of(conn, since, until, after, PAGE)
                    for event in rows:
                        out.writerow(
                            safe_cell(v)
                            for v in (
                                self._local(event.at),
                                event.actor,
                                event.actor_id or "",
                                event.actor_name or "",
                                event.action,
                                event.subject or "",
                                event.detail or "",
                            )
                        )
                    count += len(rows)
                    if len(rows) < PAGE:
                        break
                    after = rows[-1].position
        return count

    async def hours(self, period: Period, path: Path) -> int:
        since, until = self._bounds(period)
        async with self.db.read(slow=True) as conn:
            rows = await self.duties.hours_by_helper(conn, since, until)
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            out = csv.writer(file, delimiter=DELIMITER)
            out.writerow(HOURS_COLUMNS)
            for row in rows:
                out.writerow(
                    safe_cell(v)
                    for v in (row.helper_id, row.full_name, row.duties, row.no_shows, row.minutes)
                )
        return len(rows)
