"""APScheduler, started inside the running event loop, drives the follow-up runner."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.services.followups import FollowUps

log = logging.getLogger(__name__)
# "skipped: maximum number of running instances reached" is the coalescing we asked for
logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)


class FollowUpScheduler:
    """One interval job that runs due follow-ups: in-memory job store (the durable state is
    the followups table), one instance at a time, missed runs coalesced into one."""

    def __init__(self, followups: FollowUps, tick_seconds: float) -> None:
        self.followups = followups
        self.tick_seconds = tick_seconds
        self._scheduler: AsyncIOScheduler | None = None

    def start(self) -> None:
        """Call inside the running loop (AsyncIOScheduler takes the current loop)."""
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.add_job(
            self._tick,
            "interval",
            seconds=self.tick_seconds,
            id="followups",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=datetime.now(UTC),  # at once: what fell due while the bot was down
        )
        scheduler.start()
        self._scheduler = scheduler

    async def _tick(self) -> None:
        try:
            done = await self.followups.run_due()
        except Exception:  # the database is busy or gone for a moment: the next tick retries
            log.exception("follow-up tick failed")
            return
        if done:
            log.info("follow-ups: %s done", done)

    def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
