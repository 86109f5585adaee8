"""An update's unit of work: its conversation's new state and its "handled" mark commit with
its effects (the first write transaction of its handler) or when it returns, never apart; a
failed or cancelled handler leaves the conversation as its update found it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.services.inbox import Inbox
from bot.storage.db import UNIT, Database
from bot.storage.fsm_storage import SQLiteStorage
from bot.storage.unit import UpdateUnit
from tests.conftest import FixedClock

KEY = StorageKey(bot_id=1, chat_id=7, user_id=7)


async def stored(db: Database) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(the conversations as stored, (update id, handled) of the inbox)."""
    async with db.read() as conn:
        states = await conn.execute_fetchall("SELECT state, data FROM fsm_states")
        inbox = await conn.execute_fetchall(
            "SELECT update_id, handled_at IS NOT NULL FROM inbox ORDER BY update_id"
        )
    return [tuple(r) for r in states], [tuple(r) for r in inbox]


async def received(db: Database, clock: FixedClock, *ids: int) -> Inbox:
    """The inbox holding these updates (and a table for a handler's effects)."""
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE effects (what TEXT)")
    inbox = Inbox(db, clock)
    await inbox.receive([(i, json.dumps({"update_id": i})) for i in ids])
    return inbox


async def test_a_conversation_change_commits_with_the_handled_mark(
    db: Database, clock: FixedClock
) -> None:
    inbox = await received(db, clock, 5)
    storage = SQLiteStorage(db, clock)
    unit = UpdateUnit(5, clock)
    token = UNIT.set(unit)
    try:
        await storage.set_state(KEY, "Report:location")
        await storage.update_data(KEY, {"draft": {"description": "noise"}})
        # the handler sees its own changes; the database does not, yet (a kill now leaves
        # the update waiting, against the conversation as it was)
        assert await storage.get_state(KEY) == "Report:location"
        assert await storage.get_data(KEY) == {"draft": {"description": "noise"}}
        assert await stored(db) == ([], [(5, 0)])
    finally:
        UNIT.reset(token)
    assert await storage.get_state(KEY) is None, "other updates see what is committed"
    await inbox.finish(unit)
    assert await stored(db) == (
        [("Report:location", '{"draft":{"description":"noise"}}')],
        [(5, 1)],
    )
    assert await storage.get_state(KEY) == "Report:location"


async def test_the_handlers_first_transaction_takes_its_state_and_mark_along(
    db: Database, clock: FixedClock
) -> None:
    inbox = await received(db, clock, 6)
    storage = SQLiteStorage(db, clock)
    unit = UpdateUnit(6, clock)
    token = UNIT.set(unit)
    try:
        await storage.set_state(KEY, None)  # «Send»: the wizard ends …
        await storage.set_data(KEY, {})
        await storage.set_state(KEY, "Report:confirm")
        async with db.transaction() as conn:  # … with the report stored
            await conn.execute("INSERT INTO effects VALUES ('report 1000')")
        assert await stored(db) == ([("Report:confirm", "{}")], [(6, 1)]), "together"
        async with db.read() as conn:
            effects = await conn.execute_fetchall("SELECT what FROM effects")
        assert [tuple(r) for r in effects] == [("report 1000",)]
        await storage.set_state(KEY, None)  # after the commit: stored when it returns
        assert await stored(db) == ([("Report:confirm", "{}")], [(6, 1)])
    finally:
        UNIT.reset(token)
    await inbox.finish(unit)
    assert await stored(db) == ([], [(6, 1)])


async def test_a_failed_transaction_commits_nothing_of_the_update(
    db: Database, clock: FixedClock
) -> None:
    inbox = await received(db, clock, 7)
    storage = SQLiteStorage(db, clock)
    unit = UpdateUnit(7, clock)
    token = UNIT.set(unit)
    try:
        await storage.set_state(KEY, "Report:media")
        with pytest.raises(LookupError):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO effects VALUES ('refused')")
                raise LookupError("refused")
        assert await stored(db) == ([], [(7, 0)])
    finally:
        UNIT.reset(token)
    await inbox.finish(unit)  # the handler went on and returned: its state and mark commit
    assert await stored(db) == ([("Report:media", "{}")], [(7, 1)])


async def test_a_failed_or_cancelled_handler_leaves_the_conversation_as_it_was(
    db: Database, clock: FixedClock
) -> None:
    inbox = await received(db, clock, 8)
    storage = SQLiteStorage(db, clock)
    await storage.set_state(KEY, "Report:description")

    unit = UpdateUnit(8, clock)
    moved = asyncio.Event()

    async def handler() -> None:
        token = UNIT.set(unit)
        try:
            await storage.set_state(KEY, "Report:location")
            moved.set()
            await asyncio.Event().wait()  # a slow Telegram; then a stop cancels it
        except BaseException:
            unit.discard()  # what the inbox's middleware does with a handler that raised
            raise
        finally:
            UNIT.reset(token)

    task = asyncio.create_task(handler())
    await moved.wait()
    assert unit.conversations, "the new step is held, not written"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await inbox.finish(unit)  # a finish after the failure commits nothing of it
    assert unit.conversations == {}
    assert await stored(db) == ([("Report:description", "{}")], [(8, 0)]), "replayed whole"
    assert await storage.get_state(KEY) == "Report:description"


async def test_bookkeeping_before_the_handler_is_detached_from_the_unit(
    db: Database, clock: FixedClock
) -> None:
    await received(db, clock, 9)
    unit = UpdateUnit(9, clock)
    token = UNIT.set(unit)
    try:
        async with db.transaction(detached=True) as conn:
            await conn.execute("INSERT INTO effects VALUES ('seen')")
    finally:
        UNIT.reset(token)
    assert await stored(db) == ([], [(9, 0)]), "not handled before its handler ran"


async def test_a_task_that_outlives_its_handler_writes_through(
    db: Database, clock: FixedClock
) -> None:
    inbox = await received(db, clock, 10)
    storage = SQLiteStorage(db, clock)
    unit = UpdateUnit(10, clock)
    token = UNIT.set(unit)
    try:
        later = asyncio.Event()

        async def background() -> None:  # inherits the handler's context, and its unit
            await later.wait()
            await storage.set_state(KEY, "Later:state")

        task = asyncio.create_task(background())
    finally:
        UNIT.reset(token)
    await inbox.finish(unit)
    later.set()
    await task
    assert await stored(db) == ([("Later:state", "{}")], [(10, 1)])
