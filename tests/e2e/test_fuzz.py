"""Property-based fuzzing of the real bot through the strict fake: hypothesis generates what
people do (text of every kind, commands, menu buttons in both languages, stickers, voice,
photos, files, videos, dice, contacts, locations in and out of the city, edits, presses of real
buttons that walk the flows into every step, forged and random button data, blocking and
unblocking, messages and presses in the staff group by people who are not staff), and plays
it in every state the flows reach.

Invariants, checked on every action: no update fails (the error router logs nothing); every
private message and every press gets an answer (never silence), in the user's language (the
answer holds phrases of that language's catalog and none of the other's only); the fake
refuses nothing the bot sent. At the end the database passes its integrity and foreign key
checks and every conversation state is one the bot knows.

At least 10,000 actions run (FUZZ_EXAMPLES examples of four people acting at once)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.telegram import state_groups
from bot.telegram.callbacks import (
    CommunityCb,
    DutyCb,
    HelperCb,
    MyReportsCb,
    StaffCb,
    SubRemoveCb,
    SurveyCb,
    SurveyDraftCb,
)
from bot.testing.fake_telegram import BotMessage, FakeTelegram, FakeUser, NoMessageError
from tests.e2e.conftest import STAFF_CHAT, TIME_SCALE, TOKEN, RunningBot

pytestmark = pytest.mark.slow  # minutes of generated sessions

T = TypeVar("T")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
PEOPLE = 4
ROOT = Path(__file__).resolve().parents[2]

COMMANDS = [
    "/start", "/report", "/myreports", "/inspector", "/volunteer", "/profile", "/myduties",
    "/help", "/language", "/privacy", "/subscribe", "/subscriptions", "/cancel", "/mydata",
    "/duty", "/stats", "/ban 1000", "/survey", "/find 1000", "/nonsense", "/start deep-link",
]  # fmt: skip
MENU = [
    "📝 Хабарлама жіберу", "📝 Сообщить о нарушении", "👮 Учаскелік инспекторым",
    "👮 Мой участковый", "⏭ Өткізіп жіберу", "⏭ Пропустить", "◀️ Артқа", "◀️ Назад",
    "✖️ Бас тарту", "✖️ Отмена", "✅ Дайын", "✅ Готово",
]  # fmt: skip
FORGED = [
    # buttons of the bot's own kinds, none of them ever shown to this user
    StaffCb(action="take", report=1000, seen="n").pack(),
    StaffCb(action="resolve", report=1000, seen="t").pack(),
    HelperCb(action="check", helper=1, seen="a").pack(),
    DutyCb(action="accept", duty=1).pack(),
    SurveyCb(step="s", report=1000, value="no").pack(),
    MyReportsCb(action="withdraw", value=1000).pack(),
    CommunityCb(survey=1, option=0).pack(),
    SurveyDraftCb(action="send", survey=1).pack(),
    SubRemoveCb(subscription=1).pack(),
    # literal on purpose: data no current button carries (unknown values, malformed, huge)
    "lang:en", "consent:maybe", "rc:../../etc", "x" * 64, "", "du:accept:-1",
    "mr:open:99999999999",
]  # fmt: skip
TEXTS = st.one_of(
    st.text(max_size=80),
    st.text(alphabet="<>&\"'/bi ", max_size=40).map(lambda t: f"<b>{t}</i>"),
    st.sampled_from(["42.3, 69.6", "+77011234567", "0", "-1", "мкр. Нурсат 5", "ok", "😀" * 20]),
    st.integers(min_value=1, max_value=5000).map(lambda n: "ы" * n),
)


@dataclass
class Action:
    kind: str
    value: Any = None


ACTIONS = st.one_of(
    st.builds(Action, st.just("text"), TEXTS),
    st.builds(Action, st.just("command"), st.sampled_from(COMMANDS)),
    st.builds(Action, st.just("menu"), st.sampled_from(MENU)),
    st.builds(Action, st.just("press"), st.integers(min_value=0, max_value=20)),
    st.builds(Action, st.just("press"), st.integers(min_value=0, max_value=20)),
    st.builds(Action, st.just("press"), st.integers(min_value=0, max_value=20)),
    st.builds(Action, st.just("forged"), st.one_of(st.sampled_from(FORGED), st.text(max_size=64))),
    st.builds(
        Action,
        st.just("location"),
        st.tuples(
            st.floats(min_value=42.2, max_value=42.45), st.floats(min_value=69.45, max_value=69.75)
        )
        | st.sampled_from([(51.1, 71.4), (0.0, 0.0), (-89.9, 179.9)]),
    ),
    st.builds(
        Action,
        st.sampled_from(["sticker", "voice", "photo", "document", "video", "dice", "contact"]),
    ),
    st.builds(Action, st.just("foreign_contact")),
    st.builds(Action, st.just("edit"), TEXTS),
    st.builds(Action, st.just("block")),
    st.builds(Action, st.just("group_text"), st.sampled_from(COMMANDS) | TEXTS),
    st.builds(Action, st.just("group_press"), st.sampled_from(FORGED)),
    # not asked for (allowed_updates), but Telegram may still send ones made before a change
    st.builds(Action, st.just("inline"), TEXTS),
    st.builds(
        Action,
        st.just("member"),
        st.sampled_from([("member", "left"), ("left", "kicked"), ("restricted", "left")]),
    ),
)


def phrases(language: str) -> set[str]:
    """Fixed pieces (12 characters or more) of every text of one language's catalog."""
    with (ROOT / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file)
    found: set[str] = set()
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            for piece in re.split(r"\{[^}]*\}|<[^>]+>|\n|«|»", text or ""):
                piece = piece.strip(" .,:;!?()—-•")
                if len(piece) >= 12 and not piece.startswith("/"):
                    found.add(piece)
    return found


