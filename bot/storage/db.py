"""One aiosqlite connection per process, serialised through a unit of work."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Protocol, TypeAlias

import aiosqlite

log = logging.getLogger(__name__)

#: the handle of a unit of work, as services pass it to repositories: the connection inside
#: `Database.transaction()`, `one_statement()` or `read()`. An alias, so that code outside
#: storage names the transaction, not the driver.
Tx: TypeAlias = aiosqlite.Connection


#: the oldest SQLite the statements need (RETURNING: 3.35, 2021); Python 3.11's own builds
#: bring 3.37 or newer, a distribution's Python brings the system's
MIN_SQLITE = (3, 35, 0)


class CommitHook(Protocol):
    """Work that commits with the next write transaction (an update's unit of work)."""

    async def before_commit(self, conn: aiosqlite.Connection) -> None:
        """Inside the transaction, after its own statements, before COMMIT."""

    def after_commit(self) -> None:
        """The transaction committed."""


#: the unit of work of the update being handled (set by the inbox's middleware): every write
#: transaction of a handler commits it too, so a crash cannot separate an update's effects
#: from its new conversation state and its "handled" mark
UNIT: ContextVar[CommitHook | None] = ContextVar("sakshy_unit", default=None)


class StorageError(Exception):
    """The database cannot be used; the message says why in plain words."""


class Database:
    """The process's single SQLite connection.

    Handlers run concurrently, and two coroutines on one connection would share one transaction.
    Every access therefore goes through `transaction()` (writes, `BEGIN IMMEDIATE`) or `read()`,
    both holding one asyncio lock.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._suspect = False

    async def connect(self) -> None:
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            raise StorageError(
                f"SQLite {'.'.join(map(str, MIN_SQLITE))} or newer is needed (UPDATE … RETURNING);"
                f" this Python has SQLite {sqlite3.sqlite_version}: use a newer Python build"
            )
        if str(self.path) != ":memory:":
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    f"DATABASE_PATH: cannot create the folder {self.path.parent} ({exc.strerror})"
                ) from None
        # Probe synchronously first: aiosqlite leaves its worker thread behind when the open
        # itself fails, and the reasons (not a database, read-only) read better from here.
        try:
            await asyncio.to_thread(_probe, self.path)
        except sqlite3.Error as exc:
            raise StorageError(_explain(self.path, exc)) from None
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        try:
            await conn.execute("PRAGMA busy_timeout = 5000")
            row = await (await conn.execute("PRAGMA journal_mode = WAL")).fetchone()
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
            # Touch the schema: a file that is not SQLite fails here, not later.
            await (await conn.execute("SELECT count(*) FROM sqlite_master")).fetchone()
        except sqlite3.DatabaseError as exc:
            await conn.close()
            raise StorageError(_explain(self.path, exc)) from None
        if row is not None and str(row[0]).lower() != "wal" and str(self.path) != ":memory:":
            log.warning("SQLite refused WAL mode for %s (journal_mode=%s)", self.path, row[0])
        self._conn = conn

    async def close(self) -> None:
        if self._conn is not None:
            async with self._lock:
                await self._conn.close()
                self._conn = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not connected")
        return self._conn

    @asynccontextmanager
    async def transaction(
        self, *, detached: bool = False, unit: CommitHook | None = None
    ) -> AsyncIterator[Tx]:
        """A write unit of work: everything inside commits together or not at all.

        While an update is handled, the update's own work (`UNIT`: its conversation's new
        state and its "handled" mark) commits in the same transaction, unless `detached`
        (bookkeeping that is not the update's effect and may be repeated); `unit` names the
        work to commit explicitly.

        A failed COMMIT or a cancellation at any point must not leave the shared connection
        inside a transaction (every later unit of work would fail), so the end is rolled back
        whatever happened, and the next unit of work cleans up after an interrupted one.
        """
        async with self._lock:
            conn = self.conn
            await self._recover(conn)
            self._suspect = True
            hook = unit if unit is not None else None if detached else UNIT.get()
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                if hook is not None:
                    await hook.before_commit(conn)
                await conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    await asyncio.shield(conn.execute("ROLLBACK"))
                raise
            self._suspect = False
            if hook is not None:
                hook.after_commit()

    @asynccontextmanager
    async def one_statement(self) -> AsyncIterator[Tx]:
        """A write of exactly one statement: SQLite makes a single statement atomic on its own
        (it commits it as it ends, or undoes it), so no BEGIN and no COMMIT. Each of those is a
        round trip to the connection's thread, and the busiest writes (a conversation's state,
        an update marked handled) are single statements: one trip instead of three."""
        async with self._lock:
            conn = self.conn
            await self._recover(conn)
            yield conn

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """A consistent read, never interleaved with another coroutine's transaction."""
        async with self._lock:
            conn = self.conn
            await self._recover(conn)
            yield conn

    async def _recover(self, conn: aiosqlite.Connection) -> None:
        """After an interrupted unit of work: let its queued statements finish, then roll back
        whatever it left open."""
        if not self._suspect:
            return
        await (await conn.execute("SELECT 1")).fetchone()  # runs after anything still queued
        if conn.in_transaction:
            log.warning("rolling back a transaction an interrupted unit of work left open")
            await conn.execute("ROLLBACK")
        self._suspect = False


def _probe(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def _explain(path: Path, exc: sqlite3.Error) -> str:
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return f"DATABASE_PATH: {path} is not a SQLite database (or it is damaged)"
    if "readonly" in text or "unable to open" in text:
        return f"DATABASE_PATH: {path} is not writable by this process ({text})"
    return f"DATABASE_PATH: {path} cannot be used ({text})"
