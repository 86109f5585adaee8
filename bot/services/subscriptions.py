"""Residents who opted in to an area (a precinct): they choose what to hear (community surveys,
local priorities, alerts when a report there is resolved) and can stop at any time. Nobody is
messaged about an area without having asked to be."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bot.domain.outbox import NewMessage
from bot.domain.refs import Ref, RefKind
from bot.domain.reports import Report
from bot.domain.subscriptions import LocalPriority, Subscription, SubscriptionKind
from bot.services.outbox import Outbox
from bot.storage.db import Database, Tx
from bot.storage.repositories.subscriptions import PriorityRepository, SubscriptionRepository


class AlertRenderer(Protocol):
    def area_alert(self, report: Report, user_id: int, language: str) -> NewMessage: ...

    def priorities_changed(
        self, precinct_id: str, items: list[LocalPriority], user_id: int, language: str
    ) -> NewMessage: ...


class SubscriptionService:
    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        clock: Callable[[], datetime],
        renderer: AlertRenderer,
    ) -> None:
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.renderer = renderer
        self.repo = SubscriptionRepository()
        self.priorities = PriorityRepository()

    async def subscribe(self, user_id: int, precinct_id: str) -> bool:
        """Follow an area (everything on); False if already followed."""
        async with self.db.transaction() as conn:
            return await self.repo.add(conn, user_id, precinct_id, self.clock())

    async def mine(self, user_id: int) -> list[Subscription]:
        async with self.db.read() as conn:
            return await self.repo.of_user(conn, user_id)

    async def switch(self, user_id: int, subscription_id: int, kind: str, on: bool) -> bool:
        async with self.db.transaction() as conn:
            return await self.repo.switch(conn, user_id, subscription_id, kind, on)

    async def remove(self, user_id: int, subscription_id: int) -> bool:
        async with self.db.transaction() as conn:
            return await self.repo.remove(conn, user_id, subscription_id)

    async def on_resolved(self, conn: Tx, report: Report) -> None:
        """Inside the transaction that resolves a report: those who follow its area for alerts
        hear the category, the area and the outcome, never who reported it (nor the reporter
        about their own report: they are told anyway). Bulk rows: they wait behind anything a
        person is waiting for."""
        if report.precinct_id is None:
            return
        if await self.outbox.repo.ever(conn, Ref.alert(report.id)):
            return  # resolved again after a reopen: told once is enough
        listeners = await self.repo.listeners(conn, report.precinct_id, SubscriptionKind.ALERTS)
        for listener in listeners:
            if listener.user_id != report.reporter_id:
                await self.outbox.add(
                    conn, self.renderer.area_alert(report, listener.user_id, listener.language)
                )

    # --- local priorities ----------------------------------------------------------------------

    async def publish(
        self,
        precinct_id: str,
        text_kk: str,
        text_ru: str,
        since: str,
        by_id: int,
        by_name: str | None,
    ) -> int:
        """A precinct's new priority: stored, and those who follow the area for priorities
        get the precinct's list as it is now, in their language."""
        async with self.db.transaction() as conn:
            number = await self.priorities.add(
                conn, precinct_id, text_kk, text_ru, since, by_id, by_name, self.clock()
            )
            await self._tell(conn, precinct_id)
        self.outbox.notify()
        return number

    async def withdraw_priority(self, priority_id: int) -> bool:
        async with self.db.transaction() as conn:
            removed = await self.priorities.remove(conn, priority_id, self.clock())
            if removed is not None:
                await self._tell(conn, removed.precinct_id)
        self.outbox.notify()
        return removed is not None

    async def priorities_of(self, precinct_id: str | None = None) -> list[LocalPriority]:
        async with self.db.read() as conn:
            return await self.priorities.current(conn, precinct_id)

    async def _tell(self, conn: Tx, precinct_id: str) -> None:
        items = await self.priorities.current(conn, precinct_id)
        # a list not yet sent is replaced by this one: one message per change burst
        await self.outbox.repo.drop_pending(conn, Ref(RefKind.PRIORITIES, part=precinct_id))
        for listener in await self.repo.listeners(conn, precinct_id, SubscriptionKind.PRIORITIES):
            await self.outbox.add(
                conn,
                self.renderer.priorities_changed(
                    precinct_id, items, listener.user_id, listener.language
                ),
            )
