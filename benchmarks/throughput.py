"""Update throughput: the whole bot against a bare aiogram echo bot, fed the same way.

Both get raw updates through `Dispatcher.feed_raw_update`, one at a time, and both talk to a
session that answers every request at once (no network, no Telegram limits: those are
Telegram's, measured by `duty_broadcast`). The bare echo is one `Router` with a single
`@router.message(F.text)` handler answering `message.text`. The whole bot runs as in
production: its middlewares, SQLite in WAL mode with its FSM storage, the inbox (each batch
kept as polling keeps it), i18n, and the outbox with its delivery worker, which must have
sent everything before a flow counts as done.

Flows, each by N residents (`--people`):
- start: /start, the language, consent (3 updates each);
- report: a whole report, named, with a typed address (8 updates each);
- reply: an officer's reply to each report's post in the staff group, relayed (1 each);
- relay: each resident's answer to the officer's words, relayed to the staff (1 each);
- answer: an answer to a community survey sent to them all (1 each).

    python -m benchmarks.throughput --people 200
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.types import Message

from bot.__main__ import settle_the_heap
from bot.app import SakshyApp
from bot.config import Settings
from bot.demo import demo_clock
from bot.domain.community import Option, SurveyDraft
from bot.services.ratelimit import RateLimiter
from bot.telegram.session import (
    FloodControlMiddleware,
    InboxRequestMiddleware,
    KeepsAnswerTypes,
)

TOKEN = "42424242:BENCH-token-for-the-local-emulator"
STAFF = -1001000000001
OFFICER = 77000001
BOT_ID = 42424242


class NullSession(BaseSession):
    """Answers every request at once, with what Telegram would answer, through aiogram's own
    response parsing (so both bots pay the same for it)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids = itertools.count(1000)
        self.calls = 0

    async def close(self) -> None:
        return None

    def stream_content(  # pragma: no cover (the benchmark downloads no file)
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError

    def _message(self, method: TelegramMethod[Any]) -> dict[str, Any]:
        chat_id = int(getattr(method, "chat_id", 0) or 0)
        chat: dict[str, Any] = (
            {"id": chat_id, "type": "private", "first_name": "R"}
            if chat_id > 0
            else {"id": chat_id, "type": "supergroup", "title": "Duty"}
        )
        body: dict[str, Any] = {
            "message_id": getattr(method, "message_id", None) or next(self.ids),
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Sakshy"},
        }
        text = getattr(method, "text", None) or getattr(method, "caption", None)
        if isinstance(text, str):
            body["text"] = text
        return body

    def _result(self, method: TelegramMethod[Any]) -> Any:
        name = method.__api_method__
        if name in ("copyMessage",):
            return {"message_id": next(self.ids)}
        if name.startswith("send") or name.startswith("edit"):
            return self._message(method)
        if name == "getMe":
            return {"id": BOT_ID, "is_bot": True, "first_name": "Sakshy", "username": "s_bot"}
        if name == "getChatMember":
            user = {"id": int(getattr(method, "user_id", 0)), "is_bot": False, "first_name": "O"}
            return {"status": "member", "user": user}
        if name == "getChatAdministrators":
            return []
        if name == "getChat":
            return {"id": int(getattr(method, "chat_id", 0)), "type": "supergroup", "title": "D"}
        if name == "createForumTopic":
            return {"message_thread_id": next(self.ids), "name": "t", "icon_color": 7322096}
        return True

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        self.calls += 1
        # what AiohttpSession does before the network: every field made ready to send
        files: dict[str, Any] = {}
        for value in method.model_dump(warnings=False).values():
            self.prepare_value(value, bot=bot, files=files)
        raw = json.dumps({"ok": True, "result": self._result(method)})
        return self.check_response(bot, method, 200, raw).result


class BotNullSession(KeepsAnswerTypes, NullSession):
    """The null session with what the bot's own session adds to aiogram's response parsing
    (the bare echo keeps aiogram's as it is)."""


# --- updates ---------------------------------------------------------------------------------

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


def _person(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"R{user_id}", "language_code": "ru"}


def message(user_id: int, text: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": f"R{user_id}"},
        "from": _person(user_id),
        "text": text,
    }
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    body.update(extra)
    return {"update_id": next(_update_ids), "message": body}


def press(user_id: int, data: str) -> dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": _person(user_id),
            "chat_instance": "1",
            "data": data,
            "message": {
                "message_id": next(_message_ids),
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": f"R{user_id}"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Sakshy"},
                "text": "…",
                "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": data}]]},
            },
        },
    }


