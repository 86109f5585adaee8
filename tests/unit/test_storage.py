"""SQLite: migrations, refusal of bad files, FSM state that survives a restart."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.storage import db as storage_db
from bot.storage.db import Database, StorageError
from bot.storage.fsm_storage import SQLiteStorage
from bot.storage.migrations import Migration, current_version, load_migrations, migrate
from tests.conftest import FixedClock


async def tables(db: Database) -> set[str]:
    async with db.read() as conn:
        rows = await (
            await conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ).fetchall()
    return {row[0] for row in rows}


async def test_all_migrations_apply_to_an_empty_database(db: Database) -> None:
    assert await current_version(db) == len(load_migrations())
    assert {"users", "fsm_states", "chat_migrations", "consent_events"} <= await tables(db)
    async with db.read() as conn:
        mode = await (await conn.execute("PRAGMA journal_mode")).fetchone()
        fk = await (await conn.execute("PRAGMA foreign_keys")).fetchone()
        cols = await (await conn.execute("PRAGMA table_info(users)")).fetchall()
    assert mode[0] == "wal" and fk[0] == 1
    assert {c["name"] for c in cols} >= {
        "id",
        "language",
        "first_seen",
        "blocked_bot",
        "banned",
        "consent_version",
        "consent_at",
    }


async def test_migrate_twice_applies_nothing(db: Database) -> None:
    assert await migrate(db) == []


async def test_failed_migration_changes_nothing(tmp_path: Path) -> None:
    database = Database(tmp_path / "x.db")
    await database.connect()
    good = Migration(1, "0001_a.sql", "CREATE TABLE a (x INTEGER);")
    bad = Migration(2, "0002_b.sql", "CREATE TABLE b (y INTEGER);\nINSERT INTO nowhere VALUES (1);")
    with pytest.raises(StorageError, match=r"0002_b\.sql"):
        await migrate(database, [good, bad])
    assert await current_version(database) == 1
    assert "b" not in await tables(database), "the half-applied migration was rolled back"
    await database.close()


async def test_database_newer_than_the_code_is_refused(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("PRAGMA user_version = 999")
    with pytest.raises(StorageError, match="newer than this Sakshy"):
        await migrate(db)


async def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(8192))
    with pytest.raises(StorageError, match="not a SQLite database"):
        await Database(junk).connect()


async def test_unwritable_location_is_refused(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root ignores file modes; /proc refuses new files for everyone
        target = Path("/proc/sakshy-test.db")
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        target = folder / "s.db"
    database = Database(target)
    with pytest.raises(StorageError, match="DATABASE_PATH"):
        await database.connect()
        await migrate(database)
    await database.close()


async def test_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(StorageError, match="cannot create the folder"):
        await Database(tmp_path / "afile" / "s.db").connect()


async def test_fsm_state_survives_a_reconnect(tmp_path: Path, clock: FixedClock) -> None:
    key = StorageKey(bot_id=1, chat_id=10, user_id=10)
    first = Database(tmp_path / "s.db")
    await first.connect()
    await migrate(first)
    storage = SQLiteStorage(first, clock)
    await storage.set_state(key, "Onboarding:consent")
    await storage.update_data(key, {"draft": "шу", "photos": ["a"]})
    await first.close()

    second = Database(tmp_path / "s.db")
    await second.connect()
    storage = SQLiteStorage(second, clock)
    assert await storage.get_state(key) == "Onboarding:consent"
    assert await storage.get_data(key) == {"draft": "шу", "photos": ["a"]}
    await storage.set_state(key, None)
    await storage.set_data(key, {})
    async with second.read() as conn:
        left = await (await conn.execute("SELECT count(*) FROM fsm_states")).fetchone()
    assert left[0] == 0, "a finished conversation leaves no row behind"
    await second.close()


async def test_fsm_refuses_non_json_data(db: Database, clock: FixedClock) -> None:
    storage = SQLiteStorage(db, clock)
    with pytest.raises(TypeError):
        await storage.set_data(StorageKey(bot_id=1, chat_id=1, user_id=1), {"x": object()})


async def test_concurrent_updates_are_not_lost(db: Database, clock: FixedClock) -> None:
    """Five album items updating one draft at once: every photo is kept."""
    storage = SQLiteStorage(db, clock)
    key = StorageKey(bot_id=1, chat_id=2, user_id=2)
    await asyncio.gather(*(storage.update_data(key, {f"p{i}": i}) for i in range(5)))
    assert await storage.get_data(key) == {f"p{i}": i for i in range(5)}


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (id, language, first_seen, last_seen) VALUES (1,'kk','x','x')"
            )
            raise RuntimeError("boom")
    async with db.read() as conn:
        row = await (await conn.execute("SELECT count(*) FROM users WHERE id = 1")).fetchone()
    assert row[0] == 0


async def test_a_failed_commit_does_not_wedge_the_connection(db: Database) -> None:
    """A deferred foreign-key violation fails at COMMIT; the next unit of work still works."""
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute("PRAGMA defer_foreign_keys = ON")
            await conn.execute(
                "INSERT INTO consent_events (user_id, version, action, at)"
                " VALUES (99, 'v', 'given', 'x')"
            )
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO users (id, language, first_seen, last_seen) VALUES (1, 'kk', 'x', 'x')"
        )
    async with db.read() as conn:
        rows = await (await conn.execute("SELECT id FROM users WHERE id > 0")).fetchall()
        events = await (await conn.execute("SELECT count(*) FROM consent_events")).fetchone()
    assert [r[0] for r in rows] == [1]
    assert events[0] == 0


async def test_a_cancelled_unit_of_work_does_not_wedge_the_connection(db: Database) -> None:
    started = asyncio.Event()

    async def slow_writer() -> None:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (id, language, first_seen, last_seen) VALUES (2,'kk','x','x')"
            )
            started.set()
            await asyncio.Event().wait()  # cancelled here, inside the transaction

    task = asyncio.create_task(slow_writer())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # cancelled right at the start too
    early = asyncio.create_task(slow_writer())
    await asyncio.sleep(0)
    early.cancel()
    with pytest.raises(asyncio.CancelledError):
        await early
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO users (id, language, first_seen, last_seen) VALUES (3,'kk','x','x')"
        )
    async with db.read() as conn:
        rows = await (
            await conn.execute("SELECT id FROM users WHERE id > 0 ORDER BY id")
        ).fetchall()
    assert [r[0] for r in rows] == [3], "the cancelled writes were rolled back"


async def test_the_conversation_store_reads_once_writes_changes_only_and_forgets_on_demand(
    db: Database, clock: FixedClock
) -> None:
    storage = SQLiteStorage(db, clock)
    key = StorageKey(bot_id=1, chat_id=3, user_id=3)
    statements: list[str] = []
    await db.conn.set_trace_callback(statements.append)
    await storage.set_state(key, "ReportForm:category")
    await storage.update_data(key, {"photos": ["a"]})
    statements.clear()
    assert await storage.get_state(key) == "ReportForm:category"
    data = await storage.get_data(key)
    data["photos"].append("b")  # a caller changing its copy changes nothing stored
    await storage.set_state(key, "ReportForm:category")  # the same again: no write
    assert statements == [], "remembered: no statement for reads or for no change"
    assert await storage.get_data(key) == {"photos": ["a"]}
    await storage.set_data(key, {"photos": ["a", "b"]})
    assert [s.split()[0] for s in statements] == ["INSERT"], "one write, atomic on its own"
    await db.conn.set_trace_callback(None)

    async with db.transaction() as conn:  # an erasure behind the store's back
        await conn.execute("DELETE FROM fsm_states")
    assert await storage.get_state(key) == "ReportForm:category", "still remembered"
    storage.invalidate()
    assert await storage.get_state(key) is None and await storage.get_data(key) == {}
    await storage.set_state(key, None)
    async with db.read() as conn:
        rows = await (await conn.execute("SELECT count(*) FROM fsm_states")).fetchone()
    assert rows[0] == 0, "an empty conversation has no row"


async def test_the_conversation_store_remembers_a_bounded_amount_of_text(
    db: Database, clock: FixedClock
) -> None:
    storage = SQLiteStorage(db, clock)
    storage.CACHE_CHARS = 250  # three drafts of about 100 characters do not fit together
    keys = [StorageKey(bot_id=1, chat_id=n, user_id=n) for n in (1, 2, 3)]
    for n, key in enumerate(keys):
        await storage.set_data(key, {"description": str(n) * 90})
    statements: list[str] = []
    await db.conn.set_trace_callback(statements.append)
    assert (await storage.get_data(keys[2]))["description"] == "2" * 90
    assert (await storage.get_data(keys[1]))["description"] == "1" * 90
    assert statements == [], "the two latest are remembered"
    assert (await storage.get_data(keys[0]))["description"] == "0" * 90
    assert [s.split()[0] for s in statements] == ["SELECT"], "the oldest is read again"
    await db.conn.set_trace_callback(None)
    assert storage._chars <= 250


async def test_an_sqlite_too_old_for_the_statements_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 34, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.34.1")
    with pytest.raises(StorageError, match=r"SQLite 3\.35\.0 or newer .* has SQLite 3\.34\.1"):
        await Database(tmp_path / "old.db").connect()
    assert not (tmp_path / "old.db").exists(), "refused before anything is written"


async def test_each_one_statement_block_runs_exactly_one_statement(
    db: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """one_statement() has no BEGIN/COMMIT around it: a second statement in a block would not
    be atomic with the first. Every user of it is run here and counted."""
    from contextlib import asynccontextmanager
    from typing import Any

    from bot.domain.outbox import NewMessage
    from bot.services.clock import utc_now
    from bot.services.inbox import Inbox
    from bot.services.outbox import DeliveryWorker, Outbox

    blocks: list[list[str]] = []
    real = Database.one_statement

    @asynccontextmanager
    async def counted(self: Database) -> Any:
        seen: list[str] = []
        async with real(self) as conn:
            await conn.set_trace_callback(seen.append)
            try:
                yield conn
            finally:
                await conn.set_trace_callback(None)
        blocks.append(seen)

    monkeypatch.setattr(Database, "one_statement", counted)
    storage = SQLiteStorage(db, clock)
    key = StorageKey(bot_id=1, chat_id=3, user_id=3)
    await storage.set_state(key, "ReportForm:category")
    await storage.set_data(key, {})
    await storage.set_state(key, None)  # the row goes: a DELETE
    inbox = Inbox(db, clock)
    await inbox.receive([(7, "{}")])
    await inbox.handled(7)

    class Sender:
        async def send(self, chat_id: int, method: str, payload: Any, bulk: bool = False) -> int:
            return 1

    outbox = Outbox(utc_now)
    worker = DeliveryWorker(db, outbox, Sender(), utc_now, idle_poll=0.05)  # type: ignore[arg-type]
    async with db.transaction() as conn:
        await outbox.add(conn, NewMessage(1, "sendMessage", {"text": "hi"}))
    task = asyncio.create_task(worker.run())
    for _ in range(200):
        async with db.read() as conn:
            row = await (await conn.execute("SELECT state FROM outbox")).fetchone()
        if row[0] == "done":
            break
        await asyncio.sleep(0.01)
    await worker.stop(grace=0.2)
    await task
    assert row[0] == "done"
    kinds = {block[0].split()[0] for block in blocks}
    assert {"INSERT", "DELETE", "UPDATE"} <= kinds, blocks
    assert all(len(block) == 1 for block in blocks), [b for b in blocks if len(b) != 1]


async def _thread_of_statements(db: Database, *, slow: bool) -> int:
    async with db.read(slow=slow) as conn:
        await conn.create_function("thread_id", 0, threading.get_ident)
        row = await (await conn.execute("SELECT thread_id()")).fetchone()
    return int(row[0])


async def test_statements_run_on_the_loop_and_slow_ones_on_the_thread(db: Database) -> None:
    """A round trip to aiosqlite's thread costs more than a statement; long queries go
    there all the same, so the loop keeps serving while they run."""
    assert await _thread_of_statements(db, slow=False) == threading.get_ident()
    assert await _thread_of_statements(db, slow=True) != threading.get_ident()
    assert await _thread_of_statements(db, slow=False) == threading.get_ident()


@pytest.mark.parametrize("slow", [False, True])
async def test_a_write_that_meets_another_process_lock_waits_without_blocking_the_loop(
    db: Database, slow: bool
) -> None:
    async with db.one_statement() as conn:
        await conn.execute("CREATE TABLE scratch (n INTEGER)")
    held, release = threading.Event(), threading.Event()

    def other_process() -> None:  # an operator's command holding the write lock
        other = sqlite3.connect(db.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        held.set()
        release.wait(10)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=other_process)
    holder.start()
    await asyncio.to_thread(held.wait, 10)

    async def write() -> None:
        async with db.transaction(slow=slow) as conn:
            await conn.execute("INSERT INTO scratch (n) VALUES (5)")

    task = asyncio.create_task(write())
    await asyncio.sleep(0.05)  # the loop runs this coroutine: the write does not block it
    assert not task.done()
    release.set()
    await task
    holder.join()
    async with db.read() as conn:
        rows = await (await conn.execute("SELECT n FROM scratch")).fetchall()
    assert [r[0] for r in rows] == [5]


async def test_the_wal_is_checkpointed_on_the_thread_every_so_many_writes(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_db, "CHECKPOINT_EVERY", 3)
    async with db.one_statement() as conn:
        await conn.execute("CREATE TABLE scratch (n INTEGER)")
    seen: list[tuple[str, bool]] = []
    await db.conn.set_trace_callback(lambda sql: seen.append((sql, db.conn.in_thread)))
    try:
        for n in range(6):
            async with db.one_statement() as conn:
                await conn.execute("INSERT INTO scratch (n) VALUES (?)", (n,))
            if db._checkpoint is not None:  # a unit of work of its own, after the write
                await db._checkpoint
    finally:
        await db.conn.set_trace_callback(None)
    checkpoints = [in_thread for sql, in_thread in seen if "wal_checkpoint" in sql]
    assert len(checkpoints) >= 2 and all(checkpoints)  # every 3 writes, never on the loop
