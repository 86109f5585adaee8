"""The fake Bot API refuses every rule break with the exact error of the real server.

One table row per rule: the call, the HTTP status and the exact description.  The calls go
over real HTTP; a second part drives the same fake through aiogram to prove aiogram raises the
right exception classes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)

from bot.testing.fake_telegram import FakeTelegram, FakeUser

TOKEN = "123456:TEST"
Call = Callable[..., Awaitable[tuple[int, dict[str, Any]]]]


@dataclass
class World:
    """A populated fake: users and chats in every state the rules care about."""

    fake: FakeTelegram
    user: FakeUser
    bot_text_id: int
    bot_photo_id: int
    user_text_id: int
    topic_id: int
    closed_topic_id: int


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(TOKEN, time_scale=0.01, rate_limits=False)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def call(fake: FakeTelegram) -> AsyncIterator[Call]:
    async with aiohttp.ClientSession() as session:

        async def do(method: str, _token: str = TOKEN, **params: Any) -> tuple[int, dict[str, Any]]:
            url = f"{fake.url}/bot{_token}/{method}"
            async with session.post(url, json=params) as response:
                return response.status, await response.json()

        yield do


@pytest.fixture
async def world(fake: FakeTelegram, call: Call) -> World:
    user = fake.user(1001, "Aigerim", language_code="kk")
    user_message = await user.send("/start")
    fake.user(1002, "Stranger")
    fake.user(1003, "Seen", seen_by_bot=True)
    blocked = fake.user(1004, "Blocked")
    await blocked.send("/start")
    blocked.block()
    forum = fake.group(-1001, "Forum", forum=True)
    fake.group(-1002, "Plain", bot_is_admin=False)
    fake.group(-1003, "Gone").kick_bot()
    basic = fake.group(-1004, "Basic", supergroup=False)
    await basic.migrate_to_supergroup(-1005)
    fake.group(-1006, "Basic gone", supergroup=False).kick_bot()
    fake.group(-1007, "Forum, bot not admin", forum=True, bot_is_admin=False)
    status, body = await call("sendMessage", chat_id=1001, text="hello")
    assert status == 200, body
    text_id = body["result"]["message_id"]
    status, body = await call("sendPhoto", chat_id=1001, photo="AgACAgIAAx0")
    assert status == 200, body
    photo_id = body["result"]["message_id"]
    status, body = await call("createForumTopic", chat_id=-1001, name="Case")
    topic_id = body["result"]["message_thread_id"]
    status, body = await call("createForumTopic", chat_id=-1001, name="Closed")
    closed_id = body["result"]["message_thread_id"]
    status, body = await call("closeForumTopic", chat_id=-1001, message_thread_id=closed_id)
    assert status == 200, body
    assert forum.topics == {topic_id: "Case", closed_id: "Closed"}
    fake.refusals.clear()
    return World(fake, user, text_id, photo_id, user_message["message_id"], topic_id, closed_id)


INLINE = "inline_keyboard"


def _markup(*buttons: dict[str, Any]) -> str:
    return json.dumps({INLINE: [list(buttons)]})


def _cb(data: str) -> str:
    return _markup({"text": "a", "callback_data": data})


# (id, method, params, status, description); "{name}" values are filled from the World.
# fmt: off
RULES: list[tuple[str, str, dict[str, Any], int, str]] = [
    # error shape, auth, routing
    ("unknown method", "sendFoo", {}, 404, "Not Found: method not found"),
    ("wrong token", "getMe", {"_token": "123456:WRONG"}, 401, "Unauthorized"),
    ("malformed token", "getMe", {"_token": "nocolon"}, 401,
     "Unauthorized: invalid token specified"),
    # sizes of text
    ("text missing", "sendMessage", {"chat_id": 1001}, 400, "Bad Request: message text is empty"),
    ("chat_id missing", "sendMessage", {"text": "x"}, 400, "Bad Request: chat_id is empty"),
    ("text only spaces", "sendMessage", {"chat_id": 1001, "text": " \n "}, 400,
     "Bad Request: text must be non-empty"),
    ("markup leaves no text", "sendMessage",
     {"chat_id": 1001, "text": "<b> </b>", "parse_mode": "HTML"}, 400,
     "Bad Request: text must be non-empty"),
    ("text 4097 characters", "sendMessage", {"chat_id": 1001, "text": "ж" * 4097}, 400,
     "Bad Request: message is too long"),
    ("text 4097 after parsing", "sendMessage",
     {"chat_id": 1001, "text": "<b>" + "a" * 4097 + "</b>", "parse_mode": "HTML"}, 400,
     "Bad Request: message is too long"),
    ("raw text over 32768 bytes", "sendMessage",
     {"chat_id": 1001, "text": "<i></i>" * 4700, "parse_mode": "HTML"}, 400,
     "Bad Request: text is too long"),
    # HTML parse mode (offsets in bytes)
    ("unsupported tag", "sendMessage",
     {"chat_id": 1001, "text": "Hello there <script>x</script>", "parse_mode": "HTML"}, 400,
     "Bad Request: can't parse entities: Unsupported start tag \"script\" at byte offset 12"),
    ("tag offset counts bytes", "sendMessage",
     {"chat_id": 1001, "text": "Сәлем <br>", "parse_mode": "HTML"}, 400,
     "Bad Request: can't parse entities: Unsupported start tag \"br\" at byte offset 11"),
    ("bare less-than", "sendMessage",
     {"chat_id": 1001, "text": "1 < 2", "parse_mode": "HTML"}, 400,
     "Bad Request: can't parse entities: Unsupported start tag \"\" at byte offset 2"),
    ("unclosed start tag", "sendMessage",
     {"chat_id": 1001, "text": "x <b", "parse_mode": "HTML"}, 400,
     "Bad Request: can't parse entities: Unclosed start tag at byte offset 2"),
    ("unexpected end tag", "sendMessage",
     {"chat_id": 1001, "text": "ok</b>", "parse_mode": "HTML"}, 400,
     "Bad Request: can't parse entities: Unexpected end tag at byte offset 2"),
    ("unmatched end tag", "sendMessage",
     {"chat_id": 1001, "text": "<i><a href=\"https://t.me\">x</i>", "parse_mode": "HTML"}, 400,
     "Bad Request: can't parse entities: Unmatched end tag at byte offset 27, expected "
     "\"</a>\", found \"</i>\""),
    ("missing end tag", "sendMessage",
     {"chat_id": 1001, "text": "<b>bold", "parse_mode": "HTML"}, 400,
     "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""),
    ("span without tg-spoiler", "sendMessage",
     {"chat_id": 1001, "text": "<span>x</span>", "parse_mode": "HTML"}, 400,
     "Bad Request: can't parse entities: Tag \"span\" must have class \"tg-spoiler\" at byte "
     "offset 0"),
    ("unsupported parse mode", "sendMessage",
     {"chat_id": 1001, "text": "x", "parse_mode": "Foo"}, 400,
     "Bad Request: unsupported parse_mode"),
    # who the bot may talk to
    ("unknown chat", "sendMessage", {"chat_id": 424242, "text": "x"}, 400,
     "Bad Request: chat not found"),
    ("never seen user", "sendMessage", {"chat_id": 1002, "text": "x"}, 400,
     "Bad Request: chat not found"),
    ("user never wrote", "sendMessage", {"chat_id": 1003, "text": "x"}, 403,
     "Forbidden: bot can't initiate conversation with a user"),
    ("user blocked the bot", "sendMessage", {"chat_id": 1004, "text": "x"}, 403,
     "Forbidden: bot was blocked by the user"),
    ("blocked: chat action", "sendChatAction", {"chat_id": 1004, "action": "typing"}, 403,
     "Forbidden: bot was blocked by the user"),
    ("kicked from supergroup", "sendMessage", {"chat_id": -1003, "text": "x"}, 403,
     "Forbidden: bot was kicked from the supergroup chat"),
    ("kicked from group", "sendMessage", {"chat_id": -1006, "text": "x"}, 403,
     "Forbidden: bot was kicked from the group chat"),
    ("group upgraded", "sendMessage", {"chat_id": -1004, "text": "x"}, 400,
     "Bad Request: group chat was upgraded to a supergroup chat"),
    # replies and threads
    ("reply to missing message", "sendMessage",
     {"chat_id": 1001, "text": "x", "reply_to_message_id": 999}, 400,
     "Bad Request: message to be replied not found"),
    ("reply_parameters to missing", "sendMessage",
     {"chat_id": 1001, "text": "x", "reply_parameters": {"message_id": 999}}, 400,
     "Bad Request: message to be replied not found"),
    ("reply_parameters bad JSON", "sendMessage",
     {"chat_id": 1001, "text": "x", "reply_parameters": "{"}, 400,
     "Bad Request: can't parse reply parameters JSON object"),
    ("unknown thread", "sendMessage",
     {"chat_id": -1001, "text": "x", "message_thread_id": 999}, 400,
     "Bad Request: message thread not found"),
    ("closed topic", "sendMessage",
     {"chat_id": -1001, "text": "x", "message_thread_id": "{closed_topic_id}"}, 400,
     "Bad Request: TOPIC_CLOSED"),
    # reply markup
    ("markup bad JSON", "sendMessage", {"chat_id": 1001, "text": "x", "reply_markup": "["}, 400,
     "Bad Request: can't parse reply keyboard markup JSON object"),
    ("markup not an object", "sendMessage",
     {"chat_id": 1001, "text": "x", "reply_markup": "[]"}, 400,
     "Bad Request: object expected as reply markup"),
    ("text button inline", "sendMessage",
     {"chat_id": 1001, "text": "x", "reply_markup": _markup({"text": "a"})}, 400,
     "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the "
     "inline keyboard"),
    ("callback_data 65 bytes", "sendMessage",
     {"chat_id": 1001, "text": "x", "reply_markup": _cb("d" * 65)}, 400,
     "Bad Request: BUTTON_DATA_INVALID"),
    ("callback_data counts bytes", "sendMessage",
     {"chat_id": 1001, "text": "x", "reply_markup": _cb("ә" * 33)}, 400,
     "Bad Request: BUTTON_DATA_INVALID"),
    ("tel: URL button", "sendMessage",
     {"chat_id": 1001, "text": "x",
      "reply_markup": _markup({"text": "Call", "url": "tel:+77011234567"})}, 400,
     "Bad Request: inline keyboard button URL 'tel:+77011234567' is invalid: Wrong port number "
     "specified in the URL"),
    ("tel: digits URL button", "sendMessage",
     {"chat_id": 1001, "text": "x", "reply_markup": _markup({"text": "Call", "url": "tel:102"})},
     400, "Bad Request: inline keyboard button URL 'tel:102' is invalid: Wrong HTTP URL"),
    ("mailto: URL button", "sendMessage",
     {"chat_id": 1001, "text": "x",
      "reply_markup": _markup({"text": "Mail", "url": "mailto:a@police.kz"})}, 400,
     "Bad Request: BUTTON_URL_INVALID"),
    ("101 buttons", "sendMessage",
     {"chat_id": 1001, "text": "x",
      "reply_markup": json.dumps({INLINE: [[{"text": f"{r}.{c}", "callback_data": f"{r}.{c}"}
                                            for c in range(10)] for r in range(11)]})}, 400,
     "Bad Request: reply markup is too long"),
    ("web_app button in group", "sendMessage",
     {"chat_id": -1001, "text": "x",
      "reply_markup": _markup({"text": "Console", "web_app": {"url": "https://example.kz/c"}})},
     400, "Bad Request: BUTTON_TYPE_INVALID"),
    ("contact button in group", "sendMessage",
     {"chat_id": -1001, "text": "x",
      "reply_markup": {"keyboard": [[{"text": "Phone", "request_contact": True}]]}}, 400,
     "Bad Request: phone number can be requested in private chats only"),
    # captions
    ("photo missing", "sendPhoto", {"chat_id": 1001}, 400,
     "Bad Request: there is no photo in the request"),
    ("caption 1025 characters", "sendPhoto",
     {"chat_id": 1001, "photo": "AgACAgIAAx0", "caption": "ж" * 1025}, 400,
     "Bad Request: message caption is too long"),
    ("caption HTML", "sendPhoto",
     {"chat_id": 1001, "photo": "AgACAgIAAx0", "caption": "<p>x</p>", "parse_mode": "HTML"},
     400, "Bad Request: can't parse entities: Unsupported start tag \"p\" at byte offset 0"),
    # editing
    ("edit identical", "editMessageText", {"chat_id": 1001, "message_id": "{bot_text_id}",
                                           "text": "hello"}, 400,
     "Bad Request: message is not modified: specified new message content and reply markup "
     "are exactly the same as a current content and reply markup of the message"),
    ("edit missing message", "editMessageText",
     {"chat_id": 1001, "message_id": 999, "text": "y"}, 400,
     "Bad Request: message to edit not found"),
    ("edit without ids", "editMessageText", {"text": "y"}, 400,
     "Bad Request: message identifier is not specified"),
    ("edit a user's message", "editMessageText",
     {"chat_id": 1001, "message_id": "{user_text_id}", "text": "y"}, 400,
     "Bad Request: message can't be edited"),
    ("edit text of a photo", "editMessageText",
     {"chat_id": 1001, "message_id": "{bot_photo_id}", "text": "y"}, 400,
     "Bad Request: there is no text in the message to edit"),
    ("edit caption of a text", "editMessageCaption",
     {"chat_id": 1001, "message_id": "{bot_text_id}", "caption": "y"}, 400,
     "Bad Request: there is no caption in the message to edit"),
    ("edit to reply keyboard", "editMessageReplyMarkup",
     {"chat_id": 1001, "message_id": "{bot_text_id}", "reply_markup": {"keyboard": [["a"]]}},
     400, "Bad Request: inline keyboard expected"),
    ("edit markup identical", "editMessageReplyMarkup",
     {"chat_id": 1001, "message_id": "{bot_text_id}"}, 400,
     "Bad Request: message is not modified: specified new message content and reply markup "
     "are exactly the same as a current content and reply markup of the message"),
    # deleting
    ("delete missing message", "deleteMessage", {"chat_id": 1001, "message_id": 999}, 400,
     "Bad Request: message to delete not found"),
    ("delete without chat", "deleteMessage", {"message_id": 1}, 400,
     "Bad Request: chat identifier is not specified"),
    ("delete without id", "deleteMessage", {"chat_id": 1001}, 400,
     "Bad Request: message identifier is not specified"),
    # copy and forward
    ("copy without source", "copyMessage", {"chat_id": 1001, "message_id": 1}, 400,
     "Bad Request: parameter \"from_chat_id\" is required"),
    ("copy missing message", "copyMessage",
     {"chat_id": 1001, "from_chat_id": 1001, "message_id": 999}, 400,
     "Bad Request: message to copy not found"),
    ("forward missing message", "forwardMessage",
     {"chat_id": 1001, "from_chat_id": 1001, "message_id": 999}, 400,
     "Bad Request: message to forward not found"),
    # location, contact, actions, albums
    ("latitude missing", "sendLocation", {"chat_id": 1001, "longitude": 69.6}, 400,
     "Bad Request: latitude is empty"),
    ("longitude missing", "sendLocation", {"chat_id": 1001, "latitude": 43.3}, 400,
     "Bad Request: longitude is empty"),
    ("latitude over 90", "sendLocation", {"chat_id": 1001, "latitude": 90.5, "longitude": 1},
     400, "Bad Request: wrong location specified"),
    ("longitude over 180", "sendLocation",
     {"chat_id": 1001, "latitude": 1, "longitude": -180.1}, 400,
     "Bad Request: wrong location specified"),
    ("location not finite", "sendLocation",
     {"chat_id": 1001, "latitude": "nan", "longitude": 1}, 400,
     "Bad Request: wrong location specified"),
    ("live period 30 s", "sendLocation",
     {"chat_id": 1001, "latitude": 1, "longitude": 1, "live_period": 30}, 400,
     "Bad Request: wrong live location period specified"),
    ("contact without phone", "sendContact", {"chat_id": 1001, "first_name": "A"}, 400,
     "Bad Request: parameter \"phone_number\" is required"),
    ("unknown chat action", "sendChatAction", {"chat_id": 1001, "action": "dancing"}, 400,
     "Bad Request: wrong parameter action in request"),
    ("album without media", "sendMediaGroup", {"chat_id": 1001}, 400,
     "Bad Request: parameter \"media\" is required"),
    ("album of 11", "sendMediaGroup",
     {"chat_id": 1001, "media": [{"type": "photo", "media": f"AgA{i}"} for i in range(11)]},
     400, "Bad Request: too many messages to send as an album"),
    # callback queries
    ("unknown callback query", "answerCallbackQuery", {"callback_query_id": "42"}, 400,
     "Bad Request: query is too old and response timeout expired or query ID is invalid"),
    # commands
    ("101 commands", "setMyCommands",
     {"commands": [{"command": f"c{i}", "description": "d"} for i in range(101)]}, 400,
     "Bad Request: BOT_COMMANDS_TOO_MUCH"),
    ("command upper case", "setMyCommands",
     {"commands": [{"command": "Start", "description": "d"}]}, 400,
     "Bad Request: BOT_COMMAND_INVALID"),
    ("command with hyphen", "setMyCommands",
     {"commands": [{"command": "my-cases", "description": "d"}]}, 400,
     "Bad Request: BOT_COMMAND_INVALID"),
    ("command 33 characters", "setMyCommands",
     {"commands": [{"command": "c" * 33, "description": "d"}]}, 400,
     "Bad Request: command length must not exceed 32"),
    ("command empty", "setMyCommands", {"commands": [{"command": "/", "description": "d"}]},
     400, "Bad Request: command must be non-empty"),
    ("description empty", "setMyCommands",
     {"commands": [{"command": "start", "description": " "}]}, 400,
     "Bad Request: command description must be non-empty"),
    ("description 257", "setMyCommands",
     {"commands": [{"command": "start", "description": "д" * 257}]}, 400,
     "Bad Request: command description length must not exceed 256"),
    ("commands bad JSON", "setMyCommands", {"commands": "[{"}, 400,
     "Bad Request: can't parse commands JSON object"),
    ("scope of unknown type", "setMyCommands", {"commands": [], "scope": {"type": "everyone"}},
     400, "Bad Request: can't parse BotCommandScope: Unsupported type specified"),
    ("scope of unknown chat", "setMyCommands",
     {"commands": [], "scope": {"type": "chat", "chat_id": 424242}}, 400,
     "Bad Request: chat not found"),
    ("language code of 3 letters", "setMyCommands",
     {"commands": [{"command": "start", "description": "d"}], "language_code": "kaz"}, 400,
     "Bad Request: invalid language code specified"),
    # chats, members, topics, webhook
    ("member without user_id", "getChatMember", {"chat_id": -1001}, 400,
     "Bad Request: invalid user_id specified"),
    ("admins of a private chat", "getChatAdministrators", {"chat_id": 1001}, 400,
     "Bad Request: there are no administrators in the private chat"),
    ("topic in a plain group", "createForumTopic", {"chat_id": -1002, "name": "x"}, 400,
     "Bad Request: the chat is not a forum"),
    ("topic without name", "createForumTopic", {"chat_id": -1001, "name": "  "}, 400,
     "Bad Request: title must be non-empty"),
    ("topic, bot not admin", "createForumTopic", {"chat_id": -1007, "name": "x"}, 400,
     "Bad Request: not enough rights to create a topic"),
    ("webhook over http", "setWebhook", {"url": "http://bot.example.kz/hook"}, 400,
     "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"),
]
# fmt: on


def _fill(value: Any, world: World) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        name = value[1:-1]
        if hasattr(world, name):
            return getattr(world, name)
    return value


@pytest.mark.parametrize(
    ("method", "params", "status", "description"),
    [row[1:] for row in RULES],
    ids=[row[0] for row in RULES],
)
async def test_rule(
    world: World,
    call: Call,
    method: str,
    params: dict[str, Any],
    status: int,
    description: str,
) -> None:
    filled = {key: _fill(value, world) for key, value in params.items()}
    got_status, body = await call(method, **filled)
    assert (got_status, body.get("description")) == (status, description), body
    assert body["ok"] is False
    assert body["error_code"] == status
    refusal = world.fake.refusals[-1]
    assert (refusal.method, refusal.error_code, refusal.description) == (
        method,
        status,
        description,
    )


async def test_upgraded_group_tells_the_new_id(world: World, call: Call) -> None:
    status, body = await call("sendMessage", chat_id=-1004, text="x")
    assert status == 400
    assert body["parameters"] == {"migrate_to_chat_id": -1005}


async def test_4096_emoji_are_4096_characters(world: World, call: Call) -> None:
    # 4096 code points are allowed although they are 8192 UTF-16 units.
    status, body = await call("sendMessage", chat_id=1001, text="😀" * 4096)
    assert status == 200, body
    assert len(body["result"]["text"]) == 4096


async def test_html_text_is_plain_after_parsing(world: World, call: Call) -> None:
    text = '<b>Сәлем</b> &lt;дос&gt; <a href="https://police.kz">сайт</a> 😀<i>x</i>'
    status, body = await call("sendMessage", chat_id=1001, text=text, parse_mode="html")
    assert status == 200, body
    result = body["result"]
    assert result["text"] == "Сәлем <дос> сайт 😀x"
    assert result["entities"] == [
        {"type": "bold", "offset": 0, "length": 5},
        {"type": "text_link", "offset": 12, "length": 4, "url": "https://police.kz/"},
        {"type": "italic", "offset": 19, "length": 1},
    ]
    message = world.user.messages[-1]
    assert (message.text, message.html) == (result["text"], text)


async def test_text_is_trimmed_like_tdlib(world: World, call: Call) -> None:
    status, body = await call("sendMessage", chat_id=1001, text="\n  hi there \n")
    assert status == 200
    assert body["result"]["text"] == "hi there"


async def test_reply_without_target_when_allowed(world: World, call: Call) -> None:
    status, body = await call(
        "sendMessage",
        chat_id=1001,
        text="x",
        reply_parameters={"message_id": 999, "allow_sending_without_reply": True},
    )
    assert status == 200, body
    assert "reply_to_message" not in body["result"]


async def test_url_buttons_are_normalised(world: World, call: Call) -> None:
    markup = _markup(
        {"text": "Site", "url": "police.kz"}, {"text": "Bot", "url": "tg://resolve?domain=x"}
    )
    status, body = await call("sendMessage", chat_id=1001, text="x", reply_markup=markup)
    assert status == 200, body
    urls = [b["url"] for b in body["result"]["reply_markup"][INLINE][0]]
    assert urls == ["http://police.kz/", "tg://resolve?domain=x"]


async def test_a_web_app_button_goes_to_a_private_chat(world: World, call: Call) -> None:
    markup = _markup({"text": "Console", "web_app": {"url": "https://example.kz/c"}})
    status, body = await call("sendMessage", chat_id=1001, text="x", reply_markup=markup)
    assert status == 200, body
    assert body["result"]["reply_markup"][INLINE][0][0]["web_app"] == {
        "url": "https://example.kz/c"
    }


async def test_a_menu_button_per_private_chat(world: World, call: Call) -> None:
    """setChatMenuButton: the console for one staff member, the default for the others; a
    group has no menu button; a web_app one needs a text and an HTTPS link."""
    _, body = await call("getChatMenuButton", chat_id=1001)
    assert body["result"] == {"type": "default"}
    console = {"type": "web_app", "text": "🗂 Console", "web_app": {"url": "https://c.kz/m"}}
    status, body = await call("setChatMenuButton", chat_id=1001, menu_button=json.dumps(console))
    assert status == 200, body
    _, body = await call("getChatMenuButton", chat_id=1001)
    assert body["result"] == console
    assert world.fake.menu_buttons == {1001: console}
    plain = {"type": "web_app", "text": "x", "web_app": {"url": "http://c.kz/m"}}
    status, _ = await call("setChatMenuButton", chat_id=1001, menu_button=json.dumps(plain))
    assert status == 400
    status, _ = await call("setChatMenuButton", chat_id=-1001, menu_button=json.dumps(console))
    assert status == 400
    await call("setChatMenuButton", chat_id=1001)  # no button: back to the default
    _, body = await call("getChatMenuButton", chat_id=1001)
    assert body["result"] == {"type": "default"}


async def test_long_rows_are_cut_at_12_buttons(world: World, call: Call) -> None:
    row = [{"text": str(i), "callback_data": str(i)} for i in range(14)]
    status, body = await call("sendMessage", chat_id=1001, text="x", reply_markup={INLINE: [row]})
    assert status == 200, body
    assert len(body["result"]["reply_markup"][INLINE][0]) == 12


async def test_delete_window_is_48_hours(world: World, call: Call) -> None:
    status, body = await call("sendMessage", chat_id=1001, text="old")
    old_id = body["result"]["message_id"]
    world.fake.advance(48 * 3600 + 1)
    status, body = await call("deleteMessage", chat_id=1001, message_id=old_id)
    assert (status, body["description"]) == (400, "Bad Request: message can't be deleted")
    status, body = await call("sendMessage", chat_id=1001, text="new")
    new_id = body["result"]["message_id"]
    status, body = await call("deleteMessage", chat_id=1001, message_id=new_id)
    assert (status, body["result"]) == (200, True)
    assert world.user.messages[-1].deleted


async def test_plain_member_cannot_delete_others(fake: FakeTelegram, call: Call) -> None:
    group = fake.group(-1002, "Plain", bot_is_admin=False)
    user = fake.user(7, "U")
    message = await group.send(user, "hello")
    status, body = await call("deleteMessage", chat_id=-1002, message_id=message["message_id"])
    assert (status, body["description"]) == (400, "Bad Request: message can't be deleted")


async def test_callback_query_expires_after_15_seconds(world: World, call: Call) -> None:
    status, body = await call(
        "sendMessage",
        chat_id=1001,
        text="x",
        reply_markup=_markup({"text": "A", "callback_data": "a"}),
    )
    message = world.user.messages[-1]
    fresh = await world.user.press(message, data="a")
    stale = await world.user.press(message, text="A")
    status, body = await call("answerCallbackQuery", callback_query_id=fresh, text="д" * 201)
    assert (status, body["description"]) == (400, "Bad Request: MESSAGE_TOO_LONG")
    status, body = await call("answerCallbackQuery", callback_query_id=fresh, text="ok")
    assert status == 200
    status, body = await call("answerCallbackQuery", callback_query_id=fresh)
    assert body["description"].startswith("Bad Request: query is too old")
    world.fake.advance(16)
    status, body = await call("answerCallbackQuery", callback_query_id=stale)
    assert body["description"].startswith("Bad Request: query is too old")


async def test_commands_per_scope_and_language(world: World, call: Call) -> None:
    commands = [{"command": "/start ", "description": " Бастау "}]
    status, _ = await call("setMyCommands", commands=commands, language_code="kk")
    assert status == 200
    scope = {"type": "chat", "chat_id": -1001}
    await call("setMyCommands", commands=[{"command": "chatid", "description": "id"}], scope=scope)
    fake = world.fake
    assert fake.commands(language_code="kk") == [{"command": "start", "description": "Бастау"}]
    assert fake.commands() == []
    assert fake.commands(scope=scope) == [{"command": "chatid", "description": "id"}]
    status, body = await call("getMyCommands", scope=scope)
    assert body["result"] == [{"command": "chatid", "description": "id"}]
    await call("deleteMyCommands", scope=scope)
    assert fake.commands(scope=scope) == []


async def test_descriptions(world: World, call: Call) -> None:
    await call("setMyDescription", description="Полиция", language_code="ru")
    await call("setMyShortDescription", short_description="Short")
    assert world.fake.descriptions == {"ru": "Полиция"}
    assert world.fake.short_descriptions == {"": "Short"}
    _, body = await call("getMyDescription", language_code="ru")
    assert body["result"] == {"description": "Полиция"}


async def test_topic_messages_reply_to_the_topic_start(world: World, call: Call) -> None:
    status, body = await call(
        "sendMessage", chat_id=-1001, text="x", message_thread_id=world.topic_id
    )
    assert status == 200, body
    result = body["result"]
    assert result["message_thread_id"] == world.topic_id
    assert result["is_topic_message"] is True
    assert result["reply_to_message"]["forum_topic_created"]["name"] == "Case"


async def test_topic_creation_is_rate_limited(call: Call) -> None:
    server = FakeTelegram(TOKEN, time_scale=1.0)
    server.group(-77, "F", forum=True)
    async with server, aiohttp.ClientSession() as session:
        statuses = []
        for i in range(21):
            url = f"{server.url}/bot{TOKEN}/createForumTopic"
            async with session.post(url, json={"chat_id": -77, "name": f"t{i}"}) as response:
                statuses.append(response.status)
                body = await response.json()
        assert statuses == [200] * 20 + [429]
        assert body["parameters"]["retry_after"] >= 59


async def test_injected_failures_are_not_refusals(world: World, call: Call) -> None:
    world.fake.fail_next("sendMessage", error_code=502, description="Bad Gateway")
    status, body = await call("sendMessage", chat_id=1001, text="x")
    assert (status, body["description"]) == (502, "Bad Gateway")
    assert world.fake.refusals == []
    assert world.fake.calls_of("sendMessage")[-1].ok is False


# --- aiogram sees the right exception classes ----------------------------------------------------


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.url))
    bot = Bot(TOKEN, session=session)
    yield bot
    await session.close()


async def test_aiogram_exception_classes(fake: FakeTelegram, bot: Bot) -> None:
    user = fake.user(5, "U")
    await user.send("/start")
    with pytest.raises(TelegramBadRequest, match="text must be non-empty"):
        await bot.send_message(5, " ")
    user.block()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(5, "x")
    fake.fail_next("getMe", error_code=429, retry_after=3)
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.get_me()
    assert retry.value.retry_after == 3
    fake.fail_next("getMe", error_code=502, description="Bad Gateway")
    with pytest.raises(TelegramServerError):
        await bot.get_me()
    with pytest.raises(TelegramNotFound, match="method not found"):
        await bot.get_user_profile_photos(5)
    await bot.set_webhook("https://bot.example.kz/hook")
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    basic = fake.group(-9, "B", supergroup=False)
    await basic.migrate_to_supergroup(-100009)
    with pytest.raises(TelegramMigrateToChat) as migrated:
        await bot.send_message(-9, "x")
    assert migrated.value.migrate_to_chat_id == -100009
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.url))
    wrong = Bot("123456:WRONG", session=session)
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await wrong.get_me()
    finally:
        await session.close()
