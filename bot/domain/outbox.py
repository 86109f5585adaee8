"""Messages the bot owes to Telegram, and how a send attempt can end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain.refs import Ref


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One outbox row."""

    id: int
    chat_id: int
    method: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    ref: Ref | None = None
    #: 0 for what a person is waiting for, 1 for bulk (offers to many helpers)
    priority: int = 0


@dataclass(frozen=True, slots=True)
class NewMessage:
    """What a service asks to be delivered (written inside its own transaction)."""

    chat_id: int
    method: str
    payload: dict[str, Any] = field(default_factory=dict)
    ref: Ref | None = None
    priority: int = 0


#: the reaction a relayed message's source gets once Telegram has taken the relay: "it
#: arrived", without a message of its own (so none of the group's budget). Telegram allows
#: only its own set of reaction emoji, which has no ✓; 👌 says "delivered" best among them.
DELIVERED = "👌"


def delivered_mark(chat_id: int, message_id: int, ref: Ref) -> NewMessage:
    """The DELIVERED reaction on a person's own message (`ref`: the relay's, with
    ":delivered")."""
    return NewMessage(
        chat_id,
        "setMessageReaction",
        {"message_id": message_id, "reaction": [{"type": "emoji", "emoji": DELIVERED}]},
        ref=ref.with_part("delivered"),
    )


class DeliveryError(Exception):
    """A send attempt that Telegram did not accept."""


class RetryLater(DeliveryError):
    """429: Telegram names the wait."""

    def __init__(self, seconds: float, detail: str = "") -> None:
        super().__init__(detail or f"retry after {seconds}")
        self.seconds = seconds


class Transient(DeliveryError):
    """5xx, network error, timeout: try again with backoff (the request may have arrived)."""


class ChatMoved(DeliveryError):
    """The group became a supergroup with a new id."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"chat moved to {new_chat_id}")
        self.new_chat_id = new_chat_id


class Unreachable(DeliveryError):
    """403: the user blocked the bot, or the bot left the group. Retrying will not help."""


class Unchanged(DeliveryError):
    """An edit drawn when sent that would show exactly what the message shows already: done
    without a request (Telegram would refuse it as «message is not modified»)."""


class Rejected(DeliveryError):
    """400 and the like: this message will never be accepted as it is."""


class TopicGone(Rejected):
    """The forum topic the message was for is closed or deleted: it can go to the group's
    General topic instead."""
