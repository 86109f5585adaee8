"""The outbox and its delivery worker: nothing committed is lost, nothing is sent twice
except a request that was in flight when the process died or the request timed out.

Services write `NewMessage`s with `Outbox.add` inside the same transaction as the change that
needs them, and call `Outbox.notify()` after the commit. The worker claims the oldest due row
of each chat (never two of one chat at a time, so order holds), sends it, and marks it done
only after Telegram accepted it. Rows in flight at a crash are sent again at start-up.

What follows the delivery of a row is registered per kind of ref, in `DeliveryHooks` (at the
end of this module).

The delivery worker knows nothing of reports or duties. When a row is about to be sent, has
been sent, failed for good or found its person unreachable, it asks this registry, which reads
the row's typed ref (`Ref`, bot/domain/refs.py) and calls the hooks registered for its
kind (`RefKind.REPORT` → the report service's, `RefKind.DUTY` → the duty service's …). A row
without a ref, or with a ref of no known kind, has no hooks of a kind. One sort of hook looks at
every row instead: filling in a forum topic written as a marker in the payload, which the rows
of a post without a ref of their own (an album's photos, a location) carry too
(`before_any_send`). The composition root (bot/bootstrap.py) says which feature hangs which hook
on which kind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.domain.outbox import (
    ChatMoved,
    NewMessage,
    OutgoingMessage,
    Rejected,
    RetryLater,
    TopicGone,
    Transient,
    Unchanged,
    Unreachable,
)
from bot.domain.refs import Ref, RefKind
from bot.domain.users import FORGOTTEN, OFFLINE
from bot.storage.db import Database, Tx
from bot.storage.repositories.outbox import OutboxRepository

log = logging.getLogger(__name__)


async def fill_thread(
    payload: dict[str, Any], key: str, thread_of: Callable[[int], Awaitable[int | None]]
) -> dict[str, Any]:
    """A row written before its forum topic existed carries {"message_thread_id": {key: id}}:
    put the topic's id in its place when the row is sent (no topic after all: the group)."""
    thread = payload.get("message_thread_id")
    if not isinstance(thread, dict) or key not in thread:
        return payload
    filled = dict(payload)
    found = await thread_of(int(thread[key]))
    if found is not None:
        filled["message_thread_id"] = found
    else:
        del filled["message_thread_id"]
    return filled


class Sender(Protocol):
    async def send(
        self, chat_id: int, method: str, payload: dict[str, Any], bulk: bool = False
    ) -> int | None:
        """Deliver one message; return Telegram's message id (if any) or raise DeliveryError."""
        ...


