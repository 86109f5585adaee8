"""Operational alerts: the bot cannot do its work and people must know. The staff group's
administrators hear it in private (in their language) and the log gets an error, once per
episode: when the bot is removed from the staff group, and when messages people wait for stay
unsent longer than OUTBOX_STALL_MINUTES (Telegram down, the network cut, a bug)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.outbox import NewMessage
from bot.services.outbox import Outbox
from bot.storage.db import Database, Tx
from bot.storage.repositories.ops import OpsRepository

log = logging.getLogger(__name__)

STALLED = "outbox_stalled"


class AlertRenderer(Protocol):
    def group_lost(self, user_id: int, language: str, chat_id: int) -> NewMessage: ...

    def outbox_stalled(self, user_id: int, language: str, minutes: int) -> NewMessage: ...


class OpsAlerts:
    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        clock: Callable[[], datetime],
        renderer: AlertRenderer,
        staff_chat_id: Callable[[], Awaitable[int | None]],
        stall_after: timedelta,
        default_language: str,
    ) -> None:
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.renderer = renderer
        self.staff_chat_id = staff_chat_id
        self.stall_after = stall_after
        self.default_language = default_language
        self.repo = OpsRepository()

    async def remember_admins(self, chat_id: int, admins: list[tuple[int, str]]) -> None:
        """The staff group's administrators as Telegram lists them now."""
        async with self.db.transaction() as conn:
            await self.repo.set_admins(conn, chat_id, admins, self.clock())

    async def _tell_admins(
        self,
        chat_id: int,
        message: Callable[[int, str], NewMessage],
        conn: Tx,
    ) -> int:
        told = 0
        for admin in await self.repo.admins(conn, chat_id):
            if admin["language"] is None or admin["blocked_bot"]:
                continue  # never wrote to the bot, or blocked it: Telegram would refuse
            await self.outbox.add(conn, message(admin["user_id"], admin["language"]))
            told += 1
        return told

    async def group_lost(self, chat_id: int, status: str) -> None:
        """The bot was removed from the staff group (or cannot post there any more)."""
        if chat_id != await self.staff_chat_id():
            return
        log.error(
            "the bot is no longer in the staff group %s (%s): reports cannot reach the staff; "
            "add it back as an administrator",
            chat_id,
            status,
        )
        async with self.db.transaction() as conn:
            if not await self.repo.raise_alert(conn, f"group_lost:{chat_id}", status, self.clock()):
                return
            told = await self._tell_admins(
                chat_id, lambda u, lang: self.renderer.group_lost(u, lang, chat_id), conn
            )
        self.outbox.notify()
        log.error("staff group %s lost: %s administrator(s) told in private", chat_id, told)

    async def group_back(self, chat_id: int) -> None:
        async with self.db.transaction() as conn:
            if await self.repo.clear_alert(conn, f"group_lost:{chat_id}"):
                log.warning("the bot is back in the staff group %s", chat_id)

    async def check_outbox(self) -> None:
        """Every minute: is what people wait for stuck in the outbox?"""
        now = self.clock()
        chat_id = await self.staff_chat_id()
        async with self.db.transaction() as conn:
            oldest = await self.repo.oldest_waiting(conn)
            if oldest is None or now - oldest < self.stall_after:
                if await self.repo.clear_alert(conn, STALLED):
                    log.warning("the outbox moves again")
                return
            minutes = int((now - oldest).total_seconds() // 60)
            log.error(
                "the outbox is stalled: a message people wait for has waited %s minutes "
                "(is Telegram reachable? see the outbox's last_error)",
                minutes,
            )
            if not await self.repo.raise_alert(conn, STALLED, f"{minutes} min", now):
                return
            if chat_id is not None:
                await self._tell_admins(
                    chat_id, lambda u, lang: self.renderer.outbox_stalled(u, lang, minutes), conn
                )
        self.outbox.notify()

    async def health(self) -> tuple[bool, dict[str, object]]:
        """For /healthz: the database answers, and what people wait for is not stuck."""
        now = self.clock()
        async with self.db.read() as conn:
            oldest = await self.repo.oldest_waiting(conn)
        age = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
        stalled = age >= self.stall_after.total_seconds()
        return not stalled, {
            "database": "ok",
            "outbox": "stalled" if stalled else "ok",
            "oldest_waiting_seconds": round(age, 1),
        }
