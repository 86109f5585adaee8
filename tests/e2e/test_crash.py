"""The bot as a real process, killed with SIGKILL: once between the commit of a report and the
delivery of its staff post (after a restart the post arrives exactly once), and twenty times at
random moments under a flood of reports and follow-ups (nothing a resident was told is lost,
at most one duplicate per kill, every due follow-up runs, conversations go on, the database
is intact)."""

from __future__ import annotations

import asyncio
import bisect
import itertools
import json
import math
import random
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.telegram import state_groups
from bot.telegram.callbacks import ReportStepCb
from bot.testing.fake_telegram import BotMessage, FakeTelegram, FakeUser, NoMessageError
from bot.testing.timeouts import scaled, timeout_scale
from tests.e2e.conftest import STAFF_CHAT, TOKEN
from tests.e2e.processes import BotProcess, bot_process
from tests.e2e.scenarios import fill_report, onboard, quick_report, step_asked

pytestmark = pytest.mark.slow  # real processes, each start about two seconds

STATE_GROUPS = state_groups()


@pytest.fixture
async def process(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotProcess]:
    async with bot_process(tg, tmp_path) as running:
        yield running


def outbox_states(folder: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(folder / "sakshy.db") as conn:
        return conn.execute("SELECT chat_id, state FROM outbox ORDER BY id").fetchall()


async def test_sigkill_after_commit_before_the_staff_post(
    tg: FakeTelegram, process: BotProcess, tmp_path: Path
) -> None:
    await process.start()
    user = tg.user(9201, first_name="Aizat", language_code="ru")
    await onboard(user, "ru")
    summary = await fill_report(
        user, "ru", description="Шумят соседи", address="мкр. Нурсат, дом 5"
    )
    # Telegram makes the worker wait before the staff post: the report is committed, the
    # post is not on its way, and that is when the process dies.
    # (long enough that the receipt, itself paced to about one a second in this chat, is
    # out first even on a busy machine)
    # (scaled with the other deadlines: a slower machine needs a longer window)
    retry_after = math.ceil(scaled(8))
    tg.fail_next("sendMessage", error_code=429, retry_after=retry_after, times=1)
    await user.press(summary, data=ReportStepCb(action="send"))
    await tg.wait_for(lambda: any(not c.ok for c in tg.calls_of("sendMessage")), timeout=10)
    settled = [(STAFF_CHAT, "pending"), (9201, "done")]  # post rescheduled, receipt delivered

    def post_rescheduled_receipt_delivered() -> bool:
        return outbox_states(tmp_path) == settled

    await tg.wait_for(post_rescheduled_receipt_delivered, timeout=7)
    await process.kill()

    with sqlite3.connect(tmp_path / "sakshy.db") as conn:
        assert conn.execute("SELECT id, status FROM reports").fetchall() == [(1000, "new")]
    assert outbox_states(tmp_path) == settled, "the post is committed, not yet delivered"
    staff = tg.group(STAFF_CHAT)
    assert staff.messages == []

    receipt = await user.next_message(timeout=20)
    assert receipt.text.startswith("Ваше сообщение № 1000 принято.")

    await process.start()
    post = await staff.next_message(timeout=30)  # once Telegram's retry_after has passed
    assert post.text.startswith("№ 1000 хабарлама")
    await tg.wait_for(lambda: all(s == "done" for _, s in outbox_states(tmp_path)), timeout=10)
    assert len(staff.messages) == 1, "the post arrived exactly once"
    assert [m.text for m in user.messages].count(receipt.text) == 1


async def test_sigkill_while_an_update_is_handled_after_telegram_forgot_it(
    tg: FakeTelegram, process: BotProcess, tmp_path: Path
) -> None:
    """aiogram confirms a batch (its next getUpdates) while the batch is still being handled:
    without the inbox, an update cut off by a crash is gone for good."""
    await process.start()
    user = tg.user(9221, first_name="Yerlan", language_code="ru")
    await onboard(user, "ru")
    answers = len(user.messages)
    # Telegram is slow with the answer to /help: the bot is inside its handler...
    tg.fail_next("sendMessage", error_code=500, delay=3.0)
    await user.send("/help")
    polls = tg.poll_count
    # ... and has asked for the next updates already: Telegram has forgotten /help
    await tg.wait_for(lambda: tg.pending_updates == 0 and tg.poll_count > polls, timeout=10)
    await tg.wait_for(lambda: tg.injections_left("sendMessage") == 0, timeout=10)
    await process.kill()  # the answer on its way fails (500) to a process that is gone
    assert tg.pending_updates == 0
    with sqlite3.connect(tmp_path / "sakshy.db") as conn:
        waiting = conn.execute("SELECT count(*) FROM inbox WHERE handled_at IS NULL").fetchone()
    assert waiting == (1,), "the update is kept until its handler returns"

    await process.start()
    help_text = await user.next_message(timeout=20)
    assert "/report" in help_text.text

    def all_handled() -> bool:
        with sqlite3.connect(tmp_path / "sakshy.db") as conn:
            return conn.execute(
                "SELECT count(*) FROM inbox WHERE handled_at IS NULL"
            ).fetchone() == (0,)

    await tg.wait_for(all_handled, timeout=10)
    await asyncio.sleep(0.5)  # nothing more comes (a wait for nothing: not scaled)
    assert len(user.messages) == answers + 1, "answered once, after the restart"
    with sqlite3.connect(tmp_path / "sakshy.db") as conn:
        rows = conn.execute("SELECT handled_at IS NOT NULL, body FROM inbox").fetchall()
    assert rows and all(handled and body == "" for handled, body in rows)


async def test_sigterm_lets_the_reply_in_flight_finish_and_stops_cleanly(
    tg: FakeTelegram, process: BotProcess, tmp_path: Path
) -> None:
    await process.start()
    user = tg.user(9211, first_name="Dana", language_code="ru")
    await onboard(user, "ru")
    tg.fail_next("sendMessage", delay=2.0)  # Telegram is slow with the next answer
    await user.send("/help")
    await tg.wait_for(lambda: tg.pending_updates == 0, timeout=10)  # the bot has it
    # and is waiting on Telegram with its answer
    await tg.wait_for(lambda: tg.injections_left("sendMessage") == 0, timeout=10)
    code = await process.terminate()
    assert code == 0, "a clean exit"
    answer = await user.next_message(timeout=5)
    assert "связывает жителей" in answer.text, "the answer in flight was finished"
    with sqlite3.connect(tmp_path / "sakshy.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute(
            "SELECT count(*) FROM outbox WHERE state IN ('pending', 'in_flight')"
        ).fetchone() == (0,), "the outbox was drained"
    assert (
        not (tmp_path / "sakshy.db-wal").exists()
        or (tmp_path / "sakshy.db-wal").stat().st_size == 0
    ), "the database was closed (its WAL checkpointed)"


#: the report wizard in Russian, and what a resident answers to each question
STEPS = quick_report("ru", description="Шумят соседи", address="ул. Байтурсынова, 12")
RECEIPT = re.compile(r"^Ваше сообщение № (\d+) принято\.")
POST = re.compile(r"^№ (\d+) хабарлама")


def repeated_across_kills(
    messages: list[BotMessage], pattern: re.Pattern[str], kill_marks: list[int]
) -> list[int]:
    """The kill behind each repeat of a message in one chat (the same report's post or
    receipt), checking the promise: a message goes out twice only if it was on its way when a
    process was killed. The outbox has one message of a chat on the way at a time, so each
    kill may repeat at most one message of each chat, and a repeat comes only after a kill."""
    copies: dict[int, list[int]] = {}
    for message in messages:
        if found := pattern.match(message.text or ""):
            copies.setdefault(int(found.group(1)), []).append(message.seq)
    blamed: list[int] = []
    for number, seqs in copies.items():
        # the run of each copy: how many kills came before it
        runs = [bisect.bisect_left(kill_marks, seq) for seq in sorted(seqs)]
        for before, after in itertools.pairwise(runs):
            assert after > before, f"№ {number} was sent twice by one run of the bot"
            blamed.append(before)  # the kill that ended the run of the copy before
    assert len(blamed) == len(set(blamed)), f"one kill repeated two messages of a chat: {copies}"
    return blamed


async def keep_reporting(user: FakeUser, receipts: list[int], stop: asyncio.Event) -> None:
    """A resident who makes report after report, answering whatever the bot asks last (the
    bot may be down, may ask twice after a restart, may not have heard a press)."""
    await user.send("/report")
    while not stop.is_set():
        try:
            message = await user.next_message(timeout=6)
        except NoMessageError:  # nothing came (the bot was down when it mattered): again
            await user.send("/report")
            continue
        if found := RECEIPT.match(message.text or ""):
            receipts.append(int(found.group(1)))
            await user.send("/report")
        elif step := step_asked(STEPS, message):
            await step.answer_to(user, message, typed=True)


#: Telegram's clock for the flood: 100 times faster. Faster still, a few milliseconds of a
#: loaded machine would be seconds of Telegram's time, and the limits would not be the same;
#: a slower machine (SAKSHY_TEST_TIMEOUT_SCALE) gets a slower clock: a callback query lives
#: 15 s of Telegram's time, 0.15 s here, and a busy machine's handler can take longer.
FLOOD_SCALE = 0.01 * timeout_scale()


@pytest.fixture
async def slower() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram(token=TOKEN, bot_username="sakshy_test_bot", time_scale=FLOOD_SCALE)
    await fake.start()
    fake.group(STAFF_CHAT, title="Duty unit", bot_is_admin=True)
    try:
        yield fake
        fake.assert_no_unexpected_refusals()
    finally:
        await fake.stop()


async def test_twenty_kills_under_a_flood_lose_nothing(
    slower: FakeTelegram, tmp_path: Path
) -> None:
    tg = slower
    async with bot_process(
        tg,
        tmp_path,
        TELEGRAM_TIME_SCALE=str(FLOOD_SCALE),  # the bot's limiter on the fake's clock
        FOLLOWUP_TICK_SECONDS="0.2",
        REMIND_UNTAKEN_MINUTES="0.3",  # reminders and escalations fall due during the test
        ESCALATE_UNTAKEN_MINUTES="0.6",
        REPORT_MAX_OPEN="100",
        REPORT_MAX_PER_HOUR="100",
    ) as process:
        await flood_and_kill(tg, process, tmp_path)


async def flood_and_kill(tg: FakeTelegram, process: BotProcess, tmp_path: Path) -> None:
    staff = tg.group(STAFF_CHAT)
    staff.add_member(tg.user(9299, first_name="Admin", language_code="kk"), admin=True)
    # A press cut off by a kill is handled again at the start (the inbox); if its edit had
    # reached Telegram before the kill, Telegram refuses the repeat as not modified, and the
    # bot takes that as done. A press that reaches a restarting or busy bot after Telegram
    # stopped waiting for its answer (15 s of the fake's fast clock) has its answer refused
    # as too old, as real Telegram does; the press still takes effect (test_resilience).
    # Nothing else may be refused.
    repeats = tg.allow_refusal("message is not modified")
    tg.allow_refusal("query is too old")
    # The limiter's memory of the staff group's last minute (20 messages) dies with the
    # process: a new one may send into a window the killed one filled, and Telegram answers
    # 429; the outbox waits and sends again (what this test checks is that nothing is lost)
    tg.allow_refusal("Too Many Requests")
    # six residents: a flood of several hundred reports, each reminded and escalated, that the
    # staff group's 20 messages a minute drain within a minute or two of the last kill
    residents = [tg.user(9300 + n, first_name=f"R{n}", language_code="ru") for n in range(6)]
    await process.start()
    for user in residents:
        await onboard(user, "ru")
    receipts: dict[int, list[int]] = {user.id: [] for user in residents}
    stop = asyncio.Event()
    drivers = [asyncio.create_task(keep_reporting(u, receipts[u.id], stop)) for u in residents]
    rng = random.Random(20)
    kills = 20
    #: how many messages the bot had sent when each killed process was gone
    kill_marks: list[int] = []
    try:
        for _ in range(kills):
            # a random moment of a running bot: start() returned at its first request (the
            # replay of the inbox and polling follow)
            await asyncio.sleep(rng.uniform(0.3, 2.8))
            await process.kill()
            # what the dead process had on the wire reaches the fake in this moment; the next
            # process is more than a second away from its first message
            await asyncio.sleep(0.2)
            kill_marks.append(tg.bot_messages_sent)
            await process.start(wait="alive")
        await asyncio.sleep(8)  # the last run lets the flood settle
        stop.set()
        await asyncio.gather(*drivers)
    finally:
        stop.set()
        for task in drivers:
            task.cancel()

    def settled() -> bool:
        with sqlite3.connect(tmp_path / "sakshy.db") as conn:
            open_rows = conn.execute(
                "SELECT count(*) FROM outbox WHERE state IN ('pending', 'in_flight')"
            ).fetchone()[0]
            late = conn.execute(
                "SELECT count(*) FROM followups WHERE state = 'pending' AND due_at <= ?",
                (datetime.now(UTC).isoformat(),),
            ).fetchone()[0]
            unhandled = conn.execute(
                "SELECT count(*) FROM inbox WHERE handled_at IS NULL"
            ).fetchone()[0]
        # (on a busy machine the last updates may still be in their handlers)
        return open_rows == 0 and late == 0 and unhandled == 0 and tg.pending_updates == 0

    await tg.wait_for(settled, timeout=60)
    told = [n for numbers in receipts.values() for n in numbers]
    told += [  # receipts that came after the drivers stopped reading
        int(m.group(1))
        for u in residents
        for msg in u.unread()
        if (m := RECEIPT.match(msg.text or ""))
    ]
    assert len(set(told)) >= 20, f"the flood made reports ({len(set(told))})"
    posts: dict[int, int] = {}
    for message in staff.messages:
        if found := POST.match(message.text or ""):
            posts[int(found.group(1))] = posts.get(int(found.group(1)), 0) + 1

    with sqlite3.connect(tmp_path / "sakshy.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {r[0] for r in conn.execute("SELECT id FROM reports")}
        ran = conn.execute(
            "SELECT count(*) FROM followups WHERE state = 'done'"
            " AND kind IN ('report_remind', 'report_escalate')"
        ).fetchone()[0]
        states = conn.execute("SELECT state, data FROM fsm_states").fetchall()
        unhandled = conn.execute("SELECT count(*) FROM inbox WHERE handled_at IS NULL").fetchone()[
            0
        ]
        replayed = conn.execute("SELECT count(*) FROM inbox WHERE attempts > 0").fetchone()[0]
    assert unhandled == 0, "every update received was handled in the end"
    assert set(told) <= stored, "every report a resident was told of is stored"
    assert stored == set(posts), "every stored report reached the staff group"
    repeats_by_kill = repeated_across_kills(staff.messages, POST, kill_marks)
    for user in residents:
        repeats_by_kill += repeated_across_kills(user.messages, RECEIPT, kill_marks)
    duplicates = len(repeats_by_kill)
    worst = max(repeats_by_kill.count(k) for k in set(repeats_by_kill)) if duplicates else 0
    assert ran > 0, "reminders of untaken reports ran between the kills"
    print(  # the figures, with -s
        f"{kills} kills: {len(stored)} reports, {len(set(told))} receipts seen, "
        f"{duplicates} duplicates (at most {worst} chats at one kill), {ran} reminders and "
        f"escalations run, {replayed} updates "
        f"handled again after a kill ({len(repeats.matched)} edits repeated); start to first "
        f"request {min(process.startup_seconds):.1f}-{max(process.startup_seconds):.1f} s"
    )
    known = {s.state for group in STATE_GROUPS for s in group.__states__}
    for state, data in states:
        assert state is None or state in known, state
        json.loads(data)
    for user in residents:  # every conversation goes on
        await user.send("/cancel")
        assert (await user.next_message(timeout=10)).text
