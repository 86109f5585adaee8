"""Start-up against a Telegram that refuses the token or cannot be reached."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from aiohttp import web

from bot.testing.fake_telegram import FakeTelegram
from bot.testing.timeouts import scaled
from tests.e2e.conftest import RunningBot, eventually, free_port


@pytest.mark.slow  # `sakshy run` as a real process
async def test_wrong_token_stops_run_with_a_plain_line(tg: FakeTelegram, tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update(
        BOT_TOKEN="987654321:WRONG-token",
        TELEGRAM_API_URL=tg.url,
        DATABASE_PATH=str(tmp_path / "s.db"),
    )
    with tg.expect_refusal("Unauthorized"):
        code, text = await sakshy_run(env, tmp_path)
    assert code == 2, text
    assert "BOT_TOKEN: Telegram refused this token" in text
    assert "Traceback" not in text
    assert "WRONG-token" not in text, "the token is never printed"


async def sakshy_run(env: dict[str, str], cwd: Path) -> tuple[int | None, str]:
    """`sakshy run` as a real process; its exit code and what it printed on stderr."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, err = await asyncio.wait_for(proc.communicate(), scaled(60))
    finally:
        if proc.returncode is None:  # timed out (or the test was cancelled): never left running
            proc.kill()
            await proc.wait()
    return proc.returncode, err.decode()


async def test_unreachable_telegram_is_waited_for_and_stop_still_works(
    tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    running = RunningBot(tg, tmp_path / "s.db")
    app = await running.start(telegram_api_url=f"http://127.0.0.1:{free_port()}")

    async def failed_once() -> bool:
        return "cannot reach Telegram" in caplog.text

    assert await eventually(failed_once)
    assert running.task is not None and not running.task.done(), "it keeps trying"
    await running.stop()  # returns promptly
    with pytest.raises(RuntimeError, match="not connected"):
        _ = app.db.conn


@pytest.mark.slow  # `sakshy run` as a real process
async def test_a_url_that_is_not_a_bot_api_server_is_named(tmp_path: Path) -> None:
    async def html(request: web.Request) -> web.Response:
        return web.Response(text="<html><body>It works!</body></html>", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", html)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        env = dict(os.environ)
        env.update(
            BOT_TOKEN="987654321:SOME-token",
            TELEGRAM_API_URL=f"http://127.0.0.1:{port}",
            DATABASE_PATH=str(tmp_path / "s.db"),
        )
        code, text = await sakshy_run(env, tmp_path)
    finally:
        await runner.cleanup()
    assert code == 2, text
    assert "TELEGRAM_API_URL: the server there does not answer like a Telegram Bot API" in text
    assert "Traceback" not in text and "It works" not in text
