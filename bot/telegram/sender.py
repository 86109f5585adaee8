"""The delivery worker's hands: turn an outbox row into a Bot API call, and Telegram's answer
into a delivery outcome the worker understands."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram import methods as m
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import ForumTopic, Message, MessageId
from pydantic import ValidationError

from bot.domain.outbox import (
    ChatMoved,
    Rejected,
    RetryLater,
    TopicGone,
    Transient,
    Unreachable,
)
from bot.telegram.session import BULK, DELIVERY_WORKER

#: the Bot API methods an outbox row may name
METHODS: dict[str, type[m.TelegramMethod[Any]]] = {
    "sendMessage": m.SendMessage,
    "copyMessage": m.CopyMessage,
    "sendPhoto": m.SendPhoto,
    "sendVideo": m.SendVideo,
    "sendDocument": m.SendDocument,
    "sendVoice": m.SendVoice,
    "sendMediaGroup": m.SendMediaGroup,
    "sendLocation": m.SendLocation,
    "sendVenue": m.SendVenue,
    "sendContact": m.SendContact,
    "editMessageText": m.EditMessageText,
    "editMessageReplyMarkup": m.EditMessageReplyMarkup,
    "setMessageReaction": m.SetMessageReaction,
    "createForumTopic": m.CreateForumTopic,
    "closeForumTopic": m.CloseForumTopic,
    "reopenForumTopic": m.ReopenForumTopic,
}


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(
        self, chat_id: int, method: str, payload: dict[str, Any], bulk: bool = False
    ) -> int | None:
        cls = METHODS.get(method)
        if cls is None:
            raise Rejected(f"unknown outbox method {method!r}")
        try:
            call = cls.model_validate({"chat_id": chat_id, **payload})
        except ValidationError as exc:
            raise Rejected(f"invalid {method} payload: {exc.error_count()} error(s)") from exc
        token = DELIVERY_WORKER.set(True)
        bulk_token = BULK.set(bulk)
        try:
            result = await self.bot(call)
        except TelegramRetryAfter as exc:
            raise RetryLater(exc.retry_after, exc.message) from exc
        except TelegramMigrateToChat as exc:
            raise ChatMoved(exc.migrate_to_chat_id) from exc
        except TelegramForbiddenError as exc:
            raise Unreachable(exc.message) from exc
        except TelegramEntityTooLarge as exc:  # before its base class, TelegramNetworkError
            raise Rejected(exc.message) from exc
        except (TelegramServerError, TelegramNetworkError, TelegramUnauthorizedError) as exc:
            # Unauthorized too: a revoked token is the operator's to fix; keep the messages.
            raise Transient(f"{type(exc).__name__}: {exc.message}") from exc
        except TelegramBadRequest as exc:
            if "message is not modified" in exc.message or "TOPIC_NOT_MODIFIED" in exc.message:
                return None  # the edit (or the topic's closing or reopening) is already there
            if _topic_gone(exc.message):
                if method in ("closeForumTopic", "reopenForumTopic"):
                    return None  # a deleted topic has nothing left to close or reopen
                if "message_thread_id" in payload:
                    raise TopicGone(exc.message) from exc
            raise Rejected(exc.message) from exc
        except (TelegramNotFound, TelegramAPIError) as exc:  # 404, 409 and the rest
            raise Rejected(exc.message) from exc
        finally:
            BULK.reset(bulk_token)
            DELIVERY_WORKER.reset(token)
        return message_id_of(result)


def _topic_gone(description: str) -> bool:
    text = description.lower()
    return (
        "topic_closed" in text
        or "topic_deleted" in text
        or "message thread not found" in text
        or "topic_id_invalid" in text
    )


def message_id_of(result: object) -> int | None:
    if isinstance(result, Message | MessageId):
        return result.message_id
    if isinstance(result, ForumTopic):
        return result.message_thread_id
    if isinstance(result, list) and result and isinstance(result[0], Message):
        return result[0].message_id
    return None
