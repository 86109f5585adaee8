"""FakeTelegram: an aiohttp server speaking the Bot API, strict about Telegram's rules."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from aiohttp import web

from ..timeouts import describe, scaled
from .actions import WorldActions
from .errors import ApiError, TelegramRefusal, bas_description
from .methods import METHODS, BotApiMethods, Described
from .ratelimit import RateLimiter, RateLimits
from .rules import scope_key
from .webhook import WebhookPusher
from .world import FakeGroup, FakeUser

ALL_UPDATE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
)
DEFAULT_UPDATE_TYPES = frozenset(ALL_UPDATE_TYPES) - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}
LONG_POLL_MAX_TIMEOUT = 50


class ApiCall(NamedTuple):
    """One request the fake answered."""

    method: str
    params: dict[str, str]
    ok: bool
    error: str | None
    time: float


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    name: str
    filename: str
    data: bytes


@dataclass
class _Injection:
    error_code: int | None
    description: str | None
    retry_after: int | None
    delay: float | None
    parameters: dict[str, Any] | None
    times: int
    #: the connection is dropped with no answer: before the call ("before") or after it
    #: took effect ("after": the message is in the chat, the bot cannot know)
    reset: str | None = None


class _ConnectionReset(Exception):
    """Drop the client's connection without an answer."""


@dataclass
class RefusalExpectation:
    """Refusals whose description contains ``description`` are expected while it is active."""

    description: str
    matched: list[TelegramRefusal] = field(default_factory=list)


@dataclass
class _LongPoll:
    offset: int
    limit: int
    timeout: int
    request: web.Request | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    conflict: str | None = None

    def client_gone(self) -> bool:
        """The client closed the connection (a bot that stopped polling)."""
        if self.request is None:
            return False
        transport = self.request.transport
        return transport is None or transport.is_closing()


_REQUEST: contextvars.ContextVar[web.Request | None] = contextvars.ContextVar(
    "fake_telegram_request", default=None
)


def _token_is_malformed(token: str) -> bool:
    """telegram-bot-api ClientManager::send: tokens refused before any lookup."""
    if not token or token[0] == "0" or len(token) > 80 or "/" in token or ":" not in token:
        return True
    prefix = token.split(":", 1)[0]
    return not prefix.isdigit() or not 0 < int(prefix) < (1 << 54)


