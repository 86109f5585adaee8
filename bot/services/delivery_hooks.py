"""What follows the delivery of an outbox row, registered per kind of ref.

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

from collections.abc import Awaitable, Callable
from typing import Any

from bot.domain.delivery import OutgoingMessage
from bot.domain.refs import Ref, RefKind
from bot.storage.db import Tx

#: the row is about to go: fill in what it could not know when written (a forum topic's id)
Prepare = Callable[[OutgoingMessage, dict[str, Any]], Awaitable[dict[str, Any]]]
#: Telegram took it (with the message's id), in the transaction that marks it done
Sent = Callable[[Tx, OutgoingMessage, int | None], Awaitable[None]]
#: Telegram will never take it (the error), in the transaction that marks it failed
Failed = Callable[[Tx, OutgoingMessage, str], Awaitable[None]]
#: the person it was for blocked the bot or is gone
Unreachable = Callable[[OutgoingMessage, Ref], Awaitable[None]]


class DeliveryHooks:
    """Hooks per `RefKind`; run in the order they were registered."""

    def __init__(self) -> None:
        self._prepare_any: list[Prepare] = []
        self._prepare: dict[RefKind, list[Prepare]] = {}
        self._sent: dict[RefKind, list[Sent]] = {}
        self._failed: dict[RefKind, list[Failed]] = {}
        self._unreachable: dict[RefKind, list[Unreachable]] = {}

    # --- registration ---------------------------------------------------------------------

    def before_any_send(self, hook: Prepare) -> None:
        """For every row, with a ref or without; these run before the hooks of a kind."""
        self._prepare_any.append(hook)

    def before_send(self, kind: RefKind, hook: Prepare) -> None:
        self._prepare.setdefault(kind, []).append(hook)

    def when_sent(self, kind: RefKind, hook: Sent) -> None:
        self._sent.setdefault(kind, []).append(hook)

    def when_failed(self, kind: RefKind, hook: Failed) -> None:
        self._failed.setdefault(kind, []).append(hook)

    def when_unreachable(self, kind: RefKind, hook: Unreachable) -> None:
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

    async def sent(self, conn: Tx, message: OutgoingMessage, message_id: int | None) -> None:
        ref = message.ref
        if ref is not None:
            for hook in self._sent.get(ref.kind, ()):
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
