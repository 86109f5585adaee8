"""APScheduler, started inside the running event loop, drives the follow-up runner."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.services.followups import FollowUps

log = logging.getLogger(__name__)
# APScheduler's own lines ("Running job …", "Job … executed successfully") come twice a tick:
# 17,000 a day at INFO. Its warnings and errors still pass; each follow-up that did something
# is logged once by the runner (bot.services.followups).
logging.getLogger("apscheduler").setLevel(logging.WARNING)  # its children inherit it
# "skipped: maximum number of running instances reached" is the coalescing we asked for
logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)


def _quietly(
    job: Callable[[], Awaitable[object]], running: set[asyncio.Task[Any]]
) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        task = asyncio.current_task()
        if task is not None:
            running.add(task)
        try:
            await job()
        except Exception:  # housekeeping fails now: the next run tries again
            log.exception("maintenance job %s failed", getattr(job, "__name__", job))
        finally:
            running.discard(task)

    return run


class FollowUpScheduler:
    """One interval job that runs due follow-ups: in-memory job store (the durable state is
    the followups table), one instance at a time, missed runs coalesced into one."""

    def __init__(
        self,
        followups: FollowUps,
        tick_seconds: float,
        maintenance: list[tuple[Callable[[], Awaitable[object]], float]] | None = None,
    ) -> None:
        self.followups = followups
        self.tick_seconds = tick_seconds
        #: housekeeping jobs: (coroutine function, every so many seconds)
        self.maintenance = maintenance or []
        self._scheduler: AsyncIOScheduler | None = None
        #: jobs running now, so that stopping waits for them instead of cutting them off
        self._running: set[asyncio.Task[Any]] = set()

    def start(self) -> None:
        """Call inside the running loop (AsyncIOScheduler takes the current loop).

        APScheduler is only a metronome here, on its own real clock (its `next_run_time` is
        compared with the machine's time, so "at once" must be the real now). What is due and
        when is decided by the follow-up rows against the app's clock."""
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
        for n, (job, seconds) in enumerate(self.maintenance):
            scheduler.add_job(
                _quietly(job, self._running),
                "interval",
                seconds=seconds,
                id=f"maintenance-{n}",
                max_instances=1,
                coalesce=True,
                next_run_time=datetime.now(UTC),
            )
        scheduler.start()
        self._scheduler = scheduler

    async def _tick(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            await self._run_due()
        finally:
            self._running.discard(task)

    async def _run_due(self) -> None:
        try:
            done = await self.followups.run_due()
        except Exception:  # the database is busy or gone for a moment: the next tick retries
            log.exception("follow-up tick failed")
            return
        if done:
            log.debug("follow-ups: %s done this tick", done)  # each is logged by the runner

    def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None

    async def aclose(self, grace: float = 5.0) -> None:
        """Stop starting jobs, then give the ones running `grace` seconds to finish (shutting
        APScheduler down first would cancel them mid-way: its executor cancels what runs)."""
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.pause()
        running = set(self._running)
        if running:
            _, late = await asyncio.wait(running, timeout=grace)
            for task in late:
                task.cancel()
            if late:
                log.warning("%s scheduled job(s) still running at stop were cancelled", len(late))
        self.stop()
