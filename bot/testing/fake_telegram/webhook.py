"""The push side of the fake: with a webhook set, updates are POSTed to the bot as Telegram
does, instead of waiting for getUpdates.

Like Telegram: the request carries ``X-Telegram-Bot-Api-Secret-Token`` when a secret was set;
an update is forgotten only after a 2xx answer; anything else (a refusal, a 5xx, a reset
connection, no answer within the timeout) is recorded as the webhook's last error and the
update is sent again later; updates of one chat go one at a time, in order, and different
chats in parallel up to ``max_connections``.

There is no internet here, and the bot listens on plain HTTP behind what would be a TLS proxy:
``route(public_url, local_url)`` plays that proxy. A webhook whose address has no route fails
as an unreachable host would.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from .server import FakeTelegram

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class WebhookState:
    url: str = ""
    secret: str = ""
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    #: every delivery attempt: (update_id, HTTP status or 0 for no answer)
    attempts: list[tuple[int, int]] = field(default_factory=list)


def queue_key(update: dict[str, Any]) -> object:
    """Telegram keeps one chat's updates in order; updates without a chat are independent."""
    for kind, body in update.items():
        if kind == "update_id" or not isinstance(body, dict):
            continue
        chat = body.get("chat") or (body.get("message") or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return ("chat", chat["id"])
        sender = body.get("from")
        if isinstance(sender, dict) and "id" in sender:
            return ("user", sender["id"])
    return ("update", update.get("update_id"))


class WebhookPusher:
    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.state = WebhookState()
        self.routes: dict[str, str] = {}
        #: seconds a delivery may take before it counts as failed (Telegram: about 60)
        self.timeout = 10.0
        #: seconds before a failed update is tried again (Telegram waits longer)
        self.retry_delay = 0.2
        self._busy: set[object] = set()
        self._retry_at: dict[int, float] = {}
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def route(self, public_url: str, local_url: str) -> None:
        """Requests to ``public_url`` (a prefix) reach ``local_url`` (the TLS proxy's job)."""
        self.routes[public_url.rstrip("/")] = local_url.rstrip("/")

    def _target(self, url: str) -> str | None:
        for public, local in self.routes.items():
            if url == public or url.startswith(public + "/"):
                return local + url[len(public) :]
        return None

    def set(self, url: str, secret: str, max_connections: int) -> None:
        self.state.url = url
        self.state.secret = secret
        self.state.max_connections = max_connections
        self.state.last_error_date = None
        self.state.last_error_message = None
        if url and self._task is None:
            self._task = asyncio.create_task(self._run(), name="fake-webhook")

    def wake(self) -> None:
        """Something changed (a new update, the webhook): look again."""
        self.fake._notify()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        self._session = aiohttp.ClientSession()
        inflight: set[asyncio.Task[None]] = set()
        try:
            while self.state.url:
                now = time.monotonic()
                blocked: set[object] = set()  # an earlier update of the chat goes first
                for update in list(self.fake._updates):
                    key = queue_key(update)
                    if key in self._busy or key in blocked:
                        continue
                    blocked.add(key)
                    if self._retry_at.get(update["update_id"], 0.0) > now:
                        continue
                    if len(inflight) >= self.state.max_connections:
                        break
                    self._busy.add(key)
                    task = asyncio.create_task(self._deliver(update, key))
                    inflight.add(task)
                    task.add_done_callback(inflight.discard)
                await self.fake._wait_change(0.05)
        finally:
            for task in inflight:
                task.cancel()

    async def _deliver(self, update: dict[str, Any], key: object) -> None:
        try:
            await self._post(update)
        finally:
            self._busy.discard(key)
            self.wake()

    async def _post(self, update: dict[str, Any]) -> None:
        update_id = update["update_id"]
        status = 0
        error: str | None = None
        target = self._target(self.state.url)
        headers = {"Content-Type": "application/json"}
        if self.state.secret:
            headers[SECRET_HEADER] = self.state.secret
        if target is None:
            error = "Connection refused"
        else:
            assert self._session is not None
            try:
                async with self._session.post(
                    target,
                    json=update,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self.timeout),
                ) as response:
                    status = response.status
                    await response.read()
                    if not 200 <= status < 300:
                        error = f"Wrong response from the webhook: {status} {response.reason}"
            except TimeoutError:
                error = "Read timeout expired"
            except aiohttp.ClientError:
                error = "Connection refused"
        self.state.attempts.append((update_id, status))
        if error is None:
            self.fake._updates = [u for u in self.fake._updates if u["update_id"] != update_id]
            self._retry_at.pop(update_id, None)
        else:
            self.state.last_error_date = int(self.fake.now())
            self.state.last_error_message = error
            self._retry_at[update_id] = time.monotonic() + self.retry_delay