def staff_reply(post_id: int, text: str) -> dict[str, Any]:
    chat = {"id": STAFF, "type": "supergroup", "title": "Duty"}
    return {
        "update_id": next(_update_ids),
        "message": {
            "message_id": next(_message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": OFFICER, "is_bot": False, "first_name": "Officer"},
            "text": text,
            "reply_to_message": {
                "message_id": post_id,
                "date": int(time.time()),
                "chat": chat,
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Sakshy"},
                "text": "№",
            },
        },
    }


def resident_reply(user_id: int, relayed_id: int, text: str) -> dict[str, Any]:
    """A resident's answer to the officer's words the bot relayed to them."""
    chat = {"id": user_id, "type": "private", "first_name": f"R{user_id}"}
    to = {"message_id": relayed_id, "date": int(time.time()), "chat": chat, "text": "💬"}
    to["from"] = {"id": BOT_ID, "is_bot": True, "first_name": "Sakshy"}
    return message(user_id, text, reply_to_message=to)


def start_flow(user_id: int) -> list[dict[str, Any]]:
    return [message(user_id, "/start"), press(user_id, "lang:ru"), press(user_id, "consent:yes")]


def report_flow(user_id: int) -> list[dict[str, Any]]:
    skip = "⏭ Пропустить"
    return [
        message(user_id, "/report"),
        press(user_id, "rc:noise"),
        message(user_id, "Шумят соседи после полуночи, музыка и крики"),
        message(user_id, "мкр. Нурсат, дом 5"),
        message(user_id, skip),
        press(user_id, "rs:named"),
        message(user_id, skip),
        press(user_id, "rs:send"),
    ]


# --- measuring -------------------------------------------------------------------------------


class Feeder:
    """Feeds updates one at a time; optionally keeps each batch in the inbox first, as the
    polling session does."""

    def __init__(
        self,
        feed: Callable[[dict[str, Any]], Awaitable[Any]],
        keep: Callable[[list[tuple[int, str]]], Awaitable[None]] | None = None,
    ) -> None:
        self.feed = feed
        self.keep = keep
        self.latencies: list[float] = []

    async def run(self, updates: list[dict[str, Any]], batch: int = 20) -> None:
        for start in range(0, len(updates), batch):
            chunk = updates[start : start + batch]
            if self.keep is not None:
                await self.keep(
                    [(u["update_id"], json.dumps(u, ensure_ascii=False)) for u in chunk]
                )
            for update in chunk:
                began = time.perf_counter()
                await self.feed(update)
                self.latencies.append(time.perf_counter() - began)


def figures(name: str, count: int, seconds: float, latencies: list[float]) -> dict[str, Any]:
    ordered = sorted(latencies)
    return {
        "flow": name,
        "updates": count,
        "seconds": seconds,
        "per_second": count / seconds if seconds else 0.0,
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[max(0, int(len(ordered) * 0.99) - 1)],
    }


async def echo(count: int) -> dict[str, Any]:
    router = Router()

    @router.message(F.text)
    async def answer(message: Message) -> None:
        await message.answer(message.text or "")

    dp = Dispatcher()
    dp.include_router(router)
    bot = Bot(TOKEN, session=NullSession())
    feeder = Feeder(lambda u: dp.feed_raw_update(bot, u))
    warm = min(200, count // 5)  # not measured
    updates = [message(10_000 + n % 500, f"echo {n}") for n in range(count + warm)]
    await feeder.run(updates[:warm])
    feeder.latencies.clear()
    began = time.perf_counter()
    await feeder.run(updates[warm:])
    seconds = time.perf_counter() - began
    return figures("bare echo", count, seconds, feeder.latencies)


#: marks the benchmark's own queries, which are not counted
OWN = "/* bench */"


async def _drained(app: SakshyApp) -> None:
    """Everything owed to Telegram sent and settled, nothing on its way."""
    assert app.worker is not None
    while True:
        async with app.db.read() as conn:
            cur = await conn.execute(
                f"SELECT count(*) FROM outbox WHERE state IN ('pending', 'in_flight') {OWN}"
            )
            row = await cur.fetchone()
        if row is not None and row[0] == 0 and not app.worker._tasks:
            return
        await asyncio.sleep(0.005)


async def full(people: int, folder: Path) -> list[dict[str, Any]]:
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_path=folder / "bench.db",
        staff_chat_id=STAFF,
        report_max_per_hour=100,
        report_max_open=100,
        flood_burst=1000,
        flood_per_minute=6000,
    )
    app = SakshyApp(settings, clock=demo_clock(settings))  # a working morning: no quiet hours
    await app.open()
    await app.directory.import_demo()
    settle_the_heap()  # as `sakshy run` does once the bot is built
    assert app.bot is not None and app.dp is not None and app.worker is not None
    session = BotNullSession()
    # the production session's middlewares, with a limiter whose windows are too short to
    # wait in (Telegram's limits are another benchmark's), so their cost is counted
    session.middleware(FloodControlMiddleware(RateLimiter(time_scale=1e-9)))
    session.middleware(InboxRequestMiddleware(app.inbox))
    app.bot.session = session
    bot, dp = app.bot, app.dp
    await bot.me()
    statements = itertools.count()
    assert app.db.conn is not None
    await app.db.conn.set_trace_callback(lambda sql: OWN in sql or next(statements))
    hops = _count_hops(app.db.conn)
    worker = asyncio.create_task(app.worker.run())
    feeder = Feeder(lambda u: dp.feed_raw_update(bot, u), app.inbox.receive)
    results = []
    residents = [500_000 + n for n in range(people)]
    warm = [400_000 + n for n in range(20)]  # not measured: they warm caches and code paths
    await feeder.run([u for r in warm for u in start_flow(r) + report_flow(r)])
    await _drained(app)

    async def flow(name: str, updates: list[dict[str, Any]]) -> None:
        feeder.latencies.clear()
        gc.collect()
        calls, sql, hopped = session.calls, next(statements), hops[0]
        began = time.perf_counter()
        await feeder.run(updates)
        await _drained(app)
        seconds = time.perf_counter() - began
        row = figures(name, len(updates), seconds, feeder.latencies)
        row["sql"] = (next(statements) - sql - 1) / len(updates)
        row["requests"] = (session.calls - calls) / len(updates)
        row["hops"] = (hops[0] - hopped) / len(updates)
        results.append(row)

    await flow("start", [u for r in residents for u in start_flow(r)])
    await flow("report", [u for r in residents for u in report_flow(r)])
    async with app.db.read() as conn:
        cur = await conn.execute(
            f"SELECT staff_message_id FROM reports WHERE reporter_id >= 500000 {OWN}"
        )
        posts = [int(row[0]) for row in await cur.fetchall() if row[0] is not None]
    assert len(posts) == people, f"every report was posted ({len(posts)} of {people})"
    await flow("reply", [staff_reply(post, "Наряд выехал, ожидайте") for post in posts])
    async with app.db.read() as conn:  # the officer's words as each resident got them
        cur = await conn.execute(
            "SELECT chat_id, telegram_message_id FROM outbox WHERE id IN (SELECT max(id) FROM"
            f" outbox WHERE chat_id >= 500000 AND method = 'sendMessage' GROUP BY chat_id) {OWN}"
        )
        relayed = [(int(row[0]), int(row[1])) for row in await cur.fetchall()]
    assert len(relayed) == people, f"every resident got the officer's words ({len(relayed)})"
    await flow("relay", [resident_reply(r, m, "Спасибо, жду") for r, m in relayed])

    # a community survey to everyone who follows the pilot's first square (set up, not timed)
    precinct = app.directory.current.precincts[0].id
    for resident in residents:
        await dp["subscriptions"].subscribe(resident, precinct)
    survey_id = await _survey(app, precinct)
    await _drained(app)
    await flow("answer", [press(r, f"cs:{survey_id}:{r % 2}") for r in residents])

    worker.cancel()
    await app.db.close()
    return results


def _count_hops(conn: Any) -> list[int]:
    """Counts the calls into aiosqlite (each statement, each fetch, each cursor closed). Each
    was a round trip to its thread until the statements moved onto the event loop (see
    bot/storage/db.py); only long queries and waits for another process's lock go there now."""
    count = [0]
    run = conn._execute

    async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return await run(fn, *args, **kwargs)

    conn._execute = counted
    return count


async def _survey(app: SakshyApp, precinct: str) -> int:
    """A community survey to the area's followers, sent as staff would (the send follow-up
    run by hand: the scheduler is not running here)."""
    draft = SurveyDraft(
        "Аулаңызда түнде жарық жеткілікті ме?",
        "Достаточно ли ночью света во дворе?",
        (Option("Иә", "Да"), Option("Жоқ", "Нет")),
        (precinct,),
        app.clock() + timedelta(days=3),
    )
    survey, _ = await app.community.draft(draft, STAFF, OFFICER, "Officer")
    assert await app.community.send(survey.id, OFFICER, "Officer") == "sent"
    while await app.followups.run_due():
        pass
    return int(survey.id)


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def machine() -> str:
    cores = len(os.sched_getaffinity(0))
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, {cores} cores, Python {platform.python_version()}"


async def main(people: int, echoes: int) -> dict[str, Any]:
    print(f"machine: {machine()}")
    bare = await echo(echoes)
    with tempfile.TemporaryDirectory() as folder:
        rows = await full(people, Path(folder))
    per_echo = 1 / bare["per_second"]
    print(
        f"{'flow':<10} {'updates':>8} {'per s':>9} {'p50 ms':>8} {'p99 ms':>8} {'× echo':>7}"
        f" {'SQL/upd':>8} {'db/upd':>8} {'calls/upd':>9}"
    )
    for row in [bare, *rows]:
        ratio = (1 / row["per_second"]) / per_echo if row["per_second"] else 0.0
        print(
            f"{row['flow']:<10} {row['updates']:>8} {row['per_second']:>9.0f} "
            f"{row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} {ratio:>7.2f}"
            f" {row.get('sql', 0):>8.1f} {row.get('hops', 0):>8.1f} {row.get('requests', 1):>9.1f}"
        )
    for row in rows:
        row["x_echo"] = (1 / row["per_second"]) / per_echo if row["per_second"] else 0.0
    return {"people": people, "echo": bare, "flows": rows, "rss": rss_mib()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--echoes", type=int, default=5000)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    measured = asyncio.run(main(args.people, args.echoes))
    if args.json:
        args.json.write_text(json.dumps(measured, indent=1))