class Outbox:
    """Where services put what must reach Telegram."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.repo = OutboxRepository()
        self._wake = asyncio.Event()

    async def add(self, conn: Tx, message: NewMessage) -> int:
        """Call inside the transaction of the change; `notify()` after it commits. Nothing
        goes to the placeholder a forgotten resident's reports are linked to (0 when not
        written)."""
        if message.chat_id == FORGOTTEN:
            log.info("not sent: %s is for a resident whose data was erased", message.ref)
            return 0
        if message.chat_id == OFFLINE:
            log.info("not sent: %s is for a caller not in Telegram (yet)", message.ref)
            return 0
        return await self.repo.add(conn, message, self.clock())

    def notify(self) -> None:
        self._wake.set()


class DeliveryWorker:
    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        sender: Sender,
        clock: Callable[[], datetime],
        *,
        concurrency: int = 8,
        backoff_base: float = 1.0,
        backoff_cap: float = 300.0,
        idle_poll: float = 5.0,
        on_unreachable: Callable[[OutgoingMessage], Awaitable[None]] | None = None,
        on_moved: Callable[[int, int], Awaitable[None]] | None = None,
        #: called, in the transaction that marks it done, for a sent message with a ref (one
        #: without a ref has nothing to follow it)
        on_sent: Callable[[Tx, OutgoingMessage, int | None], Awaitable[None]] | None = None,
        on_failed: Callable[[Tx, OutgoingMessage, str], Awaitable[None]] | None = None,
        on_topic_gone: Callable[[Tx, OutgoingMessage, str], Awaitable[None]] | None = None,
        prepare: Callable[[OutgoingMessage], Awaitable[dict[str, Any]]] | None = None,
        #: whether `on_sent` would act on this row (None: it may act on any row with a ref)
        wants_sent: Callable[[OutgoingMessage], bool] | None = None,
    ) -> None:
        self.db = db
        self.outbox = outbox
        self.sender = sender
        self.clock = clock
        self.concurrency = concurrency
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.idle_poll = idle_poll
        self.on_unreachable = on_unreachable
        self.on_moved = on_moved
        self.on_sent = on_sent
        self.on_failed = on_failed
        self.on_topic_gone = on_topic_gone
        #: fills in what was not known when the row was written (a forum topic's id)
        self.prepare = prepare
        self.wants_sent = wants_sent
        self.repo = outbox.repo
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False
        self._deadline = 0.0
        self._running = False
        self._stopped = asyncio.Event()

    async def run(self) -> None:
        self._running = True
        try:
            await self._run()
        finally:
            self._running = False
            self._stopped.set()

    async def _run(self) -> None:
        async with self.db.transaction() as conn:
            released = await self.repo.release_in_flight(conn)
        if released:
            log.warning(
                "outbox: %s message(s) were in flight at the last stop; sending again", released
            )
        wake = self.outbox._wake
        loop = asyncio.get_running_loop()
        while not (self._stopping and loop.time() >= self._deadline):
            wake.clear()
            free = self.concurrency - len(self._tasks)
            claimed: list[OutgoingMessage] = []
            if free > 0:
                try:
                    async with self.db.one_statement() as conn:  # claim is one statement
                        claimed = await self.repo.claim(conn, self.clock(), free)
                except Exception:  # a locked database (an import), a disk error: not the end
                    log.exception("outbox: cannot claim rows; trying again in a moment")
                    await asyncio.sleep(1.0)
                    continue
            for message in claimed:
                task = asyncio.create_task(self._deliver(message), name=f"outbox-{message.id}")
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            if self._stopping and not claimed and not self._tasks:
                return  # drained: what is left waits for a later moment (a backoff, a 429)
            if free > 0 and len(claimed) == free:
                continue  # as many as it could take: there may be more due rows
            if self._tasks:
                # a send on its way wakes the loop when it ends: the next due time is read then
                timeout = self.idle_poll
            else:
                try:
                    timeout = await self._idle_timeout()  # before creating the wait coroutine
                except Exception:
                    log.exception("outbox: cannot read the next due time")
                    timeout = 1.0
            if self._stopping:
                timeout = min(timeout, max(self._deadline - loop.time(), 0.0))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout)

    async def stop(self, grace: float = 5.0) -> None:
        """Deliver what is due for at most `grace` seconds (a graceful shutdown drains the
        outbox), then stop claiming; sends still in flight are cancelled (a cancelled row
        stays in flight and goes out again at the next start)."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        # new sends start only in the first half: the second is for those on their way to
        # finish (a send cancelled half-way goes again at the next start: a duplicate)
        self._deadline = started + grace / 2
        self._stopping = True
        self.outbox.notify()
        if self._running:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), grace / 2 + 0.1)
        if self._tasks:
            left = max(grace - (loop.time() - started), 0.1)
            _, pending = await asyncio.wait(set(self._tasks), timeout=left)
            for task in pending:
                task.cancel()
            for task in pending:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _idle_timeout(self) -> float:
        async with self.db.read() as conn:
            due = await self.repo.next_due(conn)
        if due is None:
            return self.idle_poll
        return min(max((due - self.clock()).total_seconds(), 0.0) + 0.001, self.idle_poll)

    def _backoff(self, attempts: int) -> float:
        delay = min(self.backoff_base * 2.0 ** max(attempts - 1, 0), self.backoff_cap)
        return delay * random.uniform(0.8, 1.2)

    async def _deliver(self, message: OutgoingMessage) -> None:
        try:
            payload = message.payload if self.prepare is None else await self.prepare(message)
            message_id = await self.sender.send(
                message.chat_id, message.method, payload, message.priority > 0
            )
        except RetryLater as exc:
            await self._later(message, exc.seconds, f"429: {exc}")
        except Transient as exc:
            await self._later(message, self._backoff(message.attempts), f"transient: {exc}")
        except ChatMoved as exc:
            async with self.db.transaction() as conn:
                moved = await self.repo.move_chat(conn, message.chat_id, exc.new_chat_id)
                await self.repo.reschedule(conn, message.id, self.clock(), str(exc))
            log.warning(
                "outbox: chat %s moved to %s (%s rows follow)",
                message.chat_id,
                exc.new_chat_id,
                moved,
            )
            if self.on_moved is not None:
                await self.on_moved(message.chat_id, exc.new_chat_id)
        except Unreachable as exc:
            await self._fail(message, f"unreachable: {exc}")
            log.info("outbox #%s: chat %s unreachable (%s)", message.id, message.chat_id, exc)
            if self.on_unreachable is not None:
                await self.on_unreachable(message)
        except TopicGone as exc:
            await self._redirect(message, str(exc))
        except Unchanged:
            log.debug("outbox #%s: the message shows this already; not sent", message.id)
            await self._settle(message, None)
        except Rejected as exc:
            await self._fail(message, f"rejected: {exc}")
            log.error(
                "outbox #%s (%s, %s) rejected by Telegram: %s",
                message.id,
                message.method,
                message.ref,
                exc,
            )
        except Exception as exc:  # a bug of ours: keep the row, try later, shout
            log.exception("outbox #%s: unexpected failure", message.id)
            await self._later(message, self._backoff(message.attempts), f"bug: {exc!r}")
        else:
            await self._settle(message, message_id)
        finally:
            self.outbox.notify()

    async def _settle(self, message: OutgoingMessage, message_id: int | None) -> None:
        """Telegram accepted it: mark it done (with its follow-ups). Should that fail, mark it
        done alone, so the row never stays in flight (that would hold its chat and resend)."""
        if (
            self.on_sent is None
            or message.ref is None
            or (self.wants_sent is not None and not self.wants_sent(message))
        ):
            # nothing follows this message (the hooks act on some refs only): "done" is one
            # statement, atomic on its own; tried twice, like the full settlement below
            try:
                async with self.db.one_statement() as conn:
                    await self.repo.mark_sent(conn, message.id, message_id, self.clock())
            except Exception:
                log.exception("outbox #%s: delivered, but not marked done; again", message.id)
                async with self.db.one_statement() as conn:
                    await self.repo.mark_sent(conn, message.id, message_id, self.clock())
            log.debug("outbox #%s sent to %s as %s", message.id, message.chat_id, message_id)
            return
        try:
            async with self.db.transaction() as conn:
                await self.repo.mark_sent(conn, message.id, message_id, self.clock())
                # in the same transaction as "done"
                await self.on_sent(conn, message, message_id)
        except Exception:
            log.exception("outbox #%s: delivered, but its follow-up failed", message.id)
            async with self.db.transaction() as conn:
                await self.repo.mark_sent(conn, message.id, message_id, self.clock())
        log.debug("outbox #%s sent to %s as %s", message.id, message.chat_id, message_id)

    async def _redirect(self, message: OutgoingMessage, error: str) -> None:
        """An admin closed or deleted the topic: the message still matters; post it in the
        group's General topic (without the thread and the reply that lived there)."""
        payload = {
            k: v
            for k, v in message.payload.items()
            if k not in ("message_thread_id", "reply_parameters")
        }
        try:
            async with self.db.transaction() as conn:
                await self.repo.redirect(conn, message.id, payload, self.clock(), error)
                if self.on_topic_gone is not None:
                    await self.on_topic_gone(conn, message, error)
        except Exception:
            log.exception("outbox #%s: cannot redirect it out of its topic", message.id)
            await self._later(message, self._backoff(message.attempts), f"topic gone: {error}")
            return
        log.warning(
            "outbox #%s (%s): its forum topic is closed or gone (%s); sending it to General",
            message.id,
            message.ref,
            error,
        )

    async def _fail(self, message: OutgoingMessage, error: str) -> None:
        """Telegram will never take it: mark it failed, with what must happen instead (in the
        same transaction). Should that fail, mark it failed alone."""
        try:
            async with self.db.transaction() as conn:
                await self.repo.mark_failed(conn, message.id, error)
                if self.on_failed is not None:
                    await self.on_failed(conn, message, error)
        except Exception:
            log.exception("outbox #%s: failed, and so did what should follow", message.id)
            async with self.db.transaction() as conn:
                await self.repo.mark_failed(conn, message.id, error)

    async def _later(self, message: OutgoingMessage, seconds: float, error: str) -> None:
        when = self.clock() + timedelta(seconds=seconds)
        async with self.db.transaction() as conn:
            await self.repo.reschedule(conn, message.id, when, error)
        # the loop does not read due times while other sends are on their way: wake it then
        asyncio.get_running_loop().call_later(seconds + 0.001, self.outbox.notify)
        log.warning(
            "outbox #%s to %s: %s; next attempt in %.1f s",
            message.id,
            message.chat_id,
            error,
            seconds,
        )


