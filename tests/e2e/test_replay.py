"""Exactly-once replay: the bot as a real process, killed (SIGKILL) at random moments while
residents are in the middle of the report wizard and while officer replies, resident replies
and button presses wait in the inbox; and stopped (SIGTERM) right after «Send».

After each kill the updates cut off are handled again at the start (the inbox). A replayed
update must meet the conversation state its first run met (never the step its first run moved
to) and must not repeat effects that committed: at most one duplicate per kill (a request that
was in flight), nothing lost, and every wizard asks each question once and goes on from where
it was."""

from __future__ import annotations

import asyncio
import random
import re
import signal
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.telegram.callbacks import ReportStepCb
from bot.testing.fake_telegram import FakeTelegram, FakeUser, NoMessageError
from bot.testing.fake_telegram.world import BotMessage
from bot.testing.timeouts import scaled
from tests.e2e.conftest import STAFF_CHAT, TOKEN
from tests.e2e.processes import BotProcess
from tests.e2e.scenarios import onboard, quick_report, step_asked

#: Telegram's clock 100 times faster (as in test_crash): the bot's limiter and the fake's
#: limits agree, and a wizard's steps are milliseconds apart
FAST = 0.01

RECEIPT = re.compile(r"^Ваше сообщение № (\d+) принято\.")
POST = re.compile(r"^№ (\d+) хабарлама")
#: what the bot says when a conversation lost its place ("out of date", "not understood",
#: "cannot accept", "something went wrong"): none of it may reach a wizard
LOST_PLACE = ("устарел", "не понимаю", "не могу это принять", "пошло не так")
MAIN_MENU = "🔒 Мои данные"


def lost_place(message: BotMessage) -> bool:
    """The bot lost the conversation's place: a text above, or the main menu in mid-wizard."""
    text = message.text or ""
    if any(word in text.lower() for word in LOST_PLACE):
        return True
    menu = any(MAIN_MENU in row for row in message.keyboard or [])
    return menu and not RECEIPT.match(text)


#: the wizard's questions in order, how each is recognised and how a resident answers it
#: ("{tag}" makes each answer unique, so the stored report shows which answer went where);
#: then the receipt, which ends a report
WIZARD = quick_report("ru", description="Описание {tag}", address="Адрес {tag}")
NAMES = [step.name for step in WIZARD] + ["receipt"]


def step_of(message: BotMessage) -> str | None:
    if RECEIPT.match(message.text or ""):
        return "receipt"
    step = step_asked(WIZARD, message)
    return step.name if step is not None else None


@dataclass
class Wizard:
    """A resident making report after report, checking that every question comes once and
    in order (a question asked again is counted; a skipped one or a lost place is wrong)."""

    user: FakeUser
    reports: list[tuple[int, str]] = field(default_factory=list)  # (number, tag)
    repeated: int = 0  # questions asked again (receipts sent again are counted apart)
    wrong: list[str] = field(default_factory=list)

    async def run(self, stop: asyncio.Event) -> None:
        cycle = 0
        while not stop.is_set():
            cycle += 1
            tag = f"{self.user.id}-{cycle}"
            await self.user.send("/report")
            if not await self._one_report(tag):
                return

    async def _one_report(self, tag: str) -> bool:
        expected = 0  # index in WIZARD of the question awaited
        while True:
            try:
                message = await self.user.next_message(timeout=60)
            except NoMessageError:
                self.wrong.append(f"{tag}: stuck waiting for {NAMES[expected]}")
                return False
            if message.method not in ("sendMessage", "copyMessage"):
                continue
            text = message.text or ""
            if lost_place(message):
                self.wrong.append(f"{tag}: {text[:60]!r} while at {NAMES[expected]}")
                continue
            step = step_of(message)
            if step is None:
                continue  # "sending…" and the like
            receipt = RECEIPT.match(text)
            if receipt and int(receipt.group(1)) in {number for number, _ in self.reports}:
                continue  # an earlier receipt again (its send was in flight at a kill)
            index = NAMES.index(step)
            if index == expected - 1:
                self.repeated += 1  # asked again: its answer was in flight at a kill
                continue
            if index != expected:
                self.wrong.append(f"{tag}: {step} came while {NAMES[expected]} was awaited")
                return False
            if step == "receipt":
                found = RECEIPT.match(text)
                assert found is not None
                self.reports.append((int(found.group(1)), tag))
                return True
            await WIZARD[index].answer_to(self.user, message, tag=tag)
            expected = index + 1


