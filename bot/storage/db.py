"""One aiosqlite connection per process, serialised through a unit of work.

The statements run on the event loop itself, not on aiosqlite's thread: with WAL and
`synchronous=NORMAL` a statement of the bot's takes microseconds, while a round trip to the
thread and back (a queue, a wake-up of the thread, a wake-up of the loop through its self-pipe)
cost about 90 µs of CPU each on the two-core machine, twenty-odd of them per relayed message.
Three things would block the loop for long, and each goes to the thread instead:
- a long query (statistics, an export's page, the retention sweep, a directory import): those
  units of work say `slow=True`;
- another process holding the write lock (an operator's `sakshy` command): on the loop a
  statement never waits (`busy_timeout = 0`); one that meets the lock is tried again on the
  thread, waiting as long as `BUSY_TIMEOUT_MS` (a statement refused for the lock did nothing);
- a WAL checkpoint (it writes pages back and syncs the file): SQLite's automatic checkpoint is
  off, and every `CHECKPOINT_EVERY` writes one runs on the thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TypeAlias

import aiosqlite

log = logging.getLogger(__name__)

#: the handle of a unit of work, as services pass it to repositories: the connection inside
#: `Database.transaction()`, `one_statement()` or `read()`. An alias, so that code outside
#: storage names the transaction, not the driver.
Tx: TypeAlias = aiosqlite.Connection


#: the oldest SQLite the statements need (RETURNING: 3.35, 2021); Python 3.11's own builds
#: bring 3.37 or newer, a distribution's Python brings the system's
MIN_SQLITE = (3, 35, 0)
#: how long a statement waits for another process's write lock (on the thread)
BUSY_TIMEOUT_MS = 5000
#: writes between two WAL checkpoints (SQLite's own default is 1,000 pages, a write here
#: is one to a few pages)
CHECKPOINT_EVERY = 500


class _Connection(aiosqlite.Connection):
    """aiosqlite's connection, its calls run on the event loop unless `in_thread` is set
    (see the module's docstring). The sqlite3 connection is opened on aiosqlite's thread and
    used from both, never at once: every use holds the `Database`'s lock."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self.in_thread = False

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._connection is None or not self._running:
            return await super()._execute(fn, *args, **kwargs)
        if not self.in_thread:
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as exc:
                if getattr(exc, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY:
                    raise
            # another process holds the write lock: wait for it on the thread
        return await super()._execute(_patiently, self._connection, partial(fn, *args, **kwargs))


def _patiently(raw: sqlite3.Connection, call: Callable[[], Any]) -> Any:
    raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    try:
        return call()
    finally:
        with contextlib.suppress(sqlite3.ProgrammingError):  # the call closed it
            raw.execute("PRAGMA busy_timeout = 0")


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
        self._conn: _Connection | None = None
        self._lock = asyncio.Lock()
        self._suspect = False
        self._writes = 0
        self._checkpoint: asyncio.Task[None] | None = None

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
        path = str(self.path)
        conn = _Connection(
            lambda: sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=0)
        )
        await conn  # starts its thread, which opens the file
        conn.row_factory = aiosqlite.Row
        try:
            await conn.execute("PRAGMA busy_timeout = 0")  # see _Connection: never on the loop
            row = await (await conn.execute("PRAGMA journal_mode = WAL")).fetchone()
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA wal_autocheckpoint = 0")  # ours run on the thread
            # Touch the schema: a file that is not SQLite fails here, not later.
            await (await conn.execute("SELECT count(*) FROM sqlite_master")).fetchone()
        except sqlite3.DatabaseError as exc:
            await conn.close()
            raise StorageError(_explain(self.path, exc)) from None
        if row is not None and str(row[0]).lower() != "wal" and str(self.path) != ":memory:":
            log.warning("SQLite refused WAL mode for %s (journal_mode=%s)", self.path, row[0])
        self._conn = conn

    async def close(self) -> None:
        if self._checkpoint is not None:  # let it finish: it holds the connection's thread
            await asyncio.wait({self._checkpoint})
        if self._conn is not None:
            async with self._lock:
                self._conn.in_thread = True
                await self._conn.close()
                self._conn = None

    def held(self) -> bool:
        """Whether a unit of work holds the connection now (for a stuck process's report)."""
        return self._lock.locked()

    @property
    def conn(self) -> _Connection:
        if self._conn is None:
            raise RuntimeError("database is not connected")
        return self._conn

    @asynccontextmanager
    async def transaction(
        self, *, detached: bool = False, unit: CommitHook | None = None, slow: bool = False
    ) -> AsyncIterator[Tx]:
        """A write unit of work: everything inside commits together or not at all.

        While an update is handled, the update's own work (`UNIT`: its conversation's new
        state and its "handled" mark) commits in the same transaction, unless `detached`
        (bookkeeping that is not the update's effect and may be repeated); `unit` names the
        work to commit explicitly.

        A failed COMMIT or a cancellation at any point must not leave the shared connection
        inside a transaction (every later unit of work would fail), so the end is rolled back
        whatever happened, and the next unit of work cleans up after an interrupted one.

        `slow`: its statements run on the database's thread (a long sweep or import), so the
        event loop goes on serving meanwhile.
        """
        async with self._lock:
            conn = self.conn
            await self._recover(conn)
            self._suspect = True
            hook = unit if unit is not None else None if detached else UNIT.get()
            conn.in_thread = slow
            try:
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
            finally:
                conn.in_thread = False
            self._suspect = False
            if hook is not None:
                hook.after_commit()
            self._wrote()

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
            self._wrote()

    @asynccontextmanager
    async def read(self, *, slow: bool = False) -> AsyncIterator[Tx]:
        """A consistent read, never interleaved with another coroutine's transaction.
        `slow`: a long query (statistics, an export's page), run on the database's thread so
        that the event loop goes on serving meanwhile."""
        async with self._lock:
            conn = self.conn
            await self._recover(conn)
            conn.in_thread = slow
            try:
                yield conn
            finally:
                conn.in_thread = False

    def _wrote(self) -> None:
        """Every `CHECKPOINT_EVERY` writes, the WAL is written back into the database file,
        on the thread (SQLite's automatic checkpoint, off here, would run on the loop), as a
        unit of work of its own: the write that counted has committed and returns at once."""
        self._writes += 1
        if self._writes < CHECKPOINT_EVERY or self._checkpoint is not None:
            return
        self._writes = 0
        self._checkpoint = asyncio.get_running_loop().create_task(self._write_back())

    async def _write_back(self) -> None:
        try:
            async with self._lock:
                conn = self._conn
                if conn is None:  # closed meanwhile
                    return
                await self._recover(conn)
                conn.in_thread = True
                try:
                    # read to its end: a statement left open would refuse the next COMMIT
                    await conn.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error:
                    log.warning("WAL checkpoint failed; the next one tries again", exc_info=True)
                finally:
                    conn.in_thread = False
        finally:
            self._checkpoint = None

    async def _recover(self, conn: _Connection) -> None:
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
