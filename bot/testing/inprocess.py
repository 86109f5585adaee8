"""The real bot without a network: a fast layer for testing handlers and routing.

The e2e tests run the whole application polling the strict fake Telegram over HTTP on
127.0.0.1. Here the same application (its services, the real Dispatcher with every middleware
and router, the outbox worker) talks to the same fake in-process:

- `InProcessSession` is the bot's own session (`InboxSession`, with its rate limiter and inbox
  middlewares) whose requests go straight to the fake's method table: the fake's strict rules
  check every call, and aiogram's response checks read the answer, as over HTTP;
- `InProcessBot` feeds each update the fake queues to the Dispatcher directly, one at a time,
  the way the webhook does (kept in the inbox first), and runs the outbox worker, so the
  fake's users read the bot's answers with the same `next_message()` as in the e2e tests.

No port, no polling loop, no start-up calls: a handler test takes milliseconds. What this
layer does not cover (HTTP, polling, restarts, kills, the webhook) stays in tests/e2e.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

from bot.config import Settings
from bot.runtime import SakshyApp
from bot.telegram.session import InboxSession, feed_raw
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.fake_telegram.errors import ApiError
from bot.testing.fake_telegram.server import UploadedFile


class InProcessSession(InboxSession):
    """The bot's session with the fake Telegram's methods called in-process."""

    def __init__(self, fake: FakeTelegram, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fake = fake

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature; nothing waits here)
    ) -> TelegramType:
        files: dict[str, Any] = {}
        params: dict[str, str] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared:  # a str Enum (ParseMode.HTML) goes as its value, as aiohttp sends it
                params[key] = str(prepared.value if isinstance(prepared, Enum) else prepared)
        uploads = {}
        for key, file in files.items():
            data = b"".join([chunk async for chunk in file.read(bot)])
            uploads[key] = UploadedFile(key, file.filename or key, data)
        try:
            result, description = await self.fake._dispatch(
                bot.token, method.__api_method__, params, uploads
            )
        except ApiError as error:
            status, body = error.error_code, error.body()
        else:
            status, body = 200, {"ok": True, "result": result}
            if description:
                body["description"] = description
        content = json.dumps(body, ensure_ascii=False)
        response = self.check_response(bot=bot, method=method, status_code=status, content=content)
        return response.result  # type: ignore[return-value]

    async def close(self) -> None:
        return None


class InProcessBot:
    """The application on `db_path`, served by `fake` in-process; `async with` runs it."""

    def __init__(
        self,
        fake: FakeTelegram,
        settings: Settings,
        clock: Callable[[], datetime],
        *,
        time_scale: float = 0.001,
    ) -> None:
        self.fake = fake
        self.app = SakshyApp(
            settings,
            clock=clock,
            time_scale=time_scale,
            session_class=lambda **kwargs: InProcessSession(fake, **kwargs),
        )
        self._tasks: list[asyncio.Task[None]] = []
        self._offset = 0
        #: updates handled so far (a test may wait on it)
        self.handled = 0

    async def __aenter__(self) -> InProcessBot:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        app = self.app
        await app.open()
        if app.directory.current.empty:
            await app.directory.import_demo()  # the pilot's squares, fictional people
        assert app.worker is not None
        self._tasks = [
            asyncio.create_task(app.worker.run(), name="outbox"),
            asyncio.create_task(self._pump(), name="updates"),
        ]

    async def _pump(self) -> None:
        app = self.app
        assert app.bot is not None and app.dp is not None
        while True:
            self._offset, updates = self.fake._take_updates(self._offset, 100)
            for update in updates:
                self._offset = update["update_id"] + 1
                text = json.dumps(update, ensure_ascii=False)
                await app.inbox.receive([(update["update_id"], text)])
                await feed_raw(app.dp, app.bot, app.inbox, update)
                self.handled += 1
            if not updates:
                await self.fake._wait_change(0.05)

    async def stop(self) -> None:
        app = self.app
        for task in self._tasks[1:]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if app.worker is not None:
            await app.worker.stop(grace=1.0)
        with contextlib.suppress(asyncio.CancelledError):
            await self._tasks[0]
        if app.bot is not None:
            await app.bot.session.close()
        await app.db.close()


def settings_for(fake: FakeTelegram, db_path: Path, **overrides: Any) -> Settings:
    """Settings of a bot served by `fake` (no URL is ever dialled in-process)."""
    values: dict[str, Any] = {
        "bot_token": fake.token,
        "telegram_api_url": "http://127.0.0.1:9",
        "database_path": db_path,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)
