"""Error objects of the fake Bot API and the exact way the real server words them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_PREFIXES: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    500: "Internal Server Error",
}


# Server codes telegram-bot-api rewords for 400 errors (Client::fail_query_with_error).
BAS_RENAMES: dict[str, str] = {
    "MESSAGE_NOT_MODIFIED": (
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    ),
    "WC_CONVERT_URL_INVALID": "Wrong HTTP URL specified",
    "EXTERNAL_URL_INVALID": "Wrong HTTP URL specified",
    "REPLY_MARKUP_TOO_LONG": "reply markup is too long",
    "QUERY_ID_INVALID": "query is too old and response timeout expired or query ID is invalid",
    "MESSAGE_DELETE_FORBIDDEN": "message can't be deleted",
}


def bas_description(error_code: int, message: str) -> str:
    """Word ``message`` like telegram-bot-api's ``Client::fail_query_with_error`` does.

    The prefix for the code is added unless the message already starts with it, and the
    first letter is lower-cased unless the second character is ``_`` or upper-case, so
    TDLib's ``"Message text is empty"`` becomes ``"Bad Request: message text is empty"``
    while server codes such as ``"TOPIC_CLOSED"`` pass through unchanged.
    """
    prefix = _PREFIXES.get(error_code, "Bad Request")
    if error_code == 400:
        message = BAS_RENAMES.get(message, message)
    if message.startswith(prefix):
        return message
    if not message:
        return prefix
    if len(message) >= 2 and (message[1] == "_" or "A" <= message[1] <= "Z"):
        return f"{prefix}: {message}"
    return f"{prefix}: {message[0].lower()}{message[1:]}"


class ApiError(Exception):
    """A failed Bot API call: HTTP status, description and optional ``parameters``."""

    def __init__(
        self,
        error_code: int,
        description: str,
        parameters: dict[str, Any] | None = None,
        *,
        injected: bool = False,
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters or {}
        self.injected = injected
        self.unanswered = False

    @classmethod
    def bad(cls, message: str, parameters: dict[str, Any] | None = None) -> ApiError:
        """A 400 worded like the real server (see :func:`bas_description`)."""
        return cls(400, bas_description(400, message), parameters)

    @classmethod
    def forbidden(cls, message: str) -> ApiError:
        """A 403 worded like the real server."""
        return cls(403, bas_description(403, message))

    @classmethod
    def retry_after(cls, seconds: int) -> ApiError:
        """A flood-control 429 with ``parameters.retry_after``."""
        return cls(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})

    def body(self) -> dict[str, Any]:
        """The JSON body the server answers with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass
class TelegramRefusal:
    """A call the fake refused because the bot broke one of Telegram's rules."""

    method: str
    params: dict[str, str]
    error_code: int
    description: str
    time: float = 0.0
    expected: bool = False
    parameters: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        shown = {k: (v if len(v) <= 80 else v[:77] + "...") for k, v in self.params.items()}
        mark = "expected" if self.expected else "UNEXPECTED"
        return f"[{mark}] {self.method} -> {self.error_code} {self.description!r} params={shown}"
