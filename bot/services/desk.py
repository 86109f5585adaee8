"""The staff desk without Telegram: bans (by a report's number: staff never need to see an
anonymous reporter to stop them), the audit of staff actions, /find and /card."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.domain.directory_file import normalise_phone
from bot.domain.refs import Ref
from bot.domain.reports import FoundReport, Report
from bot.domain.users import FORGOTTEN
from bot.storage.db import Database
from bot.storage.repositories import (
    ModerationRepository,
    ReportRepository,
    TemplateRepository,
)

log = logging.getLogger(__name__)

USERNAME = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{4,31})$")
MAX_REASON = 300


class BanResult(StrEnum):
    BANNED = "banned"
    ALREADY = "already"
    LIFTED = "lifted"
    NOT_BANNED = "not_banned"
    NO_REPORT = "no_report"
    ERASED = "erased"  # its author had their data erased: there is nobody to ban


@dataclass(frozen=True)
class Card:
    report: Report
    history: list[dict[str, Any]]
    audit: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Found:
    """What /find found: one report's card, a list of reports, or nothing understood."""

    card: Card | None = None
    reports: list[FoundReport] = field(default_factory=list)
    understood: bool = True


class DeskService:
    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock
        self.repo = ModerationRepository()
        self.reports = ReportRepository()
        self.templates = TemplateRepository()

    async def ban(
        self, report_id: int, reason: str, by_id: int, by_name: str | None, chat_id: int
    ) -> BanResult:
        """Ban the author of report `report_id` (audited, with the reason)."""
        reason = " ".join(reason.split())[:MAX_REASON]
        now = self.clock()
        async with self.db.transaction() as conn:
            report = await self.reports.get(conn, report_id)
            if report is None:
                return BanResult.NO_REPORT
            if report.reporter_id == FORGOTTEN:
                return BanResult.ERASED
            ban_id = await self.repo.ban(
                conn, report.reporter_id, report_id, reason, by_id, by_name, now
            )
            if ban_id is None:
                return BanResult.ALREADY
            await self.repo.audit(
                conn, by_id, by_name, chat_id, "ban", str(Ref.report(report_id)), reason, now
            )
        log.info("report %s: its author banned by %s", report_id, by_id)
        return BanResult.BANNED

    async def unban(
        self, report_id: int, by_id: int, by_name: str | None, chat_id: int
    ) -> BanResult:
        now = self.clock()
        async with self.db.transaction() as conn:
            report = await self.reports.get(conn, report_id)
            if report is None:
                return BanResult.NO_REPORT
            lifted = await self.repo.lift(conn, report_id, by_id, by_name, now)
            if lifted is None:
                return BanResult.NOT_BANNED
            await self.repo.audit(
                conn, by_id, by_name, chat_id, "unban", str(Ref.report(report_id)), None, now
            )
        log.info("report %s: its author's ban lifted by %s", report_id, by_id)
        return BanResult.LIFTED

    async def author_of(self, report_id: int) -> int | None:
        """Who wrote a report (to check they are not staff before a ban; never shown); None
        when there is no such report or its author was erased."""
        async with self.db.read() as conn:
            report = await self.reports.get(conn, report_id)
        if report is None or report.reporter_id == FORGOTTEN:
            return None
        return report.reporter_id

    async def banned(self, limit: int = 50) -> list[dict[str, Any]]:
        async with self.db.read() as conn:
            return await self.repo.in_force(conn, limit)

    async def refused(
        self, actor_id: int, actor_name: str | None, chat_id: int, action: str
    ) -> None:
        """A staff-only action someone without the role tried: recorded (and logged)."""
        log.warning("refused %s for %s in chat %s", action, actor_id, chat_id)
        async with self.db.transaction() as conn:
            await self.repo.audit(
                conn, actor_id, actor_name, chat_id, "refused", None, action, self.clock()
            )

    async def audited(
        self, actor_id: int, actor_name: str | None, chat_id: int, action: str, detail: str
    ) -> None:
        """A staff action with nothing else to record it (an export, a look at phones)."""
        async with self.db.transaction() as conn:
            await self.repo.audit(
                conn, actor_id, actor_name, chat_id, action, None, detail, self.clock()
            )

    async def add_template(
        self,
        category: str | None,
        title: str,
        text_kk: str,
        text_ru: str,
        by_id: int,
        by_name: str | None,
        chat_id: int,
    ) -> int:
        now = self.clock()
        async with self.db.transaction() as conn:
            template_id = await self.templates.add(
                conn, category, title, text_kk, text_ru, by_id, now
            )
            await self.repo.audit(
                conn, by_id, by_name, chat_id, "template_add", f"template:{template_id}", title, now
            )
        return template_id

    async def remove_template(
        self, template_id: int, by_id: int, by_name: str | None, chat_id: int
    ) -> bool:
        now = self.clock()
        async with self.db.transaction() as conn:
            done = await self.templates.remove(conn, template_id, now)
            if done:
                await self.repo.audit(
                    conn, by_id, by_name, chat_id, "template_remove", f"template:{template_id}",
                    None, now,
                )  # fmt: skip
        return done

    async def templates_list(self) -> list[dict[str, Any]]:
        async with self.db.read() as conn:
            return await self.templates.active(conn)

    async def card(self, report_id: int) -> Card | None:
        async with self.db.read() as conn:
            report = await self.reports.get(conn, report_id)
            if report is None:
                return None
            return Card(
                report,
                await self.reports.history(conn, report_id),
                await self.repo.audit_of(conn, str(Ref.report(report_id))),
            )

    async def looked(
        self, actor_id: int, actor_name: str | None, chat_id: int, action: str, what: str
    ) -> None:
        """A look at personal data (/find, /card): recorded like any staff action."""
        subject = str(Ref.report(int(what))) if what.isdecimal() else None
        async with self.db.transaction() as conn:
            await self.repo.audit(
                conn, actor_id, actor_name, chat_id, action, subject, what[:100], self.clock()
            )

    async def find(self, query: str) -> Found:
        """By report number (№ 1042 or 1042), phone (+7…) or @username."""
        text = query.strip().lstrip("№").strip()
        if text.isdecimal() and len(text) < 10:
            card = await self.card(int(text))
            return Found(card=card)
        digits = re.sub(r"[\s()\-.+]", "", text)
        phone = None
        if digits.isdecimal():
            phone = normalise_phone(text) or (f"+{digits}" if 10 <= len(digits) <= 15 else None)
        username = USERNAME.match(text)
        if phone is None and username is None:
            return Found(understood=False)
        async with self.db.read() as conn:
            rows = await self.repo.find_reports(
                conn, phone, username.group(1) if username and phone is None else None, 20
            )
        return Found(reports=rows)