# --- what follows a delivery, per kind of ref ------------------------------------------------

#: the row is about to go: fill in what it could not know when written (a forum topic's id)
Prepare = Callable[[OutgoingMessage, dict[str, Any]], Awaitable[dict[str, Any]]]
#: Telegram took it (with the message's id), in the transaction that marks it done
Sent = Callable[[Tx, OutgoingMessage, int | None], Awaitable[None]]
#: Telegram will never take it (the error), in the transaction that marks it failed
Failed = Callable[[Tx, OutgoingMessage, str], Awaitable[None]]
#: the person it was for blocked the bot or is gone
UnreachableHook = Callable[[OutgoingMessage, Ref], Awaitable[None]]


class DeliveryHooks:
    """Hooks per `RefKind`; run in the order they were registered."""

    def __init__(self) -> None:
        self._prepare_any: list[Prepare] = []
        self._prepare: dict[RefKind, list[Prepare]] = {}
        #: a hook, and the first parts of the refs it acts on (None: every ref of its kind)
        self._sent: dict[RefKind, list[tuple[Sent, frozenset[str] | None]]] = {}
        self._failed: dict[RefKind, list[Failed]] = {}
        self._unreachable: dict[RefKind, list[UnreachableHook]] = {}

    # --- registration ---------------------------------------------------------------------

    def before_any_send(self, hook: Prepare) -> None:
        """For every row, with a ref or without; these run before the hooks of a kind."""
        self._prepare_any.append(hook)

    def before_send(self, kind: RefKind, hook: Prepare) -> None:
        self._prepare.setdefault(kind, []).append(hook)

    def when_sent(self, kind: RefKind, hook: Sent, *, parts: frozenset[str] | None = None) -> None:
        """`parts`: the refs' first parts the hook acts on ("post", "topic" …); a row whose
        ref has another is marked done in one statement, without a transaction."""
        self._sent.setdefault(kind, []).append((hook, parts))

    def when_failed(self, kind: RefKind, hook: Failed) -> None:
        self._failed.setdefault(kind, []).append(hook)

    def when_unreachable(self, kind: RefKind, hook: UnreachableHook) -> None:
        self._unreachable.setdefault(kind, []).append(hook)

    def kinds(self) -> dict[str, list[RefKind]]:
        """Which kinds have hooks of each sort (for tests and the curious)."""
        return {
            name: sorted(table)
            for name, table in (
                ("before_send", self._prepare),
                ("when_sent", self._sent),
                ("when_failed", self._failed),
                ("when_unreachable", self._unreachable),
            )
        }

    # --- the delivery worker's side ---------------------------------------------------------

    async def prepare(self, message: OutgoingMessage) -> dict[str, Any]:
        payload = message.payload
        for hook in self._prepare_any:
            payload = await hook(message, payload)
        ref = message.ref
        if ref is not None:
            for hook in self._prepare.get(ref.kind, ()):
                payload = await hook(message, payload)
        return payload

    def _sent_hooks(self, ref: Ref | None) -> list[Sent]:
        if ref is None:
            return []
        first = ref.parts[0] if ref.parts else ""
        return [
            hook for hook, parts in self._sent.get(ref.kind, ()) if parts is None or first in parts
        ]

    def wants_sent(self, message: OutgoingMessage) -> bool:
        """Whether anything follows this row's delivery (else "done" is all there is to it)."""
        return bool(self._sent_hooks(message.ref))

    async def sent(self, conn: Tx, message: OutgoingMessage, message_id: int | None) -> None:
        for hook in self._sent_hooks(message.ref):
            await hook(conn, message, message_id)

    async def failed(self, conn: Tx, message: OutgoingMessage, error: str) -> None:
        ref = message.ref
        if ref is not None:
            for hook in self._failed.get(ref.kind, ()):
                await hook(conn, message, error)

    async def unreachable(self, message: OutgoingMessage) -> None:
        ref = message.ref
        if ref is not None:
            for hook in self._unreachable.get(ref.kind, ()):
                await hook(message, ref)
