"""The one rate limiter: Telegram's guidance as numbers, checked on a controlled clock."""

from __future__ import annotations

import pytest

from bot.services.ratelimit import Limits, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_private_chat_allows_a_short_burst_then_one_per_second(clock: Clock) -> None:
    limiter = RateLimiter(clock=clock)
    assert [limiter.reserve(42) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.reserve(42) == pytest.approx(1.03), "a second, and 30 ms for the way"
    clock.t += 1.05
    assert limiter.reserve(42) == 0.0
    assert limiter.reserve(42) == pytest.approx(2 * 1.03 - 1.05), "the 20 ms over came back"
    assert limiter.reserve(43) == 0.0, "another chat is not slowed by this one"


def test_group_gets_at_most_twenty_per_minute(clock: Clock) -> None:
    limiter = RateLimiter(Limits(chat_burst=100, chat_per_second=100.0), clock=clock)
    for i in range(20):
        assert limiter.reserve(-100) == 0.0, i
        clock.t += 0.5
    wait = limiter.reserve(-100)
    assert wait == pytest.approx(60.03 - 10.0), "Telegram's minute and 30 ms for the network"
    clock.t += wait
    assert limiter.reserve(-100) == 0.0


def test_a_restart_remembers_the_groups_minute(clock: Clock) -> None:
    limiter = RateLimiter(Limits(chat_burst=100, chat_per_second=100.0), clock=clock)
    limiter.remember(-100, [50.0] * 15 + [10.0] * 5 + [75.0] * 3)  # the last run's sends
    wait = limiter.reserve(-100)
    assert wait == pytest.approx(10.03), "twenty in the last minute: the oldest ages out in 10 s"
    assert limiter.reserve(-200) == 0.0, "another group is free"


def test_about_thirty_per_second_overall_and_evenly(clock: Clock) -> None:
    limiter = RateLimiter(clock=clock)
    limits = limiter.limits
    assert limits.global_per_second == 30
    assert 1.0 <= limiter.global_span <= 1.1, "Telegram's second, and a little for the way"
    sent: list[float] = []
    chat = 0
    while clock.t < 1010.0:  # ten seconds of as many as it lets through
        chat += 1
        if limiter.reserve(chat) == 0.0:
            sent.append(clock.t)
        clock.t += 0.001
    busiest = max(sum(1 for t in sent if start <= t < start + 1.0) for start in sent)
    assert busiest <= 30, "never more than Telegram takes in any second"
    assert len(sent) / 10 >= 0.95 * 30, "and at least 95% of it"
    bunch = max(sum(1 for t in sent if start <= t < start + 0.1) for start in sent)
    assert bunch <= limits.global_burst + 3, "a short burst at most, never 28 at once"


def test_a_refused_reservation_takes_no_slot(clock: Clock) -> None:
    limiter = RateLimiter(clock=clock)
    for _ in range(3):
        limiter.reserve(7)
    for _ in range(10):
        assert limiter.reserve(7) > 0
    clock.t += 1.05
    assert limiter.reserve(7) == 0.0, "waiting did not dig a deeper hole"


def test_penalty_after_a_429(clock: Clock) -> None:
    limiter = RateLimiter(clock=clock)
    limiter.penalise(5, 7.0)
    assert limiter.reserve(5) == pytest.approx(7.0)
    assert limiter.reserve(6) == 0.0
    limiter.penalise(None, 2.0)
    assert limiter.reserve(6) == pytest.approx(2.0), "a global 429 holds every chat"


def test_time_scale_shrinks_telegrams_minute(clock: Clock) -> None:
    limiter = RateLimiter(clock=clock, time_scale=0.01)
    for _ in range(3):
        limiter.reserve(9)
    # waits are in Telegram's seconds; the 30 ms for the way are real time: 3 s of Telegram's
    assert limiter.reserve(9) == pytest.approx(1.0 + 3.0)
    clock.t += 0.06  # six real hundredths of a second are six Telegram seconds here
    assert limiter.reserve(9) == 0.0


def test_idle_chats_are_forgotten(clock: Clock) -> None:
    limiter = RateLimiter(clock=clock)
    for chat in range(100):
        limiter.reserve(chat)
    clock.t += 600
    limiter.reserve(1000)
    assert len(limiter._chats) == 1


async def test_bulk_waits_behind_a_message_someone_is_waiting_for() -> None:
    import asyncio

    limiter = RateLimiter(Limits(global_per_second=2, chat_burst=3), time_scale=0.05)
    order: list[str] = []

    async def send(name: str, chat: int, bulk: bool) -> None:
        await limiter.acquire(chat, bulk=bulk)
        order.append(name)

    await send("first", 1, False)
    await send("second", 2, False)  # the overall second is full now
    bulk = [asyncio.create_task(send(f"offer{n}", 10 + n, True)) for n in range(4)]
    await asyncio.sleep(0)
    reply = asyncio.create_task(send("reply", 99, False))
    await asyncio.gather(reply, *bulk)
    assert order[2] == "reply", order


async def test_bulk_is_not_held_by_a_chat_waiting_for_its_own_limit() -> None:
    import asyncio

    limiter = RateLimiter(Limits(global_per_second=30, chat_burst=1), time_scale=0.05)
    await limiter.acquire(5)
    waiting = asyncio.create_task(limiter.acquire(5))  # one per second to this chat
    await asyncio.sleep(0)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await limiter.acquire(6, bulk=True)
    assert loop.time() - started < 0.02, "the offer went while chat 5 waited for itself"
    await waiting


async def test_an_album_takes_a_slot_per_item_and_a_429_pauses_everyone() -> None:
    from aiogram.exceptions import TelegramRetryAfter
    from aiogram.methods import SendMediaGroup, SendMessage
    from aiogram.types import InputMediaPhoto

    from bot.telegram.session import FloodControlMiddleware

    limiter = RateLimiter()
    middleware = FloodControlMiddleware(limiter, attempts=1)
    album = SendMediaGroup(chat_id=42, media=[InputMediaPhoto(media=f"p{n}") for n in range(3)])

    async def ok(bot: object, method: object) -> bool:
        return True

    await middleware(ok, None, album)  # type: ignore[arg-type]
    assert len(limiter._global) == 3, "three photos are three messages to Telegram"
    assert limiter.reserve(42) > 0, "the chat's burst of three is spent"

    async def flood(bot: object, method: object) -> bool:
        raise TelegramRetryAfter(method, "Too Many Requests", 5)  # type: ignore[arg-type]

    message = SendMessage(chat_id=7, text="hi")
    with pytest.raises(TelegramRetryAfter):
        await middleware(flood, None, message)  # type: ignore[arg-type]
    assert limiter.reserve(8) > 0, "another chat waits a moment too: it may be the overall limit"
    assert limiter.reserve(8) <= 1.0