@pytest.fixture
async def fast_tg() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram(token=TOKEN, bot_username="sakshy_test_bot", time_scale=FAST)
    await fake.start()
    fake.group(STAFF_CHAT, title="Duty unit", bot_is_admin=True)
    # What real Telegram answers to a bot that was killed, and that the bot takes in its
    # stride (test_crash): an edit repeated after it had reached Telegram ("not modified"), a
    # press answered after Telegram's 15 s, a 429 in a window the killed process had filled.
    # Nothing else may be refused.
    for harmless in ("message is not modified", "query is too old", "Too Many Requests"):
        fake.allow_refusal(harmless)
    try:
        yield fake
        fake.assert_no_unexpected_refusals()
    finally:
        await fake.stop()


def toasts_lost(tg: FakeTelegram) -> list[str]:
    """Answers to presses that say the bot lost the conversation's place ("out of date")."""
    texts = [call.params.get("text") or "" for call in tg.calls_of("answerCallbackQuery")]
    return [text for text in texts if any(word in text.lower() for word in LOST_PLACE)]


def bot_process(tg: FakeTelegram, folder: Path) -> BotProcess:
    return BotProcess(
        tg,
        folder,
        TELEGRAM_TIME_SCALE=str(FAST),
        REPORT_MAX_OPEN="100",
        REPORT_MAX_PER_HOUR="100",
        FLOOD_PER_MINUTE="6000",
        FLOOD_BURST="1000",
    )


async def started(process: BotProcess, tg: FakeTelegram) -> None:
    """Start the process and wait until it has reached Telegram (a start takes seconds)."""
    await process.start(wait="alive")


async def make_report(user: FakeUser) -> int:
    wizard = Wizard(user)
    await user.send("/report")
    assert await wizard._one_report(f"{user.id}-0"), wizard.wrong
    return wizard.reports[0][0]


