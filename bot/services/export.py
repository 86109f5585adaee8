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
from bot.storage.repositories import DutyRepository, StatsRepository, from_db

PAGE = 1000
#: Excel with Kazakh or Russian regional settings splits columns on ";", not ","
DELIMITER = ";"
REPORT_COLUMNS = [
    "number", "created", "category", "status", "precinct", "latitude", "longitude", "address",
    "anonymous", "reporter_name", "reporter_username", "phone", "language", "officer",
    "taken", "resolved", "minutes_to_take", "minutes_to_resolve", "survey_solved",
    "survey_rating",
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

    def _local(self, value: str | None) -> str:
        moment = from_db(value)
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    def _minutes(self, start: str | None, end: str | None) -> int | str:
        a, b = from_db(start), from_db(end)
        return int((b - a).total_seconds() // 60) if a and b else ""

    async def reports(self, period: Period, path: Path) -> int:
        """Write the reports CSV; returns how many rows."""
        since, until = self._bounds(period)
        count, after = 0, None
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            out = csv.writer(file, delimiter=DELIMITER)
            out.writerow(REPORT_COLUMNS)
            while True:
                async with self.db.read() as conn:  # one page at a time: others go between
                    rows = await self.stats.export_page(conn, since, until, after, PAGE)
                for row in rows:
                    anonymous = bool(row["anonymous"])
                    out.writerow(
                        safe_cell(v)
                        for v in (
                            row["id"],
                            self._local(row["created_at"]),
                            row["category"],
                            row["status"],
                            row["precinct_id"] or "",
                            row["latitude"] or "",
                            row["longitude"] or "",
                            row["address"] or "",
                            "yes" if anonymous else "no",
                            "" if anonymous else row["reporter_name"] or "",
                            "" if anonymous else row["reporter_username"] or "",
                            "" if anonymous else row["phone"] or "",
                            row["language"],
                            row["officer_name"] or "",
                            self._local(row["taken_at"]),
                            self._local(row["resolved_at"]),
                            self._minutes(row["created_at"], row["taken_at"]),
                            self._minutes(row["created_at"], row["resolved_at"]),
                            row["solved"] or "",
                            row["rating"] or "",
                        )
                    )
                count += len(rows)
                if len(rows) < PAGE:
                    return count
                after = (rows[-1]["created_at"], rows[-1]["id"])

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
                    async with self.db.read() as conn:
                        rows = await page_of(conn, since, until, after, PAGE)
                    for row in rows:
                        out.writerow(
                            safe_cell(v)
                            for v in (
                                self._local(row["at"]),
                                row["actor"],
                                row["actor_id"] or "",
                                row["actor_name"] or "",
                                row["action"],
                                row["subject"] or "",
                                row["detail"] or "",
                            )
                        )
                    count += len(rows)
                    if len(rows) < PAGE:
                        break
                    after = (rows[-1]["at"], rows[-1]["id"])
        return count

    async def hours(self, period: Period, path: Path) -> int:
        since, until = self._bounds(period)
        async with self.db.read() as conn:
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
