"""`GET /healthz`: whether the bot can work (the database answers, the messages people wait for
are not stuck), for a supervisor, a load balancer or a monitoring check. 200 with the checks as
JSON when all is well, 503 with the same fields when not. Served by the webhook server in
webhook mode, and by this small listener on HEALTH_HOST:HEALTH_PORT when that is set (polling
mode has no HTTP server otherwise)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

#: the checks: (all well, what each check found)
Health = Callable[[], Awaitable[tuple[bool, dict[str, Any]]]]


def listening_address(runner: web.AppRunner) -> tuple[str, int]:
    """Where a started server listens (the real port when 0 was asked)."""
    host, port = runner.addresses[0][:2]
    return str(host), int(port)


def healthz_handler(health: Health) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The one /healthz both servers mount."""

    async def healthz(request: web.Request) -> web.Response:
        try:
            ok, details = await health()
        except Exception as exc:  # the database is gone or locked: that is the answer
            ok, details = False, {"error": type(exc).__name__}
        details = {"status": "ok" if ok else "failing", **details}
        return web.json_response(details, status=200 if ok else 503)

    return healthz


class HealthServer:
    """Only /healthz, on its own port; nothing else is served."""

    def __init__(self, health: Health, *, host: str, port: int) -> None:
        self.health = health
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    @property
    def address(self) -> tuple[str, int]:
        """Where it listens (the real port when 0 was asked)."""
        assert self._runner is not None
        return listening_address(self._runner)

    async def start(self) -> None:
        """Raises OSError when the address cannot be listened on (in use, not ours)."""
        app = web.Application()
        app.router.add_get("/healthz", healthz_handler(self.health))
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        host, port = self.address
        log.info("health check listening on http://%s:%s/healthz", host, port)

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
