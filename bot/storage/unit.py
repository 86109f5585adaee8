"""An update's unit of work: its conversation's new state and its "handled" mark commit with
its effects, in one transaction.

A handler's conversation writes (aiogram FSM) are held here instead of being written at once.
They are written, with the mark that the update was handled, inside the first write transaction
the handler makes (a service storing its effects), or when the handler returns if it made none.
So a process killed while an update is handled leaves either nothing of it (it is handled again
at the next start, against the very conversation state its first run met) or its first write
transaction's effects with its new state and its mark (it is not handled again). A handler
that writes in two transactions loses the second to a kill between them; it never repeats the
first. Keep an update's effects in one transaction. What a handler sends to Telegram
directly after its commit (an answer, a keyboard removed) is not repeated after a kill; only a
request that was in flight can arrive twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import aiosqlite

from bot.storage.db import Database
from bot.storage.repositories import FsmRepository, InboxRepository


class UpdateUnit:
    """The work of one update, committed once (see the module's docstring)."""

    def __init__(self, update_id: int, clock: Callable[[], datetime]) -> None:
        self.update_id = update_id
        self.clock = clock
        #: conversations changed by this update and not stored yet: key -> (state, data JSON)
        self.conversations: dict[str, tuple[str | None, str]] = {}
        #: the "handled" mark has committed: the update is never handled again
        self.handled = False
        #: told of each conversation stored (the storage remembers it)
        self.on_stored: Callable[[str, str | None, str], object] | None = None
        self._closed = False
        self._writing: dict[str, tuple[str | None, str]] = {}

    @property
    def open(self) -> bool:
        """Still taking the update's work (not returned, failed or cancelled yet)."""
        return not self._closed

    async def before_commit(self, conn: aiosqlite.Connection) -> None:
        if self._closed:  # a task the handler started outlived it: nothing of ours is left
            return
        now = self.clock()
        self._writing = dict(self.conversations)
        for key, (state, data) in self._writing.items():
            await FsmRepository().put(conn, key, state, data, now)
        if not self.handled:
            await InboxRepository().handled(conn, [self.update_id], now)

    def after_commit(self) -> None:
        if self._closed:
            return
        self.handled = True
        for key, value in self._writing.items():
            if self.conversations.get(key) == value:  # not changed again meanwhile
                del self.conversations[key]
            if self.on_stored is not None:
                self.on_stored(key, *value)
        self._writing = {}

    def discard(self) -> None:
        """The handler failed: its conversation changes are not kept (the update's error is
        recorded and marked handled elsewhere)."""
        self.conversations.clear()
        self._closed = True

    async def finish(self, db: Database) -> None:
        """The handler returned: commit what is left (only the mark: one statement)."""
        if self._closed:
            return
        try:
            if self.conversations:
                async with db.transaction(unit=self):
                    pass  # before_commit writes it all
            elif not self.handled:
                async with db.one_statement() as conn:
                    await InboxRepository().handled(conn, [self.update_id], self.clock())
                self.handled = True
        finally:
            self._closed = True