KK, RU = phrases("kk"), phrases("ru")
ONLY = {"kk": KK - RU, "ru": RU - KK}


def language_of(text: str) -> str | None:
    """kk or ru when the text holds phrases of one catalog only; None when it cannot tell."""
    kk = any(p in text for p in ONLY["kk"])
    ru = any(p in text for p in ONLY["ru"])
    if kk == ru:
        return None
    return "kk" if kk else "ru"


class Failed(logging.Handler):
    """Collects the error router's «update failed» records."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "failed" in record.getMessage() or record.exc_info:
            self.records.append(record)


@dataclass
class World:
    loop: asyncio.AbstractEventLoop
    tg: FakeTelegram
    bot: RunningBot
    failed: Failed
    next_id: int = 20_000
    actions: int = 0
    problems: list[str] = field(default_factory=list)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 600) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def run(coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(60)

    fake = FakeTelegram(token=TOKEN, bot_username="sakshy_test_bot", time_scale=TIME_SCALE)
    run(fake.start())
    fake.group(STAFF_CHAT, title="Duty unit", bot_is_admin=True)
    # a person blocks the bot while it answers them: Telegram refuses that answer (the bot
    # marks them unreachable); nothing else may be refused
    fake.allow_refusal("bot was blocked by the user")
    running = RunningBot(fake, tmp_path_factory.mktemp("fuzz") / "sakshy.db")
    run(running.start())
    failed = Failed()
    logging.getLogger().addHandler(failed)
    try:
        yield World(loop, fake, running, failed)
    finally:
        logging.getLogger().removeHandler(failed)
        path = running.db_path
        run(running.stop())
        run(fake.stop())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
    fake.assert_no_unexpected_refusals()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        known = {s.state for group in state_groups() for s in group.__states__}
        for state, data in conn.execute("SELECT state, data FROM fsm_states"):
            assert state is None or state in known, state
            json.loads(data)


def last_with_buttons(user: FakeUser) -> BotMessage | None:
    for message in reversed(user.messages):
        if message.buttons and not message.deleted:
            return message
    return None


async def answered(world: World, user: FakeUser, before: int, what: str) -> None:
    """The bot wrote to this person after the action (within a few seconds), in their
    language when it can be told."""
    try:
        await world.tg.wait_for(lambda: len(user.messages) > before, timeout=5)
    except (TimeoutError, AssertionError, NoMessageError):
        world.problems.append(f"silence after {what} from {user.id}")
        return
    await asyncio.sleep(0.02)  # the rest of a multi-message answer
    expected = user.language_code
    for message in user.messages[before:]:
        found = language_of(message.text or "")
        if found is not None and found != expected:
            world.problems.append(f"{what}: answered in {found}, not {expected}: {message.text!r}")


async def act(world: World, user: FakeUser, action: Action, sent: list[dict[str, Any]]) -> None:
    staff = world.tg.group(STAFF_CHAT)
    before = len(user.messages)
    kind, value = action.kind, action.value
    what = f"{kind} {str(value)[:40]!r}"
    if user.blocked and kind not in ("group_text", "group_press", "inline", "member"):
        user.unblock()  # writing again after blocking unblocks the bot, as in Telegram
        await asyncio.sleep(0.01)
        before = len(user.messages)
    if kind in ("text", "command", "menu"):
        sent.append(await user.send(value or "."))
    elif kind == "location":
        sent.append(await user.send_location(*value))
    elif kind == "contact":
        sent.append(await user.send_contact())
    elif kind == "foreign_contact":
        sent.append(await user.send_contact(phone_number="+77777777777", first_name="Other"))
    elif kind in ("sticker", "voice", "video", "dice"):
        sent.append(await getattr(user, f"send_{kind}")())
    elif kind == "photo":
        sent.append(await user.send_photo(caption="фото <b>"))
    elif kind == "document":
        sent.append(await user.send_document(file_name="evil.exe", caption="<script>"))
    elif kind == "edit":
        if not sent or "text" not in sent[-1]:
            return
        await user.edit(sent[-1], value or ".")
    elif kind == "press":
        message = last_with_buttons(user)
        if message is None or not message.buttons:
            return
        data = message.buttons[value % len(message.buttons)].get("callback_data")
        if not data:
            return
        if data.startswith("lang:"):
            user.language_code = data.split(":")[1]
        query = await user.press(message, data=data)
        await user.answer_of(query, timeout=5)
        return  # a press is answered by the callback answer (checked above); texts may follow
    elif kind == "forged":
        query = await user.press_stale(value, last_with_buttons(user))
        try:
            await user.answer_of(query, timeout=5)
        except (TimeoutError, AssertionError):
            world.problems.append(f"no answer to a forged press {value!r} from {user.id}")
        return
    elif kind == "block":
        user.block()
        return
    elif kind == "group_text":
        await staff.send(user, value or ".")
        return
    elif kind == "inline":
        await user.inline_query(value, force=True)  # nothing to answer; nothing may fail
        return
    elif kind == "member":
        await staff.member_changes(user, *value, force=True)
        return
    elif kind == "group_press":
        posts = [m for m in staff.messages if m.buttons]
        query = await staff.press_stale(user, value, posts[-1] if posts else None)
        try:
            await user.answer_of(query, timeout=5)
        except (TimeoutError, AssertionError):
            world.problems.append(f"no answer to a press in the staff group by {user.id}")
        return
    await answered(world, user, before, what)


async def person(world: World, user: FakeUser, actions: list[Action]) -> None:
    sent: list[dict[str, Any]] = []
    for action in actions:
        await act(world, user, action, sent)
        world.actions += 1


async def play(world: World, scripts: list[tuple[str, list[Action]]]) -> None:
    people = []
    for language, actions in scripts:
        world.next_id += 1
        user = world.tg.user(world.next_id, first_name=f"F{world.next_id}", language_code=language)
        people.append(person(world, user, actions))
    await asyncio.gather(*people)


def test_whatever_people_do_the_bot_answers_and_keeps_its_data(world: World) -> None:
    """Crowds of people doing anything, then the count of what they did: in one test, so that
    pytest-xdist cannot run the count on a worker where no crowd ran."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,  # the same cases on every run: CI fails on a bug, not on luck
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        st.lists(
            st.tuples(st.sampled_from(["kk", "ru"]), st.lists(ACTIONS, min_size=20, max_size=40)),
            min_size=PEOPLE,
            max_size=PEOPLE,
        )
    )
    def one_crowd(scripts: list[tuple[str, list[Action]]]) -> None:
        world.problems.clear()
        world.failed.records.clear()
        world.run(play(world, scripts))
        assert world.problems == [], world.problems[:5]
        failures = [r.getMessage() for r in world.failed.records]
        assert failures == [], failures[:3]

    one_crowd()
    assert world.actions >= 10_000 or EXAMPLES < 100, world.actions
