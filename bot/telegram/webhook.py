"""Webhook mode: Telegram posts each update to the bot's own HTTP server (behind a TLS proxy).

Every request must carry the secret token given to setWebhook; others get 401 and change
nothing. An update is answered 200 as soon as it is in the inbox (SQLite), and handled after:
Telegram does not wait on slow handlers, and an update cut off by a crash is handled at the
next start from the inbox. A 5xx or no answer makes Telegram send it again later.
`GET /healthz` tells a supervisor (systemd, a load balancer) whether the bot can work.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from typing import Any

from aiogram import Bot, Dispatcher
from aiohttp import web

from bot.services.inbox import Inbox
from bot.telegram.health import Health, healthz_handler, listening_address
from bot.telegram.session import feed_raw

log = logging.getLogger(__name__)

#: Telegram's updates are small; anything bigger is not from Telegram
MAX_BODY = 1024 * 1024


class WebhookServer:
    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        inbox: Inbox,
        *,
        path: str,
        secret: str,
        host: str,
        port: int,
        health: Health,
    ) -> None:
        self.dp = dp
        self.bot = bot
        self.inbox = inbox
        self.path = path
        self.secret = secret
        self.host = host
        self.port = port
        self.health = health
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._accepting = False

    @property
    def address(self) -> tuple[str, int]:
        """Where it listens (the port is the real one when 0 was asked)."""
        assert self._runner is not None
        return listening_address(self._runner)

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self._update)
        app.router.add_get("/healthz", healthz_handler(self.health))
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=5.0)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, self.host, self.port)
        await self._site.start()
        self._accepting = True
        host, port = self.address
        log.info("webhook server listening on %s:%s (path %s, /healthz)", host, port, self.path)

    async def _update(self, request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not secrets.compare_digest(given.encode("utf-8", "replace"), self.secret.encode()):
            log.warning("a webhook request without the right secret token from %s", request.remote)
            return web.Response(status=401, text="Unauthorized")
        if not self._accepting:  # stopping: Telegram sends it again to the next process
            return web.Response(status=503, text="Stopping")
        try:
            update = json.loads(await request.read())
            update_id = int(update["update_id"])
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="Bad Request")
        try:
            await self.inbox.receive([(update_id, json.dumps(update, ensure_ascii=False))])
        except Exception:  # not kept: not acknowledged, so Telegram sends it again
            log.exception("cannot keep update %s; Telegram will send it again", update_id)
            return web.Response(status=503, text="Try again")
        if not self._accepting:  # the stop came meanwhile: kept, handled at the next start
            return web.Response(status=503, text="Stopping")
        task = asyncio.create_task(self._handle(update), name=f"update-{update_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return web.json_response({})

    async def _handle(self, update: dict[str, Any]) -> None:
        try:
            await feed_raw(self.dp, self.bot, self.inbox, update)
        except Exception:  # recorded by the errors handler; never an unretrieved task error
            log.exception("update %s failed", update.get("update_id"))

    async def stop_accepting(self) -> None:
        """New updates get 503 (Telegram keeps them for the next start); /healthz still answers."""
        self._accepting = False

    async def drain(self, grace: float) -> None:
        """Wait for updates being handled; those still running after `grace` are cancelled
        (they stay in the inbox and are handled at the next start)."""
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=grace)
        for task in late:
            task.cancel()
        for task in late:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if late:
            log.warning("%s update(s) still being handled at stop were cancelled", len(late))

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
