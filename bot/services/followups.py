"""Follow-ups: durable rows for what must happen later, and the runner that acts on them.

Any feature schedules one with a single call inside the transaction of the change that needs it
(`await followups.schedule(conn, "survey", Ref.report(n), due)`) and cancels it the same way.
The runner claims a due row and calls its kind's handler in one transaction, which also marks
the row done: the handler's outbox rows and the "done" commit together, so a crash neither
loses a follow-up (the row is still pending after a restart, and runs then, late) nor doubles
it (the second claimer, in this process or another, finds it done).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.domain.followups import FollowUp as FollowUp  # handlers import it from here too
from bot.domain.refs import Ref
from bot.storage.db import Database, Tx
from bot.storage.repositories import FollowUpRepository

log = logging.getLogger(__name__)

#: a handler failing this many times is given up (and logged): a bug must not spin forever
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Later:
    """A handler's answer: not now (quiet hours), run again at `when`."""

    when: datetime


#: acts inside the claiming transaction; returns None (done) or Later
Handler = Callable[[Tx, FollowUp, Any], Awaitable[Later | None]]
#: optional, before the transaction: what needs the network (the group's admins, …)
Prepare = Callable[[FollowUp], Awaitable[Any]]


class FollowUps:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        after: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        #: called after a follow-up ran (the outbox's notify: its messages go out at once)
        self.after = after
        self.repo = FollowUpRepository()
        self._handlers: dict[str, tuple[Handler, Prepare | None]] = {}
        self._persistent: set[str] = set()
        self._slow: set[str] = set()
        self._running = asyncio.Lock()

    def register(
        self,
        kind: str,
        handler: Handler,
        prepare: Prepare | None = None,
        *,
        persistent: bool = False,
        slow: bool = False,
    ) -> None:
        """`persistent`: retried (at most hourly) however often it fails, never given up.
        `slow`: its transaction runs on the database's thread (a batch of thousands of
        messages), so the event loop goes on answering people meanwhile."""
        self._handlers[kind] = (handler, prepare)
        if persistent:
            self._persistent.add(kind)
        if slow:
            self._slow.add(kind)

    async def schedule(
        self,
        conn: Tx,
        kind: str,
        subject: Ref,
        due: datetime,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Inside the caller's transaction. Scheduling the same kind and subject again moves
        the pending one."""
        await self.repo.schedule(conn, kind, subject, due, data or {}, self.clock())

    async def move_pending(self, conn: Tx, kind: str, subject: Ref, due: datetime) -> None:
        """A pending one falls due at another time; one already done stays done."""
        await self.repo.move_pending(conn, kind, subject, due)

    async def cancel(self, conn: Tx, subject: Ref, *kinds: str) -> None:
        """Inside the transaction of the change that makes them moot."""
        await self.repo.cancel(conn, subject, kinds, self.clock())

    async def run_due(self, limit: int = 100) -> int:
        """Act on every follow-up that is due (late ones included, each once). Returns how
        many were done. Safe to call from several places at once: one runs at a time here,
        and the claim keeps another process off the same row."""
        async with self._running:
            async with self.db.read() as conn:
                ids = await self.repo.due(conn, self.clock(), limit)
            done = 0
            for row_id in ids:
                done += await self._run_one(row_id)
            return done

    async def _run_one(self, row_id: int) -> int:
        try:
            async with self.db.read() as conn:
                followup = await self.repo.claim_peek(conn, row_id)
        except ValueError as exc:  # a subject written by a newer release, or mangled
            log.error("follow-up #%s: unreadable subject (%s)", row_id, exc)
            async with self.db.transaction() as conn:
                await self.repo.give_up(conn, row_id, f"unreadable subject: {exc}")
            return 0
        if followup is None:
            return 0
        entry = self._handlers.get(followup.kind)
        if entry is None:
            log.error("follow-up #%s: no handler for %r", row_id, followup.kind)
            async with self.db.transaction() as conn:
                await self.repo.give_up(conn, row_id, f"no handler for {followup.kind!r}")
            return 0
        handler, prepare = entry
        try:
            prepared = await prepare(followup) if prepare is not None else None
            async with self.db.transaction(slow=followup.kind in self._slow) as conn:
                claimed = await self.repo.claim(conn, row_id)
                if claimed is None:
                    return 0  # done or cancelled meanwhile (another claimer, a change)
                outcome = await handler(conn, claimed, prepared)
                if isinstance(outcome, Later):
                    await self.repo.later(conn, row_id, outcome.when, postponed=True)
                    if self.after is not None:
                        self.after()  # a wave sends offers and still runs again later
                    log.info(
                        "follow-up #%s (%s %s) runs again at %s",
                        row_id,
                        followup.kind,
                        followup.subject,
                        outcome.when.isoformat(timespec="seconds"),
                    )
                    return 0
                await self.repo.done(conn, row_id, self.clock())
            if self.after is not None:
                self.after()
            log.info("follow-up #%s (%s %s) done", row_id, followup.kind, followup.subject)
            return 1
        except Exception as exc:
            # the transaction rolled back (no outbox rows either): try again later
            attempts = followup.attempts + 1
            log.exception("follow-up #%s (%s) failed (attempt %s)", row_id, followup.kind, attempts)
            async with self.db.transaction() as conn:
                if attempts >= MAX_ATTEMPTS and followup.kind not in self._persistent:
                    await self.repo.give_up(conn, row_id, repr(exc))
                else:
                    delay = timedelta(seconds=min(30 * 2**attempts, 3600))
                    await self.repo.later(
                        conn, row_id, self.clock() + delay, repr(exc), count_attempt=True
                    )
            return 0

    async def next_due(self) -> datetime | None:
        async with self.db.read() as conn:
            return await self.repo.next_due(conn)
