"""The fake's simulated world: updates and long polling, privacy mode, users and groups acting,
flood control, and the bookkeeping e2e tests rely on (refusals, injected failures, waiting)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BufferedInputFile, InputMediaPhoto, Message, Update

from bot.testing.fake_telegram import FakeTelegram, NoMessageError, RateLimits
from bot.testing.fake_telegram.ratelimit import RateLimiter
from bot.testing.timeouts import scaled

TOKEN = "123456:TEST"
Call = Callable[..., Awaitable[tuple[int, dict[str, Any]]]]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(TOKEN, time_scale=0.01, rate_limits=False)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
def call(fake: FakeTelegram, session: aiohttp.ClientSession) -> Call:
    async def do(method: str, **params: Any) -> tuple[int, dict[str, Any]]:
        async with session.post(f"{fake.url}/bot{TOKEN}/{method}", json=params) as response:
            return response.status, await response.json()

    return do


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    api_session = AiohttpSession(api=TelegramAPIServer.from_base(fake.url))
    yield Bot(TOKEN, session=api_session)
    await api_session.close()


def _ids(updates: list[dict[str, Any]]) -> list[int]:
    return [update["update_id"] for update in updates]


# --- transports --------------------------------------------------------------------------------


async def test_query_string_form_and_multipart(
    fake: FakeTelegram, session: aiohttp.ClientSession
) -> None:
    await fake.user(1, "A").send("/start")
    base = f"{fake.url}/bot{TOKEN}"
    async with session.get(f"{base}/sendMessage", params={"chat_id": "1", "text": "q"}) as r:
        assert (r.status, (await r.json())["result"]["text"]) == (200, "q")
    form = {"chat_id": "1", "text": "f", "reply_markup": '{"remove_keyboard":true}'}
    async with session.post(f"{base}/sendMessage", data=form) as r:
        assert (r.status, (await r.json())["result"]["text"]) == (200, "f")
    multipart = aiohttp.FormData(quote_fields=False)
    multipart.add_field("chat_id", "1")
    multipart.add_field("document", "attach://file0")
    multipart.add_field("file0", b"%PDF", filename="report.pdf")
    async with session.post(f"{base}/sendDocument", data=multipart) as r:
        body = await r.json()
    assert body["result"]["document"]["file_name"] == "report.pdf"
    async with session.post(f"{base}/sendDocument", data={"chat_id": "1"}) as r:
        assert (await r.json())["description"] == "Bad Request: there is no document in the request"


# --- getUpdates --------------------------------------------------------------------------------


async def test_offset_confirms_earlier_updates(fake: FakeTelegram, call: Call) -> None:
    user = fake.user(1, "A")
    for text in ("a", "b", "c"):
        await user.send(text)
    _, body = await call("getUpdates")
    first, second, third = _ids(body["result"])
    _, body = await call("getUpdates", offset=second)
    assert _ids(body["result"]) == [second, third]
    assert fake.pending_updates == 2
    _, body = await call("getUpdates", offset=third + 1)
    assert body["result"] == []
    assert fake.pending_updates == 0
    assert first < second < third


async def test_negative_offset_keeps_the_last_ones(fake: FakeTelegram, call: Call) -> None:
    user = fake.user(1, "A")
    for text in ("a", "b", "c"):
        await user.send(text)
    _, body = await call("getUpdates", offset=-1)
    assert [u["message"]["text"] for u in body["result"]] == ["c"]
    assert fake.pending_updates == 1


async def test_limit_is_clamped_to_1_100(fake: FakeTelegram, call: Call) -> None:
    user = fake.user(1, "A")
    for text in ("a", "b", "c"):
        await user.send(text)
    _, body = await call("getUpdates", limit=0)
    assert len(body["result"]) == 1
    _, body = await call("getUpdates", limit=2)
    assert len(body["result"]) == 2
    _, body = await call("getUpdates", limit=1000)
    assert len(body["result"]) == 3


async def test_offset_from_the_future_returns_the_pending(fake: FakeTelegram, call: Call) -> None:
    await fake.user(1, "A").send("a")
    _, body = await call("getUpdates", offset=10_000)
    assert len(body["result"]) == 1
    assert fake.pending_updates == 1


async def test_long_poll_timeout_is_capped_at_50_seconds(fake: FakeTelegram, call: Call) -> None:
    poll = asyncio.create_task(call("getUpdates", timeout=3600))
    await fake.wait_for(lambda: fake._long_poll is not None)
    assert fake._long_poll is not None and fake._long_poll.timeout == 50
    await fake.user(1, "A").send("x")
    status, _ = await asyncio.wait_for(poll, scaled(2))
    assert status == 200


async def test_long_poll_wakes_on_an_update(fake: FakeTelegram, call: Call) -> None:
    poll = asyncio.create_task(call("getUpdates", timeout=5))
    await fake.wait_for(lambda: fake._long_poll is not None)
    await fake.user(1, "A").send("/start")
    status, body = await asyncio.wait_for(poll, scaled(2))
    assert status == 200
    assert body["result"][0]["message"]["text"] == "/start"
    assert fake.poll_count == 1
    assert fake.first_poll_at is not None


async def test_second_poller_makes_the_first_one_fail(fake: FakeTelegram, call: Call) -> None:
    first = asyncio.create_task(call("getUpdates", timeout=5))
    await fake.wait_for(lambda: fake._long_poll is not None)
    second = asyncio.create_task(call("getUpdates", timeout=5))
    status, body = await asyncio.wait_for(first, scaled(2))
    assert (status, body["description"]) == (
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot "
        "instance is running",
    )
    await fake.user(1, "A").send("hi")
    status, body = await asyncio.wait_for(second, scaled(2))
    assert status == 200
    assert len(body["result"]) == 1


async def test_a_poller_that_left_is_no_conflict(fake: FakeTelegram, call: Call) -> None:
    """A bot restart: the old poller disconnects, the new one polls; nothing is refused."""
    async with aiohttp.ClientSession() as old_session:

        async def poll() -> Any:
            url = f"{fake.url}/bot{TOKEN}/getUpdates"
            async with old_session.post(url, json={"timeout": 5}) as response:
                return await response.json()

        old = asyncio.create_task(poll())
        await fake.wait_for(lambda: fake._long_poll is not None)
        old.cancel()
        with pytest.raises(asyncio.CancelledError):
            await old
    await fake.wait_for(lambda: fake._long_poll is None)
    new = asyncio.create_task(call("getUpdates", timeout=5))
    await fake.wait_for(lambda: fake._long_poll is not None)
    await fake.user(1, "A").send("/start")
    status, _ = await asyncio.wait_for(new, scaled(2))
    assert status == 200
    assert fake.refusals == []


async def test_set_webhook_ends_polling(fake: FakeTelegram, call: Call) -> None:
    poll = asyncio.create_task(call("getUpdates", timeout=5))
    await fake.wait_for(lambda: fake._long_poll is not None)
    status, body = await call("setWebhook", url="https://bot.example.kz/hook")
    assert (status, body["description"]) == (200, "Webhook was set")
    status, body = await asyncio.wait_for(poll, scaled(2))
    assert (status, body["description"]) == (409, "Conflict: terminated by setWebhook request")
    status, body = await call("getUpdates")
    assert status == 409
    assert body["description"] == (
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
        "delete the webhook first"
    )
    _, info = await call("getWebhookInfo")
    assert info["result"]["url"] == "https://bot.example.kz/hook"
    await fake.user(1, "A").send("x")
    status, body = await call("deleteWebhook", drop_pending_updates=True)
    assert (status, body["description"]) == (200, "Webhook was deleted")
    assert fake.pending_updates == 0


async def test_allowed_updates_filters_new_updates(fake: FakeTelegram, call: Call) -> None:
    await call("getUpdates", allowed_updates=["callback_query"])
    user = fake.user(1, "A")
    await user.send("/start")
    assert fake.pending_updates == 0
    await call(
        "sendMessage",
        chat_id=1,
        text="x",
        reply_markup={"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]},
    )
    await user.press(user.messages[-1], data="a")
    assert [list(u)[1] for u in fake.updates] == ["callback_query"]


async def test_unconfirmed_updates_survive_a_restart(fake: FakeTelegram) -> None:
    await fake.user(1, "A").send("/start")
    for _ in range(2):
        api_session = AiohttpSession(api=TelegramAPIServer.from_base(fake.url))
        try:
            updates = await Bot(TOKEN, session=api_session).get_updates()
        finally:
            await api_session.close()
        assert [u.message.text for u in updates if u.message] == ["/start"]


# --- privacy mode ------------------------------------------------------------------------------

PRIVACY: list[tuple[str, dict[str, Any], str, bool]] = [
    ("member, plain text", {"bot_is_admin": False}, "hello", False),
    ("member, command", {"bot_is_admin": False}, "/chatid", True),
    ("member, command for it", {"bot_is_admin": False}, "/chatid@sakshy_test_bot", True),
    ("member, command for another bot", {"bot_is_admin": False}, "/chatid@other_bot", False),
    ("member, mention", {"bot_is_admin": False}, "hi @sakshy_test_bot", True),
    ("member, privacy off", {"bot_is_admin": False, "privacy_mode": False}, "hello", True),
    ("admin, plain text", {"bot_is_admin": True}, "hello", True),
]


@pytest.mark.parametrize(
    ("settings", "text", "delivered"), [r[1:] for r in PRIVACY], ids=[r[0] for r in PRIVACY]
)
async def test_privacy_mode(
    fake: FakeTelegram, settings: dict[str, Any], text: str, delivered: bool
) -> None:
    group = fake.group(-100, "G", **settings)
    await group.send(fake.user(1, "A"), text)
    assert fake.pending_updates == (1 if delivered else 0)


async def test_privacy_mode_lets_replies_to_the_bot_through(fake: FakeTelegram, call: Call) -> None:
    group = fake.group(-100, "G", bot_is_admin=False)
    await call("sendMessage", chat_id=-100, text="question")
    await group.send(fake.user(1, "A"), "answer", reply_to=group.messages[-1])
    [update] = fake.updates
    assert update["message"]["reply_to_message"]["text"] == "question"


# --- users and groups acting -------------------------------------------------------------------


async def test_block_and_unblock(fake: FakeTelegram, call: Call) -> None:
    user = fake.user(1, "A")
    await user.send("/start")
    await call("getUpdates", offset=-1)
    await call("getUpdates", offset=fake.updates[-1]["update_id"] + 1)
    user.block()
    status, _ = await call("sendMessage", chat_id=1, text="x")
    assert status == 403
    [update] = fake.updates
    member = update["my_chat_member"]
    assert (member["old_chat_member"]["status"], member["new_chat_member"]["status"]) == (
        "member",
        "kicked",
    )
    await user.send("again")  # writing to the bot lifts the block
    assert not user.blocked
    kinds = [next(k for k in u if k != "update_id") for u in fake.updates]
    assert kinds == ["my_chat_member", "my_chat_member", "message"]
    status, _ = await call("sendMessage", chat_id=1, text="x")
    assert status == 200


async def test_user_seen_in_a_group_cannot_be_written_first(fake: FakeTelegram, call: Call) -> None:
    user = fake.user(9, "Officer")
    status, body = await call("sendMessage", chat_id=9, text="x")
    assert body["description"] == "Bad Request: chat not found"
    fake.group(-100, "Duty").add_member(user)
    status, body = await call("sendMessage", chat_id=9, text="x")
    assert (status, body["description"]) == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )
    assert not user.started


async def test_kick_bot(fake: FakeTelegram, call: Call) -> None:
    group = fake.group(-100, "G")
    group.kick_bot()
    [update] = fake.updates
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    status, body = await call("sendMessage", chat_id=-100, text="x")
    assert (status, body["description"]) == (
        403,
        "Forbidden: bot was kicked from the supergroup chat",
    )


async def test_migration_updates(fake: FakeTelegram, call: Call) -> None:
    basic = fake.group(-5, "Basic", supergroup=False)
    new = await basic.migrate_to_supergroup(-1005)
    old_update, new_update = fake.updates
    assert old_update["message"]["migrate_to_chat_id"] == -1005
    assert new_update["message"]["migrate_from_chat_id"] == -5
    assert new_update["message"]["chat"]["type"] == "supergroup"
    status, _ = await call("sendMessage", chat_id=-1005, text="moved")
    assert status == 200
    assert new.messages[-1].text == "moved"


async def test_tap_checks_the_reply_keyboard(fake: FakeTelegram, call: Call) -> None:
    user = fake.user(1, "A")
    await user.send("/start")
    with pytest.raises(AssertionError, match="no reply keyboard is shown"):
        await user.tap("Help")
    keyboard = {"keyboard": [["Help", {"text": "Phone", "request_contact": True}]]}
    await call("sendMessage", chat_id=1, text="menu", reply_markup=keyboard)
    assert user.reply_keyboard == [["Help", "Phone"]]
    with pytest.raises(AssertionError, match=r"'Cases' is not a button.*\['Help', 'Phone'\]"):
        await user.tap("Cases")
    sent = await user.tap("Help")
    assert sent["text"] == "Help"
    contact = await user.tap("Phone")
    assert contact["contact"]["user_id"] == 1
    await call("sendMessage", chat_id=1, text="bye", reply_markup={"remove_keyboard": True})
    assert user.reply_keyboard is None


async def test_press_checks_the_inline_keyboard(fake: FakeTelegram, call: Call) -> None:
    user = fake.user(1, "A")
    await user.send("/start")
    markup = {"inline_keyboard": [[{"text": "Қазақша", "callback_data": "lang:kk"}]]}
    await call("sendMessage", chat_id=1, text="Тіл?", reply_markup=markup)
    message = await user.next_message()
    with pytest.raises(AssertionError, match=r"no inline button with data='lang:ru'.*Қазақша"):
        await user.press(message, data="lang:ru")
    query_id = await user.press(message, text="Қазақша")
    assert fake.updates[-1]["callback_query"]["data"] == "lang:kk"
    stale = await user.press_stale("lang:old")
    assert fake.updates[-1]["callback_query"]["id"] == stale != query_id
    await call("editMessageText", chat_id=1, message_id=message.message_id, text="Қазақша ✓")
    assert message.buttons == []  # editing text without reply_markup removes the keyboard
    assert message.edits == ["Қазақша ✓"]
    with pytest.raises(AssertionError, match="no inline button"):
        await user.press(message, data="lang:kk")


async def test_answer_of(fake: FakeTelegram, call: Call) -> None:
    user = fake.user(1, "A")
    await user.send("/start")
    await call(
        "sendMessage",
        chat_id=1,
        text="x",
        reply_markup={"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]},
    )
    query_id = await user.press(user.messages[-1], data="a")
    waiting = asyncio.create_task(user.answer_of(query_id, timeout=2))
    await call("answerCallbackQuery", callback_query_id=query_id, text="Done", show_alert=True)
    answer = await waiting
    assert (answer["text"], answer["show_alert"]) == ("Done", True)


async def test_next_message_times_out_clearly(fake: FakeTelegram) -> None:
    user = fake.user(1, "A")
    with pytest.raises(NoMessageError, match=r"sent no new message to chat 1 within 0\.05s"):
        await user.next_message(timeout=0.05)


async def test_user_edit_and_reply(fake: FakeTelegram, call: Call) -> None:
    user = fake.user(1, "A")
    sent = await user.send("adress")
    edited = await user.edit(sent, "address")
    assert fake.updates[-1]["edited_message"]["text"] == "address"
    assert edited["edit_date"] >= edited["date"]
    await call("sendMessage", chat_id=1, text="where?")
    reply = await user.reply(user.messages[-1], "here")
    assert reply["reply_to_message"]["text"] == "where?"


async def test_copy_and_forward(fake: FakeTelegram, call: Call) -> None:
    user = fake.user(1, "A")
    photo = await user.send_photo(caption="evidence")
    group = fake.group(-100, "Duty")
    status, body = await call(
        "copyMessage", chat_id=-100, from_chat_id=1, message_id=photo["message_id"]
    )
    assert status == 200, body
    copy = group.messages[-1]
    assert (copy.method, copy.media, copy.text) == ("copyMessage", "photo", "evidence")
    assert "forward_origin" not in copy.raw
    status, body = await call(
        "forwardMessage", chat_id=-100, from_chat_id=1, message_id=photo["message_id"]
    )
    assert body["result"]["forward_origin"]["sender_user"]["id"] == 1
    assert group.messages[-1].method == "forwardMessage"


async def test_uploads_albums_and_files(fake: FakeTelegram, bot: Bot) -> None:
    user = fake.user(1, "A")
    await user.send("/start")
    photo = BufferedInputFile(b"\xff\xd8jpeg", filename="map.jpg")
    sent = await bot.send_photo(1, photo, caption="<b>Map</b>", parse_mode="HTML")
    assert sent.caption == "Map"
    assert sent.photo is not None
    album = await bot.send_media_group(
        1, [InputMediaPhoto(media=BufferedInputFile(b"1", "a.jpg")), InputMediaPhoto(media="x")]
    )
    assert len({m.media_group_id for m in album}) == 1
    file = await bot.get_file(sent.photo[-1].file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None
    assert downloaded.read() == b"\xff\xd8jpeg"


async def test_every_object_validates_in_aiogram(fake: FakeTelegram, call: Call) -> None:
    user = fake.user(1, "Aigerim", language_code="kk", username="aigerim", last_name="S")
    await user.send("/start")
    await user.send_location(43.3, 69.6, live_period=600)
    await user.send_contact()
    await user.send_photo(caption="c", media_group_id="g1")
    await user.send_document(file_name="a.pdf")
    await user.send_sticker()
    await user.send_voice()
    await user.send_video()
    await user.send_dice()
    forum = fake.group(-100, "Duty", forum=True)
    thread = await forum.create_topic(user, "Case 7")
    await forum.send(user, "/chatid", thread_id=thread)
    _, body = await call(
        "sendMessage",
        chat_id=1,
        text="<b>x</b>",
        parse_mode="HTML",
        reply_markup={"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]},
    )
    Message.model_validate(body["result"])
    await user.press(user.messages[-1], data="a")
    user.block()
    user.unblock()
    fake.group(-5, "B", supergroup=False)
    await fake.groups[-5].migrate_to_supergroup(-1005)
    for method, params in [
        ("getMe", {}),
        ("getChat", {"chat_id": 1}),
        ("getChat", {"chat_id": -100}),
        ("getChatMember", {"chat_id": -100, "user_id": fake.bot_id}),
        ("getChatMember", {"chat_id": -100, "user_id": 1}),
        ("getChatAdministrators", {"chat_id": -100}),
        ("getWebhookInfo", {}),
        ("getMyCommands", {}),
        ("getMyDescription", {}),
    ]:
        status, result = await call(method, **params)
        assert status == 200, (method, result)
    _, body = await call("getUpdates")
    assert len(body["result"]) >= 14
    for update in body["result"]:
        Update.model_validate(update)


# --- flood control -----------------------------------------------------------------------------


@pytest.fixture
async def limited() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(TOKEN, time_scale=1.0)
    await server.start()
    yield server
    await server.stop()


async def _send(session: aiohttp.ClientSession, fake: FakeTelegram, chat_id: int) -> Any:
    url = f"{fake.url}/bot{TOKEN}/sendMessage"
    async with session.post(url, json={"chat_id": chat_id, "text": "x"}) as response:
        return response.status, await response.json(), response.headers


async def test_one_chat_gets_a_short_burst(
    limited: FakeTelegram, session: aiohttp.ClientSession
) -> None:
    await limited.user(1, "A").send("/start")
    results = [await _send(session, limited, 1) for _ in range(6)]
    assert [status for status, _, _ in results] == [200] * 5 + [429]
    _, body, headers = results[-1]
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert headers["Retry-After"] == "1"
    assert limited.refusals[-1].error_code == 429
    limited.advance(1.0)
    status, _, _ = await _send(session, limited, 1)
    assert status == 200


async def test_twenty_a_minute_to_a_group(
    limited: FakeTelegram, session: aiohttp.ClientSession
) -> None:
    limited.group(-100, "G")
    for _ in range(20):
        status, body, _ = await _send(session, limited, -100)
        assert status == 200, body
        limited.advance(1.5)
    status, body, _ = await _send(session, limited, -100)
    assert status == 429
    assert 29 <= body["parameters"]["retry_after"] <= 31


async def test_thirty_a_second_overall(
    limited: FakeTelegram, session: aiohttp.ClientSession
) -> None:
    for user_id in range(1, 32):
        await limited.user(user_id, "U").send("/start")
    statuses = [(await _send(session, limited, user_id))[0] for user_id in range(1, 32)]
    assert statuses == [200] * 30 + [429]


async def test_limits_can_be_switched_off(
    fake: FakeTelegram, session: aiohttp.ClientSession
) -> None:
    await fake.user(1, "A").send("/start")
    statuses = [(await _send(session, fake, 1))[0] for _ in range(10)]
    assert statuses == [200] * 10


def test_time_scale_shrinks_the_windows() -> None:
    now = [0.0]
    limiter = RateLimiter(lambda: now[0], time_scale=0.01, limits=RateLimits())
    for _ in range(20):
        assert limiter.check_messages(-100, is_group=True) is None
        now[0] += 0.011
    assert limiter.check_messages(-100, is_group=True) == 1  # retry_after is at least 1 s
    now[0] += 0.6
    assert limiter.check_messages(-100, is_group=True) is None


# --- refusals, injected failures, waiting ------------------------------------------------------


async def test_expected_and_unexpected_refusals(fake: FakeTelegram, call: Call) -> None:
    user = fake.user(1, "A")
    await user.send("/start")
    user.block()
    with fake.expect_refusal("Forbidden: bot was blocked by the user") as expectation:
        await call("sendMessage", chat_id=1, text="x")
    assert len(expectation.matched) == 1
    fake.assert_no_unexpected_refusals()
    await call("sendMessage", chat_id=1, text="y")
    with pytest.raises(AssertionError, match=r"(?s)1 time\(s\).*bot was blocked by the user"):
        fake.assert_no_unexpected_refusals()
    fake.allow_refusal("bot was blocked")
    fake.assert_no_unexpected_refusals()


async def test_injected_delay_then_normal_answer(fake: FakeTelegram) -> None:
    user = fake.user(1, "A")
    await user.send("/start")
    fake.fail_next("sendMessage", delay=0.3)
    timeout = aiohttp.ClientTimeout(total=0.05)
    async with aiohttp.ClientSession(timeout=timeout) as impatient:
        with pytest.raises(TimeoutError):
            await impatient.post(
                f"{fake.url}/bot{TOKEN}/sendMessage", json={"chat_id": 1, "text": "late"}
            )
    message = await user.next_message(timeout=2)
    assert message.text == "late"  # Telegram may deliver what the client gave up on


async def test_injected_failures_count_down(fake: FakeTelegram, call: Call) -> None:
    fake.fail_next("setMyCommands", error_code=429, retry_after=2, times=2)
    statuses = [(await call("setMyCommands", commands=[]))[0] for _ in range(3)]
    assert statuses == [429, 429, 200]
    assert [c.ok for c in fake.calls_of("setmycommands")] == [False, False, True]


async def test_wait_for_gives_up(fake: FakeTelegram) -> None:
    with pytest.raises(AssertionError, match=r"condition not met within 0\.05s"):
        await fake.wait_for(lambda: False, timeout=0.05)


async def test_wait_for_sees_advance(fake: FakeTelegram) -> None:
    start = fake.now()
    waiting = asyncio.create_task(fake.wait_for(lambda: fake.now() > start + 3600, timeout=2))
    await asyncio.sleep(0)
    fake.advance(3601)
    await waiting
