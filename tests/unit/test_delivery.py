"""The outbox worker: order per chat, retries, and what a crash may and may not do."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.domain.outbox import (
    ChatMoved,
    DeliveryError,
    NewMessage,
    OutgoingMessage,
    Rejected,
    RetryLater,
    Transient,
    Unreachable,
)
from bot.domain.refs import Ref, RefKind
from bot.services.clock import utc_now
from bot.services.outbox import DeliveryHooks, DeliveryWorker, Outbox
from bot.storage.db import Database
from bot.testing.timeouts import scaled


class ScriptedSender:
    """Telegram as a script: per text, the outcomes of successive attempts."""

    def __init__(self) -> None:
        self.script: dict[str, list[DeliveryError | None]] = {}
        self.delivered: list[tuple[int, str]] = []
        self.attempts: list[str] = []
        self.gate: asyncio.Event | None = None
        self.next_id = 100
        #: a send of this text waits until its event is set (Telegram slow with it)
        self.held: dict[str, asyncio.Event] = {}

    async def send(
        self, chat_id: int, method: str, payload: dict[str, Any], bulk: bool = False
    ) -> int | None:
        text = payload["text"]
        self.attempts.append(text)
        if self.gate is not None:
            await self.gate.wait()
        if text in self.held:
            await self.held[text].wait()
        outcomes = self.script.get(text, [])
        if outcomes:
            outcome = outcomes.pop(0)
            if outcome is not None:
                raise outcome
        self.delivered.append((chat_id, text))
        self.next_id += 1
        return self.next_id


async def add(db: Database, outbox: Outbox, *messages: tuple[int, str]) -> None:
    async with db.transaction() as conn:
        for chat_id, text in messages:
            await outbox.add(conn, NewMessage(chat_id, "sendMessage", {"text": text}, ref=text))
    outbox.notify()


@contextlib.asynccontextmanager
async def running(worker: DeliveryWorker) -> AsyncIterator[DeliveryWorker]:
    task = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        await worker.stop(grace=1)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def until(predicate: Any, timeout: float = 5.0) -> None:  # noqa: ASYNC109
    async with asyncio.timeout(scaled(timeout)):
        while not predicate():  # noqa: ASYNC110 - polls a plain predicate
            await asyncio.sleep(0.005)


async def states(db: Database) -> list[tuple[str, str, int, int | None]]:
    async with db.read() as conn:
        cur = await conn.execute(
            "SELECT ref, state, attempts, telegram_message_id FROM outbox ORDER BY id"
        )
        return [tuple(row) for row in await cur.fetchall()]  # type: ignore[misc]


@pytest.fixture
def sender() -> ScriptedSender:
    return ScriptedSender()


def make_worker(db: Database, sender: ScriptedSender, **kw: Any) -> tuple[Outbox, DeliveryWorker]:
    outbox = Outbox(utc_now)
    worker = DeliveryWorker(db, outbox, sender, utc_now, backoff_base=0.01, idle_poll=0.05, **kw)
    return outbox, worker


async def test_order_per_chat_holds_through_429_and_5xx(
    db: Database, sender: ScriptedSender
) -> None:
    outbox, worker = make_worker(db, sender)
    sender.script["a2"] = [RetryLater(0.05), Transient("502 Bad Gateway"), None]
    sender.script["b1"] = [Transient("timeout")]
    async with running(worker):
        await add(db, outbox, (1, "a1"), (1, "a2"), (2, "b1"), (1, "a3"), (2, "b2"))
        await until(lambda: len(sender.delivered) == 5)
    assert [t for c, t in sender.delivered if c == 1] == ["a1", "a2", "a3"]
    assert [t for c, t in sender.delivered if c == 2] == ["b1", "b2"]
    rows = await states(db)
    assert [(ref, state) for ref, state, _, _ in rows] == [
        ("a1", "done"),
        ("a2", "done"),
        ("b1", "done"),
        ("a3", "done"),
        ("b2", "done"),
    ]
    assert dict((ref, n) for ref, _, n, _ in rows)["a2"] == 3
    assert all(message_id for *_, message_id in rows), "Telegram's ids are recorded"


async def test_a_rejected_message_fails_alone(db: Database, sender: ScriptedSender) -> None:
    outbox, worker = make_worker(db, sender)
    sender.script["bad"] = [Rejected("Bad Request: message is too long")]
    async with running(worker):
        await add(db, outbox, (1, "bad"), (1, "next"))
        await until(lambda: sender.delivered == [(1, "next")])
    assert [(r, s) for r, s, *_ in await states(db)] == [("bad", "failed"), ("next", "done")]


async def test_unreachable_chat_is_reported(db: Database, sender: ScriptedSender) -> None:
    gone: list[int] = []

    async def on_unreachable(message: OutgoingMessage) -> None:
        gone.append(message.chat_id)

    outbox, worker = make_worker(db, sender, on_unreachable=on_unreachable)
    sender.script["hi"] = [Unreachable("Forbidden: bot was blocked by the user")]
    async with running(worker):
        await add(db, outbox, (5, "hi"))
        await until(lambda: gone == [5])
    assert [(r, s) for r, s, *_ in await states(db)] == [("hi", "failed")]


async def test_a_moved_group_is_followed(db: Database, sender: ScriptedSender) -> None:
    moves: list[tuple[int, int]] = []

    async def on_moved(old: int, new: int) -> None:
        moves.append((old, new))

    outbox, worker = make_worker(db, sender, on_moved=on_moved)
    sender.script["g1"] = [ChatMoved(-1009)]
    async with running(worker):
        await add(db, outbox, (-9, "g1"), (-9, "g2"))
        await until(lambda: len(sender.delivered) == 2)
    assert sender.delivered == [(-1009, "g1"), (-1009, "g2")]
    assert moves == [(-9, -1009)]


async def test_crash_while_in_flight_sends_that_one_again_and_nothing_else(
    db: Database, sender: ScriptedSender
) -> None:
    """The process dies while 'x' is on its way: 'x' may arrive twice, 'y' exactly once."""
    outbox, worker = make_worker(db, sender)
    sender.gate = asyncio.Event()
    task = asyncio.create_task(worker.run())
    await add(db, outbox, (1, "x"), (1, "y"))
    await until(lambda: sender.attempts == ["x"])
    task.cancel()  # the crash: no grace, no bookkeeping
    with contextlib.suppress(asyncio.CancelledError):
        await task
    for t in list(worker._tasks):
        t.cancel()
    await asyncio.sleep(0)
    assert [(r, s) for r, s, *_ in await states(db)] == [("x", "in_flight"), ("y", "pending")]

    sender.gate = None
    outbox2, worker2 = make_worker(db, sender)
    async with running(worker2):
        outbox2.notify()
        await until(lambda: len(sender.delivered) == 2)
    assert sender.delivered == [(1, "x"), (1, "y")]
    assert sender.attempts == ["x", "x", "y"], "only the in-flight request was repeated"
    assert [(r, s) for r, s, *_ in await states(db)] == [("x", "done"), ("y", "done")]


async def test_committed_rows_survive_a_stop_before_sending(
    db: Database, sender: ScriptedSender
) -> None:
    outbox, _ = make_worker(db, sender)
    await add(db, outbox, (3, "later"))  # committed, no worker running
    _, worker2 = make_worker(db, sender)
    async with running(worker2):
        await until(lambda: sender.delivered == [(3, "later")])
    assert sender.attempts == ["later"]


async def test_graceful_stop_lets_the_send_in_flight_finish(
    db: Database, sender: ScriptedSender
) -> None:
    outbox, worker = make_worker(db, sender)
    sender.gate = asyncio.Event()
    task = asyncio.create_task(worker.run())
    await add(db, outbox, (1, "x"))
    await until(lambda: sender.attempts == ["x"])
    stopping = asyncio.create_task(worker.stop(grace=2))
    sender.gate.set()
    await stopping
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert [(r, s) for r, s, *_ in await states(db)] == [("x", "done")]


async def test_rolled_back_change_sends_nothing(db: Database, sender: ScriptedSender) -> None:
    outbox, worker = make_worker(db, sender)
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await outbox.add(conn, NewMessage(1, "sendMessage", {"text": "ghost"}))
            raise RuntimeError("the change failed")
    async with running(worker):
        await add(db, outbox, (1, "real"))
        await until(lambda: sender.delivered == [(1, "real")])
    assert sender.attempts == ["real"]


async def test_a_failing_follow_up_does_not_leave_the_row_in_flight(
    db: Database, sender: ScriptedSender
) -> None:
    async def broken_on_sent(conn: Any, message: OutgoingMessage, message_id: int | None) -> None:
        raise RuntimeError("bug in a follow-up")

    outbox, worker = make_worker(db, sender, on_sent=broken_on_sent)
    async with running(worker):
        await add(db, outbox, (1, "first"), (1, "second"))
        await until(lambda: len(sender.delivered) == 2)
    assert [(r, s) for r, s, *_ in await states(db)] == [("first", "done"), ("second", "done")]
    assert sender.attempts == ["first", "second"], "delivered once each, the chat not blocked"


async def test_what_people_wait_for_goes_before_bulk_rows(db: Database) -> None:
    from bot.storage.repositories import OutboxRepository

    clock = datetime(2026, 11, 21, 6, 30, tzinfo=UTC)
    repo = OutboxRepository()
    async with db.transaction() as conn:
        for n in range(5):  # a broadcast written first
            await repo.add(
                conn, NewMessage(100 + n, "sendMessage", {"text": "offer"}, priority=1), clock
            )
        await repo.add(conn, NewMessage(7, "sendMessage", {"text": "your report"}), clock)
        await repo.add(conn, NewMessage(100, "sendMessage", {"text": "reply to a helper"}), clock)
        claimed = await repo.claim(conn, clock, 2)
    assert [(m.chat_id, m.payload["text"]) for m in claimed] == [(7, "your report"), (100, "offer")]
    # the helper's own reply still waits behind the offer to them: order per chat holds


async def test_a_graceful_stop_drains_what_is_due_within_its_grace(
    db: Database, sender: ScriptedSender
) -> None:
    outbox, worker = make_worker(db, sender)
    task = asyncio.create_task(worker.run())
    sender.gate = asyncio.Event()
    await add(db, outbox, (1, "a"), (2, "b"), (1, "c"))
    await until(lambda: len(sender.attempts) == 2)  # two chats on their way
    stopping = asyncio.create_task(worker.stop(grace=2))
    sender.gate.set()
    await stopping
    await task
    assert sorted(sender.delivered) == [(1, "a"), (1, "c"), (2, "b")], "all three before the end"


async def test_a_stop_does_not_wait_beyond_its_grace(db: Database, sender: ScriptedSender) -> None:
    outbox, worker = make_worker(db, sender)
    task = asyncio.create_task(worker.run())
    sender.gate = asyncio.Event()  # Telegram never answers
    await add(db, outbox, (1, "a"))
    await until(lambda: sender.attempts == ["a"])
    loop = asyncio.get_running_loop()
    started = loop.time()
    await worker.stop(grace=0.3)
    await task
    assert loop.time() - started < scaled(1.0)
    assert [(r, s) for r, s, *_ in await states(db)] == [("a", "in_flight")], "sent at next start"


async def test_a_retry_goes_on_time_while_another_chat_waits_long(
    db: Database, sender: ScriptedSender
) -> None:
    """The loop does not read due times while sends are on their way: a retry wakes it."""
    outbox = Outbox(utc_now)
    worker = DeliveryWorker(db, outbox, sender, utc_now, backoff_base=0.01, idle_poll=10.0)
    # a group's send waiting in the limiter, say, for as long as the test needs: until the
    # retry has gone (a fixed wait had to outlast the retry's bound, 9 s at a scale of 3)
    slow = sender.held["slow"] = asyncio.Event()
    sender.script["retry"] = [RetryLater(0.1)]
    async with running(worker):
        await add(db, outbox, (1, "slow"), (2, "retry"))
        began = asyncio.get_running_loop().time()
        await until(lambda: (2, "retry") in sender.delivered, timeout=2.0)
        assert asyncio.get_running_loop().time() - began < scaled(1.0)
        assert (1, "slow") not in sender.delivered, "the slow one was on its way all along"
        assert sender.attempts.count("slow") == 1
        slow.set()
        await until(lambda: len(sender.delivered) == 2, timeout=5.0)


async def test_a_row_behind_a_backed_off_one_does_not_spin_the_loop(
    db: Database, sender: ScriptedSender
) -> None:
    outbox = Outbox(utc_now)  # no idle polling to blur the count: only the due time wakes it
    worker = DeliveryWorker(db, outbox, sender, utc_now, backoff_base=0.01, idle_poll=10.0)
    sender.script["first"] = [RetryLater(1.0)]
    statements: list[str] = []
    async with running(worker):
        await add(db, outbox, (1, "first"), (1, "behind"))
        await until(lambda: sender.attempts == ["first"])
        await db.conn.set_trace_callback(statements.append)
        await asyncio.sleep(0.5)  # "behind" is due but waits for "first", due in 1 s: a
        # spinning loop claims hundreds of times here; a waiting one settles "first" and stops
        await db.conn.set_trace_callback(None)
        await until(lambda: [t for _, t in sender.delivered] == ["first", "behind"], timeout=5)
    begins = [sql for sql in statements if sql.startswith("BEGIN")]
    assert len(begins) <= 8, f"the loop waits for the due time ({len(begins)} claims)"


async def test_a_delivered_message_is_marked_done_even_if_the_first_try_fails(
    db: Database,
) -> None:
    """A message without follow-ups is marked done in one statement; a failure of that write
    (a lock held too long) is tried again, so the row never stays in flight holding its chat."""
    import sqlite3

    sender = ScriptedSender()

    async def hook(conn: Any, message: OutgoingMessage, message_id: int | None) -> None:
        raise AssertionError("a message without a ref has nothing to follow it")

    outbox, worker = make_worker(db, sender, on_sent=hook)
    real = worker.repo.mark_sent
    failures = ["database is locked"]

    async def flaky(*args: Any) -> None:
        if failures:
            raise sqlite3.OperationalError(failures.pop())
        await real(*args)

    worker.repo.mark_sent = flaky  # type: ignore[method-assign]
    async with db.transaction() as conn:
        await outbox.add(conn, NewMessage(1, "sendMessage", {"text": "first"}))
        await outbox.add(conn, NewMessage(1, "sendMessage", {"text": "second"}))
    outbox.notify()
    async with running(worker):
        await until(lambda: len(sender.delivered) == 2)
        await until(lambda: not worker._tasks)
    assert [s for _, s, *_ in await states(db)] == ["done", "done"]
    assert not failures


async def test_a_row_with_a_ref_of_a_newer_release_is_still_delivered(
    db: Database, sender: ScriptedSender
) -> None:
    """A ref this release cannot read (an upgrade rolled back with rows in flight) reads as no
    ref: the row goes out, no hook hears of it, the stored text is left as it was."""
    heard: list[Ref | None] = []

    async def on_sent(_conn: Any, message: OutgoingMessage, _message_id: int | None) -> None:
        heard.append(message.ref)

    outbox, worker = make_worker(db, sender, on_sent=on_sent)
    async with db.transaction() as conn:
        await outbox.add(conn, NewMessage(1, "sendMessage", {"text": "new"}))
        await outbox.add(
            conn, NewMessage(1, "sendMessage", {"text": "old"}, ref=Ref.duty(17, "offer", 42))
        )
        await conn.execute("UPDATE outbox SET ref = 'newfangled:1' WHERE ref IS NULL")
    outbox.notify()
    async with running(worker):
        await until(lambda: len(sender.delivered) == 2)
    assert sender.delivered == [(1, "new"), (1, "old")]
    assert [(r, s) for r, s, *_ in await states(db)] == [
        ("newfangled:1", "done"),
        ("duty:17:offer:42", "done"),
    ]
    assert heard == [Ref.duty(17, "offer", 42)], "the unread one has no ref: no hook"


async def test_a_row_no_hook_follows_is_done_in_one_statement(
    db: Database, sender: ScriptedSender
) -> None:
    """A sent-hook registered for some parts of a kind's refs hears of those only; the other
    rows of the kind are marked done without a transaction (no BEGIN, no COMMIT)."""
    heard: list[str] = []

    async def on_post(conn: Any, message: OutgoingMessage, message_id: int | None) -> None:
        heard.append(str(message.ref))

    hooks = DeliveryHooks()
    hooks.when_sent(RefKind.REPORT, on_post, parts=frozenset({"post"}))
    outbox, worker = make_worker(db, sender, on_sent=hooks.sent, wants_sent=hooks.wants_sent)
    statements: list[str] = []
    assert db.conn is not None
    await db.conn.set_trace_callback(statements.append)
    async with db.transaction() as conn:
        await outbox.add(
            conn, NewMessage(1, "sendMessage", {"text": "receipt"}, Ref.report(7, "receipt"))
        )
        await outbox.add(
            conn, NewMessage(2, "sendMessage", {"text": "post"}, Ref.report(7, "post"))
        )
    outbox.notify()
    async with running(worker):
        await until(lambda: len(sender.delivered) == 2)
        await until(lambda: not worker._tasks)
    await db.conn.set_trace_callback(None)
    assert heard == ["report:7:post"]
    settled = [s for s in statements if s.startswith(("BEGIN", "UPDATE outbox SET state = 'done'"))]
    begun = len([s for s in settled if s.startswith("BEGIN")])
    assert begun == 3, "the add, the worker's start, the post's settlement: not the receipt's"
    assert len([s for s in settled if s.startswith("UPDATE")]) == 2
    assert [s for _, s, *_ in await states(db)] == ["done", "done"]