def rows(folder: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(folder / "sakshy.db") as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.slow
def relayed_words(message: BotMessage) -> str | None:
    """What a relay carries: the words under its header line (one message per relay), or a
    copy's text (a relay too long for one message: the header, then the copy)."""
    text = message.text or ""
    if message.method == "copyMessage":
        return text
    head, _, rest = text.partition("\n")
    return rest if head.startswith("💬 ") and rest else None


def words(message: BotMessage) -> str:
    return relayed_words(message) or ""


async def test_ten_kills_among_wizards_and_relays_repeat_nothing_and_lose_nothing(
    fast_tg: FakeTelegram, tmp_path: Path
) -> None:
    tg = fast_tg
    process = bot_process(tg, tmp_path)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9499, first_name="Officer", language_code="kk")
    staff.add_member(officer, admin=True)
    talkers = [tg.user(9400 + n, first_name=f"T{n}", language_code="ru") for n in range(4)]
    makers = [tg.user(9450 + n, first_name=f"W{n}", language_code="ru") for n in range(6)]
    wizards = [Wizard(user) for user in makers]
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    kills = 10
    rng = random.Random(19)
    officer_said: dict[str, FakeUser] = {}  # text -> the resident it is for
    resident_said: list[str] = []
    try:
        await started(process, tg)
        for user in talkers + makers:
            await onboard(user, "ru")
        posts: dict[int, BotMessage] = {}

        def post_of(number: int) -> BotMessage | None:
            return next(
                (
                    m
                    for m in staff.messages
                    if (found := POST.match(m.text or "")) and int(found.group(1)) == number
                ),
                None,
            )

        for user in talkers:
            number = await make_report(user)
            await tg.wait_for(lambda n=number: post_of(n) is not None, timeout=30)  # type: ignore[misc]
            post = post_of(number)
            assert post is not None
            posts[user.id] = post

        async def talk_back(user: FakeUser) -> None:
            """Each officer message copied to the resident is answered, in reply to it. A
            copy sent twice (its request was in flight at a kill) is answered twice: the bot
            never learnt the first one's id, so a reply to it cannot be traced."""
            copies: Counter[str] = Counter()
            while True:
                message = await user.next_message(timeout=600)
                text = words(message)
                if text.startswith("Вопрос "):
                    copies[text] += 1
                    reply = f"Ответ на {text} #{copies[text]}"
                    resident_said.append(reply)
                    await user.reply(message, reply)

        tasks += [asyncio.create_task(talk_back(user)) for user in talkers]
        tasks += [asyncio.create_task(wizard.run(stop)) for wizard in wizards]

        for kill in range(kills):
            await asyncio.sleep(rng.uniform(0.5, 1.5))
            # a burst of officer replies lands in the inbox...
            for n in range(3):
                for user in talkers:
                    text = f"Вопрос {kill}-{n} для {user.id}"
                    officer_said[text] = user
                    await staff.send(officer, text, reply_to=posts[user.id])
            # ... and the bot dies at a random moment of handling it (the wizards go on)
            await asyncio.sleep(rng.uniform(0.0, 0.4))
            await process.kill()
            await started(process, tg)

        def relayed() -> tuple[Counter[str], Counter[str]]:
            to_residents = Counter(
                words(m)
                for user in talkers
                for m in user.messages
                if words(m).startswith("Вопрос ")
            )
            to_staff = Counter(words(m) for m in staff.messages if words(m).startswith("Ответ на "))
            return to_residents, to_staff

        def answered(to_staff: Counter[str]) -> set[str]:
            return {text.removeprefix("Ответ на ").rsplit(" #", 1)[0] for text in to_staff}

        def all_relayed() -> bool:
            to_residents, to_staff = relayed()
            return set(officer_said) <= set(to_residents) and set(officer_said) <= answered(
                to_staff
            )

        try:
            await tg.wait_for(all_relayed, timeout=90)
        except AssertionError:
            to_residents, to_staff = relayed()
            missing = sorted(set(officer_said) - set(to_residents))
            unanswered = sorted(set(officer_said) - answered(to_staff))
            raise AssertionError(f"lost: {missing}, answers to {unanswered}") from None
        stop.set()  # every wizard finishes the report it is making
        await asyncio.wait_for(asyncio.gather(*tasks[len(talkers) :]), timeout=scaled(120))
        await tg.wait_for(
            lambda: (
                not rows(tmp_path, "SELECT 1 FROM outbox WHERE state IN ('pending', 'in_flight')")
            ),
            timeout=60,
        )
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        await process.stop()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    failed = [o for o in outcomes if isinstance(o, Exception)]
    assert failed == [], f"a resident's script failed: {failed}"

    wrong = [w for wizard in wizards for w in wizard.wrong]
    assert wrong == [], f"every wizard goes on from where it was: {wrong}"
    assert toasts_lost(tg) == [], "no press answered as out of date"
    made = [r for wizard in wizards for r in wizard.reports]
    assert len(made) >= 2 * len(makers), f"the wizards made reports ({len(made)})"
    stored = {
        int(number): (description, address)
        for number, description, address in rows(
            tmp_path, "SELECT id, description, address FROM reports"
        )
    }
    for number, tag in made:  # every answer went to its own step
        assert stored[number] == (f"Описание {tag}", f"Адрес {tag}"), number
    to_residents, to_staff = relayed()
    assert set(officer_said) <= set(to_residents), "no officer reply lost"
    assert set(officer_said) <= answered(to_staff), "no resident reply lost"
    # A message whose request was in flight at a kill may arrive twice: at most one such
    # request per chat at a time (the outbox sends one message per chat at a time, a handler
    # answers its own chat), so at most one duplicate per kill in each chat.
    duplicates: dict[str, int] = {}
    for wizard in wizards:
        receipts = Counter(m.text for m in wizard.user.messages if RECEIPT.match(m.text or ""))
        duplicates[f"resident {wizard.user.id}"] = wizard.repeated + sum(
            n - 1 for n in receipts.values()
        )
    for user in talkers:
        copies = Counter(
            m.text for m in user.messages if relayed_words(m) or RECEIPT.match(m.text or "")
        )
        duplicates[f"resident {user.id}"] = sum(n - 1 for n in copies.values())
    in_staff = Counter(
        found.group(1) for m in staff.messages if (found := POST.match(m.text or ""))
    )
    duplicates["staff group"] = sum(n - 1 for n in in_staff.values()) + sum(
        n - 1 for n in to_staff.values()
    )
    print(
        f"{kills} kills: {len(made)} reports made in wizards, "
        f"{len(officer_said)} officer replies and {len(resident_said)} answers relayed, "
        f"duplicates per chat {duplicates}"
    )
    too_many = {chat: n for chat, n in duplicates.items() if n > kills}
    assert not too_many, f"at most one duplicate per kill in a chat: {too_many}"
    assert rows(tmp_path, "SELECT count(*) FROM inbox WHERE handled_at IS NULL") == [(0,)]


