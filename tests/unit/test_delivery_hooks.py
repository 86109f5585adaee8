"""The delivery hooks' registry: a row's ref is read once and only its kind's hooks hear of it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.domain.outbox import OutgoingMessage
from bot.domain.refs import Ref, RefKind
from bot.services.outbox import DeliveryHooks
from bot.storage.db import Tx


def row(ref: str | None, chat_id: int = 5, **payload: Any) -> OutgoingMessage:
    return OutgoingMessage(
        1, chat_id, "sendMessage", payload, 0, datetime(2026, 1, 1, tzinfo=UTC), Ref.of(ref)
    )


async def test_hooks_hear_their_own_kind_only() -> None:
    heard: list[tuple[str, Ref | None, object]] = []
    hooks = DeliveryHooks()

    async def sent(kind: str, _conn: Tx, message: OutgoingMessage, message_id: int | None) -> None:
        heard.append((kind, message.ref, message_id))

    async def failed(_conn: Tx, message: OutgoingMessage, error: str) -> None:
        heard.append(("failed", message.ref, error))

    async def gone(message: OutgoingMessage, ref: Ref) -> None:
        heard.append(("gone", message.ref, ref))

    hooks.when_sent(RefKind.REPORT, lambda c, m, i: sent("report", c, m, i))
    hooks.when_sent(RefKind.DUTY, lambda c, m, i: sent("duty", c, m, i))
    hooks.when_failed(RefKind.DUTY, failed)
    hooks.when_unreachable(RefKind.REPORT, gone)
    conn: Any = None
    for ref in ("report:1000:post", "duty:17:offer:42", "helper:5:topic", "nonsense:1", None):
        await hooks.sent(conn, row(ref), 77)
        await hooks.failed(conn, row(ref), "blocked")
        await hooks.unreachable(row(ref))
    post, offer = Ref.report(1000, "post"), Ref.duty(17, "offer", 42)
    assert heard == [
        ("report", post, 77),
        ("gone", post, Ref(RefKind.REPORT, 1000, "post")),
        ("duty", offer, 77),
        ("failed", offer, "blocked"),
    ]
    assert hooks.kinds()["when_sent"] == [RefKind.DUTY, RefKind.REPORT]


async def test_prepare_runs_hooks_for_every_row_then_the_kinds() -> None:
    hooks = DeliveryHooks()

    async def topic(_message: OutgoingMessage, payload: dict[str, Any]) -> dict[str, Any]:
        return {**payload, "message_thread_id": 9}

    async def card(_message: OutgoingMessage, payload: dict[str, Any]) -> dict[str, Any]:
        return {**payload, "text": "drawn now"}

    hooks.before_any_send(topic)
    hooks.before_send(RefKind.DUTY, card)
    assert await hooks.prepare(row(None, photo="x")) == {"photo": "x", "message_thread_id": 9}
    assert await hooks.prepare(row("duty:17:post", text="…")) == {
        "text": "drawn now",
        "message_thread_id": 9,
    }