class FakeTelegram(BotApiMethods, WorldActions):
    """A strict fake Telegram Bot API server (aiohttp on 127.0.0.1, random port)."""

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_username: str = "sakshy_test_bot",
        bot_first_name: str = "Sakshy",
        time_scale: float = 1.0,
        rate_limits: bool | RateLimits = True,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.time_scale = time_scale
        self._epoch = time.time()
        self._mono0 = time.monotonic()
        self._offset = 0.0
        limits = rate_limits if isinstance(rate_limits, RateLimits) else None
        self.limiter = RateLimiter(
            self.now, time_scale=time_scale, enabled=bool(rate_limits), limits=limits
        )
        self.users: dict[int, FakeUser] = {}
        self.groups: dict[int, FakeGroup] = {}
        self.calls: list[ApiCall] = []
        self.refusals: list[TelegramRefusal] = []
        self.descriptions: dict[str, str] = {}
        #: setChatMenuButton: per private chat (0: the bot's default for every chat)
        self.menu_buttons: dict[int, dict[str, Any]] = {}
        self.short_descriptions: dict[str, str] = {}
        self.poll_count = 0
        #: getUpdates requests received (counted on arrival: a bot that started polling)
        self.poll_requests = 0
        #: Bot API requests of any method received (counted on arrival: a bot that is up)
        self.requests_received = 0
        #: messages the bot sent, in every chat (each BotMessage.seq is its place in this count)
        self.bot_messages_sent = 0
        #: (chat_id, message_id) -> emoji the bot set with setMessageReaction
        self.reactions: dict[tuple[int, int], list[str]] = {}
        self.first_poll_at: float | None = None
        self.webhook_url = ""
        #: the push side: ``webhook.route(public, local)`` plays the bot's TLS proxy
        self.webhook = WebhookPusher(self)
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._long_poll: _LongPoll | None = None
        self._injections: dict[str, list[_Injection]] = {}
        self._expectations: list[RefusalExpectation] = []
        self._allowances: list[RefusalExpectation] = []
        self._commands: dict[tuple[tuple[str, ...], str], list[dict[str, str]]] = {}
        self._state_event = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._init_world()

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Serve on 127.0.0.1 on a free port."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_file)
        # A client that disconnects cancels its handler, so an abandoned long poll goes away.
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=1.0, handler_cancellation=True
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Answer pending long polls and stop serving."""
        self._closing = True
        if self._long_poll is not None:
            self._long_poll.wake.set()
        await self.webhook.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """Base URL for ``TelegramAPIServer.from_base``."""
        return f"http://127.0.0.1:{self._port}"

    # --- time ----------------------------------------------------------------------------------

    def now(self) -> float:
        """The fake's clock (Unix time): real time plus everything passed to ``advance``."""
        return self._epoch + (time.monotonic() - self._mono0) + self._offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward (ages messages, callback queries and rate windows)."""
        self._offset += seconds
        self._notify()

    # --- waiting -------------------------------------------------------------------------------

    def _notify(self) -> None:
        event = self._state_event
        self._state_event = asyncio.Event()
        event.set()

    async def _wait_change(self, seconds: float) -> None:
        event = self._state_event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)

    async def wait_for(
        self,
        predicate: Callable[[], object],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """Wait until ``predicate()`` is true; re-checked on every change of the fake's state.
        ``timeout`` is multiplied by ``SAKSHY_TEST_TIMEOUT_SCALE`` (bot.testing.timeouts)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + scaled(timeout)
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"condition not met within {describe(timeout)}: {predicate!r}")
            await self._wait_change(min(remaining, 0.1))

    # --- world ---------------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "User",
        language_code: str | None = None,
        username: str | None = None,
        last_name: str | None = None,
        *,
        phone_number: str | None = None,
        seen_by_bot: bool = False,
    ) -> FakeUser:
        """The user with this id (created on first use)."""
        user = self.users.get(user_id)
        if user is None:
            user = FakeUser(
                self,
                user_id,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
                phone_number=phone_number,
            )
            self.users[user_id] = user
        user.seen_by_bot = user.seen_by_bot or seen_by_bot
        return user

    def group(
        self,
        chat_id: int,
        title: str = "Group",
        *,
        forum: bool = False,
        bot_is_admin: bool = True,
        privacy_mode: bool = True,
        supergroup: bool = True,
    ) -> FakeGroup:
        """The group with this id (created on first use)."""
        group = self.groups.get(chat_id)
        if group is None:
            group = FakeGroup(
                self,
                chat_id,
                title=title,
                forum=forum,
                bot_is_admin=bot_is_admin,
                privacy_mode=privacy_mode,
                supergroup=supergroup,
            )
            self.groups[chat_id] = group
        return group

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot as a Bot API ``User``."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    # --- inspection ----------------------------------------------------------------------------

    def file_data(self, file_id: str) -> bytes | None:
        """The bytes the bot uploaded as `file_id` (a photo or document it sent)."""
        record = self._files.get(file_id)
        return None if record is None else record.get("data")

    def calls_of(self, method: str) -> list[ApiCall]:
        """Calls of one method (case-insensitive)."""
        wanted = method.lower()
        return [call for call in self.calls if call.method.lower() == wanted]

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str | None = None
    ) -> list[dict[str, str]]:
        """What setMyCommands stored for a scope (default scope when None) and language."""
        key = ("default",) if scope is None else scope_key(scope)
        return list(self._commands.get((key, language_code or ""), []))

    @property
    def pending_updates(self) -> int:
        """Updates the bot has not confirmed yet."""
        return len(self._updates)

    @property
    def updates(self) -> list[dict[str, Any]]:
        """The unconfirmed updates (copies)."""
        return [dict(update) for update in self._updates]

    # --- failure injection and refusals --------------------------------------------------------

    def fail_next(
        self,
        method: str,
        error_code: int | None = None,
        *,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        delay: float | None = None,
        parameters: dict[str, Any] | None = None,
        reset: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (or hang ``delay`` seconds first).

        ``reset="before"`` drops the connection before the call does anything;
        ``reset="after"`` lets the call take effect, then drops it (the answer is lost)."""
        assert reset in (None, "before", "after")
        self._injections.setdefault(method.lower(), []).append(
            _Injection(error_code, description, retry_after, delay, parameters, times, reset)
        )

    def injections_left(self, method: str) -> int:
        """Calls of ``method`` still to be failed by ``fail_next`` (0: all have been made)."""
        return sum(injection.times for injection in self._injections.get(method.lower(), []))

    @contextlib.contextmanager
    def expect_refusal(self, description: str) -> Iterator[RefusalExpectation]:
        """Refusals containing ``description`` produced inside the block count as expected."""
        expectation = RefusalExpectation(description)
        self._expectations.append(expectation)
        try:
            yield expectation
        finally:
            self._expectations.remove(expectation)

    def allow_refusal(self, description: str) -> RefusalExpectation:
        """From now on, refusals containing ``description`` count as expected."""
        allowance = RefusalExpectation(description)
        self._allowances.append(allowance)
        for refusal in self.refusals:
            if not refusal.expected and description in refusal.description:
                refusal.expected = True
                allowance.matched.append(refusal)
        return allowance

    @property
    def unexpected_refusals(self) -> list[TelegramRefusal]:
        """Refusals nobody expected."""
        return [refusal for refusal in self.refusals if not refusal.expected]

    def assert_no_unexpected_refusals(self) -> None:
        """Fail listing every refusal that was not expected (call it at test teardown)."""
        unexpected = self.unexpected_refusals
        if unexpected:
            lines = "\n".join(f"  - {refusal}" for refusal in unexpected)
            raise AssertionError(
                f"the bot broke Telegram's rules {len(unexpected)} time(s):\n{lines}"
            )

    def _record_refusal(self, method: str, params: dict[str, str], error: ApiError) -> None:
        refusal = TelegramRefusal(
            method,
            dict(params),
            error.error_code,
            error.description,
            self.now(),
            parameters=dict(error.parameters),
        )
        for expectation in [*self._expectations, *self._allowances]:
            if expectation.description in refusal.description:
                refusal.expected = True
                expectation.matched.append(refusal)
        self.refusals.append(refusal)

    def _take_injection(self, method: str) -> _Injection | None:
        queue = self._injections.get(method)
        if not queue:
            return None
        injection = queue[0]
        injection.times -= 1
        if injection.times <= 0:
            queue.pop(0)
        return injection

    # --- HTTP ----------------------------------------------------------------------------------

    async def _read_params(self, request: web.Request) -> tuple[dict[str, str], dict[str, Any]]:
        params: dict[str, str] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.method == "POST" and request.body_exists:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    body = {}
                if isinstance(body, dict):
                    for key, value in body.items():
                        if value is None:
                            continue
                        params[key] = value if isinstance(value, str) else json.dumps(value)
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = UploadedFile(key, value.filename, value.file.read())
                    else:
                        params[key] = str(value)
        return params, files

    def _respond(self, error: ApiError) -> web.Response:
        headers = {}
        if error.error_code == 429 and "retry_after" in error.parameters:
            headers["Retry-After"] = str(error.parameters["retry_after"])
        return web.json_response(error.body(), status=error.error_code, headers=headers)

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        params, files = await self._read_params(request)
        if not method:
            method = params.get("method", "")
        _REQUEST.set(request)
        work: asyncio.Future[tuple[Any, str | None]] = asyncio.ensure_future(
            self._dispatch(token, method, params, files)
        )
        if method.lower() != "getupdates":
            # Other calls finish even if the client gives up (Telegram may still deliver).
            work.add_done_callback(_consume_outcome)
            work = asyncio.shield(work)
        try:
            result, description = await work
        except ApiError as error:
            return self._respond(error)
        except _ConnectionReset:
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=500)  # never written: the connection is gone
        body: dict[str, Any] = {"ok": True, "result": result}
        if description:
            body["description"] = description
        return web.json_response(body, dumps=lambda obj: json.dumps(obj, ensure_ascii=False))

    async def _dispatch(
        self, token: str, method: str, params: dict[str, str], files: dict[str, Any]
    ) -> tuple[Any, str | None]:
        name = method.lower()
        self.requests_received += 1
        try:
            if token != self.token:
                if _token_is_malformed(token):
                    raise ApiError(401, "Unauthorized: invalid token specified")
                raise ApiError(401, "Unauthorized")
            handler_name = METHODS.get(name)
            if handler_name is None:
                raise ApiError(404, "Not Found: method not found")
            injection = self._take_injection(name)
            if injection is not None:
                await self._apply_injection(injection)
            handler: Callable[[dict[str, str], dict[str, Any]], Awaitable[Any]]
            handler = getattr(self, handler_name)
            result = await handler(params, files)
            if injection is not None and injection.reset == "after":
                self.calls.append(ApiCall(method, dict(params), True, None, self.now()))
                self._notify()
                raise _ConnectionReset
        except ApiError as error:
            self.calls.append(ApiCall(method, dict(params), False, error.description, self.now()))
            if not error.injected and not error.unanswered:
                self._record_refusal(method, params, error)
            self._notify()
            raise
        self.calls.append(ApiCall(method, dict(params), True, None, self.now()))
        self._notify()
        if isinstance(result, Described):
            return result.value, result.description
        return result, None

    async def _apply_injection(self, injection: _Injection) -> None:
        if injection.delay:
            await asyncio.sleep(injection.delay)
        if injection.reset == "before":
            raise _ConnectionReset
        code = injection.error_code
        if code is None:
            return
        parameters = dict(injection.parameters or {})
        if code == 429:
            seconds = injection.retry_after or 1
            parameters["retry_after"] = seconds
            description = injection.description or f"Too Many Requests: retry after {seconds}"
        else:
            description = injection.description or _default_description(code)
        raise ApiError(code, description, parameters, injected=True)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        data = self._file_contents(request.match_info["path"])
        if data is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(body=data)

    # --- updates -------------------------------------------------------------------------------

    def send_raw_update(self, kind: str, payload: dict[str, Any]) -> int | None:
        """An update of `kind` exactly as given, unchecked: what a newer Bot API might send
        and this aiogram cannot read. Returns its id."""
        return self._enqueue(kind, payload, force=True)

    def _enqueue(self, kind: str, payload: dict[str, Any], *, force: bool = False) -> int | None:
        """Queue an update for the bot (dropped when its type is not allowed, unless ``force``:
        Telegram may still send updates made before allowed_updates changed)."""
        if kind not in self._allowed_updates and not force:
            return None
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, kind: payload})
        if self._long_poll is not None:
            self._long_poll.wake.set()
        self._notify()
        return update_id

    def _set_allowed_updates(self, raw: str) -> None:
        if not raw:
            return
        try:
            value = json.loads(raw)
        except ValueError:
            return
        if not isinstance(value, list):
            return
        kinds = frozenset(item for item in value if isinstance(item, str)) & set(ALL_UPDATE_TYPES)
        self._allowed_updates = kinds or DEFAULT_UPDATE_TYPES

    def _take_updates(self, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
        """TQueue semantics of telegram-bot-api's ``do_get_updates``."""
        if offset < 0:
            keep = -offset
            if len(self._updates) > keep:
                del self._updates[: len(self._updates) - keep]
        head = self._updates[0]["update_id"] if self._updates else self._next_update_id
        if offset <= 0:
            offset = head
        if offset > self._next_update_id:
            offset = head  # "from the future": BAS falls back to the head, confirms nothing
        else:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        return offset, [dict(u) for u in self._updates[:limit]]

    async def _get_updates(self, params: dict[str, str]) -> list[dict[str, Any]]:
        from .rules import td_int

        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        if self.first_poll_at is None:
            self.first_poll_at = asyncio.get_running_loop().time()
        self.poll_requests += 1
        self._notify()
        offset = td_int(params.get("offset", ""))
        limit = min(max(td_int(params.get("limit", "")) if params.get("limit") else 100, 1), 100)
        timeout = min(max(td_int(params.get("timeout", "")), 0), LONG_POLL_MAX_TIMEOUT)
        self._set_allowed_updates(params.get("allowed_updates", ""))
        offset, updates = self._take_updates(offset, limit)
        if updates or timeout == 0 or self._closing:
            self.poll_count += 1
            return updates
        if self._long_poll is not None:
            # telegram-bot-api aborts the poll that was waiting: the older request gets the 409.
            self._long_poll.conflict = (
                "Conflict: terminated by other getUpdates request; make sure that only one bot "
                "instance is running"
            )
            self._long_poll.wake.set()
        poll = _LongPoll(offset, limit, timeout, _REQUEST.get())
        self._long_poll = poll
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(poll.wake.wait(), timeout)
        finally:
            if self._long_poll is poll:
                self._long_poll = None
        if poll.conflict:
            error = ApiError(409, poll.conflict)
            # Nobody hears a 409 sent to a bot that already stopped polling: not a refusal.
            error.unanswered = poll.client_gone()
            raise error
        if self._closing:
            self.poll_count += 1
            return []
        await asyncio.sleep(0)  # let updates produced in the same step be answered together
        _, updates = self._take_updates(poll.offset, poll.limit)
        self.poll_count += 1
        return updates

    def _abort_long_poll_for_webhook(self) -> None:
        if self._long_poll is not None:
            self._long_poll.conflict = "Conflict: terminated by setWebhook request"
            self._long_poll.wake.set()


def _consume_outcome(task: asyncio.Future[Any]) -> None:
    """Retrieve the outcome of a call whose client went away (no "never retrieved" noise)."""
    if not task.cancelled():
        task.exception()


def _default_description(code: int) -> str:
    if code >= 500:
        return "Internal Server Error"
    if code == 404:
        return "Not Found"
    if code == 401:
        return "Unauthorized"
    if code == 409:
        return "Conflict: injected failure"
    return bas_description(code, "injected failure")


__all__ = ["ApiCall", "FakeTelegram", "RefusalExpectation", "UploadedFile"]