@pytest.mark.slow  # the bot as a real process, started twice (15 s alone, 34 s with -n 3)
async def test_sigterm_right_after_send_stops_promptly_and_the_report_stands(
    fast_tg: FakeTelegram, tmp_path: Path
) -> None:
    """A stop never hangs on a handler, and «Send» handled before the stop is not replayed
    as a stale press at the next start ("out of date" and the main menu for an accepted
    report)."""
    tg = fast_tg
    process = bot_process(tg, tmp_path)
    user = tg.user(9491, first_name="Dana", language_code="ru")
    try:
        await started(process, tg)
        await onboard(user, "ru")
        await user.send("/report")
        # the wizard up to its summary (the receipt is not awaited: the stop comes first)
        for step in WIZARD[:-1]:
            message = await user.next_message(timeout=30)
            assert step_of(message) == step.name, (step.name, message.text)
            await step.answer_to(user, message, tag="x")
        summary = await user.next_message(timeout=30)
        assert step_of(summary) == "summary", summary.text
        # Telegram hangs on the bot's next request of «Send» (the keyboard removed after the
        # report is stored): the handler is still running when the stop comes
        hang = 30.0  # a stop that waits the hang out fails the bound below at any scale
        tg.fail_next("editMessageReplyMarkup", delay=hang)
        await user.press(summary, data=ReportStepCb(action="send"))
        # the handler has reached the hanging request: the stop meets it running
        await tg.wait_for(lambda: tg.injections_left("editMessageReplyMarkup") == 0, timeout=10)
        assert process.proc is not None
        began = time.monotonic()
        process.proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.proc.wait(), scaled(30))
        took = time.monotonic() - began
        assert code == 0, "a clean exit"

        await started(process, tg)
        receipt = await user.next_message(timeout=30)
        assert RECEIPT.match(receipt.text or ""), receipt.text
        await tg.wait_for(
            lambda: rows(tmp_path, "SELECT count(*) FROM inbox WHERE handled_at IS NULL") == [(0,)],
            timeout=20,
        )
        await user.send("/help")  # the next answer comes after anything a replay said
        while True:
            message = await user.next_message(timeout=20)
            assert not lost_place(message) or "/report" in (message.text or ""), message.text
            if "/report" in (message.text or ""):
                break
        assert rows(tmp_path, "SELECT count(*) FROM reports") == [(1,)]
        assert toasts_lost(tg) == [], "no press answered as out of date"
        assert took < min(scaled(8), hang - 5), f"the stop took {took:.1f} s"
    finally:
        await process.stop()
