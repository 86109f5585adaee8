"""The inbox: every update is in SQLite before Telegram is told the bot has it.

Telegram forgets an update once the bot confirms it: with polling, by asking for the next ones
(aiogram does that while the last ones are still being handled); with a webhook, by answering
200. So each batch is written here first, and marked handled when its handler returns. An
update that was being handled when the process died is handled at the next start, before any
new one. Telegram sending an update again that it did not see confirmed is recognised by its
id and skipped. The "handled" mark commits with the update's effects and its conversation's
new state (bot/storage/unit.py): a replayed update meets the state its first run met, and
never repeats effects that committed.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.storage.db import Database
from bot.storage.repositories.inbox import (
    RECEIVE_CHUNK,
    FailedUpdateRepository,
    InboxRepository,
)
from bot.storage.unit import UpdateUnit

log = logging.getLogger(__name__)

#: handled ids are remembered this long (Telegram keeps an unconfirmed update 24 hours)
KEEP = timedelta(days=2)
#: an update whose handling killed the process this many times is not tried again
MAX_REPLAYS = 2


class Inbox:
    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock
        self.repo = InboxRepository()
        #: ids received again, with how many copies are still to be skipped
        self._duplicates: Counter[int] = Counter()

    async def receive(self, updates: list[tuple[int, str]]) -> None:
        """Keep a batch as Telegram sent it (id, JSON); call before confirming it."""
        if not updates:
            return
        if len(updates) <= RECEIVE_CHUNK:  # one statement: atomic alone, no BEGIN and COMMIT
            async with self.db.one_statement() as conn:
                known = await self.repo.receive(conn, updates, self.clock())
        else:
            async with self.db.transaction() as conn:
                known = await self.repo.receive(conn, updates, self.clock())
        if known:
            log.info("Telegram sent %s update(s) again that were received before", len(known))
            self._duplicates.update(known)
        self._duplicates.update(  # the same id twice in one batch: the second is a copy
            update_id
            for update_id, n in Counter(i for i, _ in updates).items()
            for _ in range(n - 1)
        )

    async def set_aside(self, update_id: int, reason: str) -> None:
        """An update this version of aiogram cannot read (a Bot API change it does not know
        yet): kept among the failed updates for the operator, with its id and why (nothing of
        its content: whose it is cannot be read, so no consent can be known), and marked
        handled, so it neither stops polling nor comes back at the next start."""
        log.error(
            "update %s cannot be read by this aiogram version; set aside: %s", update_id, reason
        )
        async with self.db.transaction() as conn:
            await FailedUpdateRepository().record(
                conn,
                update_id=update_id,
                user_id=None,
                chat_id=None,
                payload={"update_id": update_id, "kept": "ids only: the update was unreadable"},
                error=f"unreadable: {reason}"[:2000],
                now=self.clock(),
            )
            await self.repo.handled(conn, [update_id], self.clock())

    def is_duplicate(self, update_id: int) -> bool:
        """True for each copy of an update received before: it is not handled again."""
        if self._duplicates[update_id] > 0:
            self._duplicates[update_id] -= 1
            if not self._duplicates[update_id]:
                del self._duplicates[update_id]
            return True
        return False

    async def handled(self, update_id: int) -> None:
        """The update's handler has returned: it is not replayed, and its body is dropped."""
        try:
            async with self.db.one_statement() as conn:  # one id: one statement
                await self.repo.handled(conn, [update_id], self.clock())
        except Exception:  # it stays waiting: handled again at the next start, not lost
            log.exception("cannot mark update %s handled", update_id)

    async def finish(self, unit: UpdateUnit) -> None:
        """The update's handler has returned: what its unit of work holds commits (the
        conversation's new state and the "handled" mark, unless its effects took them)."""
        try:
            await unit.finish(self.db)
        except Exception:  # it stays waiting: handled again at the next start, not lost
            log.exception("cannot mark update %s handled", unit.update_id)

    async def replay(
        self,
        feed: Callable[[dict[str, Any]], Awaitable[Any]],
        stopping: Callable[[], bool] = lambda: False,
    ) -> int:
        """Handle, in order, what was received and not handled before the last stop (until
        `stopping()`: the rest waits for the start after)."""
        async with self.db.read() as conn:
            waiting = await self.repo.waiting(conn)
        replayed = 0
        for update_id, body, attempts in waiting:
            if stopping():
                break
            if attempts >= MAX_REPLAYS:
                log.error(
                    "update %s was being handled at %s stops in a row; it is skipped",
                    update_id,
                    attempts + 1,
                )
                async with self.db.transaction() as conn:
                    await self.repo.handled(conn, [update_id], self.clock())
                continue
            async with self.db.transaction() as conn:
                await self.repo.attempt(conn, update_id)
            try:
                update = json.loads(body)
            except ValueError:
                log.error("update %s in the inbox is not JSON; skipped", update_id)
                await self.handled(update_id)
                continue
            await feed(update)
            replayed += 1
        if replayed:
            log.warning("%s update(s) cut off by the last stop were handled now", replayed)
        return replayed

    async def purge(self) -> int:
        async with self.db.transaction() as conn:
            return await self.repo.purge(conn, self.clock() - KEEP)
