"""The running bot: open the database and build (bot/bootstrap.py), then reach Telegram, replay
the updates a stop cut off, poll or serve the webhook with the background tasks (delivery,
the scheduler, the directory's watch), and shut down in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiohttp import web

from bot.bootstrap import Services, StartupError, build, legal_clock
from bot.config import STAFF_CHAT_MISSING, Settings
from bot.domain.categories import Category, CategoryError, load_categories
from bot.services.clock import utc_now
from bot.services.console import ConsoleService
from bot.services.inbox import Inbox
from bot.services.outbox import DeliveryWorker, Outbox
from bot.services.ratelimit import RateLimiter
from bot.storage.db import Database
from bot.storage.migrations import migrate
from bot.telegram.bot_profile import BotProfile
from bot.telegram.health import HealthServer, listening_address
from bot.telegram.session import REPLAY, InboxSession, feed_raw
from bot.telegram.webhook import WebhookServer
from bot.web.console import Console

__all__ = ["SakshyApp", "Services", "StartupError"]

log = logging.getLogger(__name__)

T = TypeVar("T")


def _log_failure(task: asyncio.Task[None]) -> None:
    """A background task must never die silently."""
    if not task.cancelled() and task.exception() is not None:
        exc = task.exception()
        log.error("background task %s failed: %r", task.get_name(), exc, exc_info=exc)


class SakshyApp:
    """One running bot. Build it, `await open()`, `await run()`; `await stop()` from elsewhere."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utc_now,
        polling_timeout: int = 10,
        request_timeout: float = 30.0,
        time_scale: float = 1.0,
        session_class: Callable[..., InboxSession] = InboxSession,
    ) -> None:
        """`time_scale` speeds up the rate limiter's clock, for a fake Telegram that runs fast;
        `session_class` carries the Bot API requests (the tests' in-process one, or HTTP)."""
        self.session_class = session_class
        self.settings = settings
        self.clock = clock
        self.polling_timeout = polling_timeout
        self.request_timeout = request_timeout
        self.db = Database(settings.database_path)
        self.limiter = RateLimiter(time_scale=time_scale)
        self.time_scale = time_scale
        #: seconds a stop waits for updates that are being handled; then they are cancelled,
        #: which is safe: an update's effects, conversation state and "handled" mark commit
        #: together (bot/storage/unit.py), so a cancelled one is either done or handled again
        #: whole at the next start. Long enough for a request in flight, short enough that a
        #: stop never hangs on a handler waiting for a slow Telegram.
        self.handler_grace = 3.0
        #: seconds between checks for a directory imported by another process
        self.directory_poll = 30.0
        self.outbox = Outbox(clock)
        self.worker: DeliveryWorker | None = None
        self.categories: tuple[Category, ...] = ()
        self.bot: Bot | None = None
        self.dp: Dispatcher | None = None
        self.profile: BotProfile | None = None
        self.inbox = Inbox(self.db, clock)
        self.webhook: WebhookServer | None = None
        #: GET /healthz on HEALTH_PORT (any mode), when set
        self.health_server: HealthServer | None = None
        #: the staff console on WEB_PORT, when set
        self.console_runner: web.AppRunner | None = None
        #: the staff console's pages, when WEB_PORT serves them
        self.console: Console | None = None
        self._background: list[asyncio.Task[None]] = []
        self._stop_requested = asyncio.Event()

    async def open(self) -> None:
        """Connect and migrate the database and build everything; no network yet."""
        await self.db.connect()
        try:
            await migrate(self.db)
            try:
                self.categories = load_categories(self.settings.categories_file)
            except CategoryError as exc:
                raise StartupError(str(exc)) from None
            self.legal = legal_clock(self.settings, self.categories)
            self._build()
            await self.services.referrals.load()
            await self.incidents.purge()
            await self.directory.load()
            self._warn_without_staff()
        except BaseException:
            await self.db.close()
            raise

    def _warn_without_staff(self) -> None:
        if self.settings.staff_chat_id is not None:
            return
        log.warning(
            "%s Residents who try to report are told that reports cannot be accepted yet%s.",
            STAFF_CHAT_MISSING,
            " (except from precincts with a staff chat of their own in the directory)"
            if self.directory.precinct_chats()
            else "",
        )

    def _build(self) -> None:
        wiring = build(
            self.settings,
            self.db,
            self.clock,
            outbox=self.outbox,
            inbox=self.inbox,
            limiter=self.limiter,
            categories=self.categories,
            legal=self.legal,
            request_timeout=self.request_timeout,
            time_scale=self.time_scale,
            refresh_staff_admins=self._refresh_staff_admins,
            session_class=self.session_class,
        )
        services = wiring.services
        self.services = services
        self.bot, self.dp, self.profile = wiring.bot, wiring.dp, wiring.profile
        self.worker, self.hooks, self.scheduler = wiring.worker, wiring.hooks, wiring.scheduler
        self.followups, self.report_followups = wiring.followups, wiring.report_followups
        self.backups = wiring.backups
        self._staff_admins = wiring.staff_admins
        self.users, self.chats, self.directory = services.users, services.chats, services.directory
        self.incidents, self.reports, self.alerts = (
            services.incidents,
            services.reports,
            services.alerts,
        )
        self.helpers, self.duties = services.helpers, services.duties
        self.community, self.community_renderer = services.community, services.community_renderer

    async def run(self) -> None:
        """Poll until `stop()`. Start-up calls to Telegram retry in the background.

        Raises TelegramUnauthorizedError when Telegram refuses the token; an unreachable
        Telegram is waited for (with backoff) instead.
        """
        try:
            await self._serve_health()
            await self._serve_console()
            if await self._reach_telegram():
                await self._replay_inbox()
                if self.settings.webhook_url is not None:
                    await self._serve_webhook()
                else:
                    await self._poll()
        finally:
            await self._shutdown()

    async def _serve_health(self) -> None:
        """From the start: a supervisor also learns when Telegram cannot be reached yet."""
        port = self.settings.health_port
        if port is None:
            return
        host = self.settings.health_host
        server = HealthServer(self.alerts.health, host=host, port=port)
        try:
            await server.start()
        except OSError as exc:
            raise StartupError(
                f"HEALTH_HOST/HEALTH_PORT: cannot listen on {host}:{port} ({exc.strerror or exc})"
            ) from None
        self.health_server = server

    async def _serve_console(self) -> None:
        """The staff console's pages on WEB_PORT (issue 24), from the start."""
        port = self.settings.web_port
        if port is None:
            return
        assert self.bot is not None
        console = Console(
            bot=self.bot,
            token=self.settings.token,
            i18n=self.services.i18n,
            chats=self.chats,
            gate=self.services.staff_gate,
            console=ConsoleService(self.db, self.clock, self.settings.zone),
            desk=self.services.desk,
            reports=self.services.reports,
            referrals=self.services.referrals,
            directory=self.directory,
            renderer=self.services.renderer,
            categories=self.categories,
            clock=self.clock,
            default_locale=self.settings.staff_language,
            auth_max_age=timedelta(hours=self.settings.console_auth_max_age_hours),
            session_hours=self.settings.console_session_hours,
            stats=self.services.stats_service,
            exports=self.services.exports,
            admins=self.services.admins,
            tile_url=self.settings.map_tile_url,
            attribution=self.settings.map_attribution,
        )
        runner = web.AppRunner(console.app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        host = self.settings.web_host
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:
            await runner.cleanup()
            raise StartupError(
                f"WEB_HOST/WEB_PORT: cannot listen on {host}:{port} ({exc.strerror or exc})"
            ) from None
        self.console_runner = runner
        self.console = console
        log.info("staff console listening on http://%s:%s/console/", *listening_address(runner))

    async def _replay_inbox(self) -> None:
        """Updates cut off by the last stop are handled first, in order."""
        assert self.bot is not None and self.dp is not None
        bot, dp = self.bot, self.dp

        async def feed(update: dict[str, Any]) -> None:
            replaying = REPLAY.set(True)
            try:
                await feed_raw(dp, bot, self.inbox, update)
            except Exception:  # recorded by the errors handler when it can be
                log.exception("a replayed update %s failed", update.get("update_id"))
            finally:
                REPLAY.reset(replaying)

        await self.inbox.replay(feed, self._stop_requested.is_set)

    async def _reach_telegram(self) -> bool:
        assert self.bot is not None
        try:
            # bot.me() keeps the answer: aiogram's polling asks for it again, and gets it free
            me = await self._keep_trying("reach Telegram", self.bot.me)
        except (ClientDecodeError, TelegramNotFound) as exc:
            raise StartupError(
                "TELEGRAM_API_URL: the server there does not answer like a Telegram Bot API "
                f"server ({type(exc).__name__}); leave it empty for api.telegram.org"
            ) from None
        if me is None:
            return False  # stopped while waiting
        log.info("connected to Telegram as @%s (id %s)", me.username, me.id)
        await self._learn_staff_group()
        return True

    async def _keep_trying(self, what: str, call: Callable[[], Awaitable[T]]) -> T | None:
        """`call()` until Telegram answers (backing off up to a minute while it is unreachable
        or busy); None if a stop comes first. Other refusals are raised."""
        delay = 1.0
        while not self._stop_requested.is_set():
            try:
                return await call()
            except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as exc:
                log.warning("cannot %s (%s); retrying in %.0f s", what, exc, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop_requested.wait(), delay)
                delay = min(delay * 2, 60.0)
        return None

    async def _learn_staff_group(self) -> None:
        """Whether the staff group has forum topics (reports then get one each). Not fatal:
        the next message from the group tells it too."""
        assert self.bot is not None and self.chats is not None
        chat_id = await self.chats.staff_chat_id()
        if chat_id is None:
            return
        try:
            chat = await self.bot.get_chat(chat_id)
        except TelegramAPIError as exc:
            log.warning("cannot read the staff group %s (%s): is the bot in it?", chat_id, exc)
            return
        self.chats.learn_forum(chat.id, bool(chat.is_forum))

    async def _refresh_staff_admins(self) -> None:
        """Who the staff group's administrators are, kept for the day the group cannot be
        asked (the bot removed from it)."""
        chat_id = await self.chats.staff_chat_id()
        if chat_id is None:
            return
        try:
            admins = await self._staff_admins(chat_id)
        except TelegramAPIError as exc:
            log.warning("cannot list the staff group's administrators (%s)", exc)
            return
        await self.alerts.remember_admins(chat_id, admins)

    async def _watch_directory(self) -> None:
        """Pick up a directory imported by `sakshy import-directory` while the bot runs."""
        while not self._stop_requested.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop_requested.wait(), self.directory_poll)
            if self._stop_requested.is_set():
                return
            try:
                await self.directory.reload_if_changed()
            except Exception:  # a locked or busy database now: try again next time
                log.exception("cannot check the directory for a new import")

    async def _start_background(self) -> None:
        """What need not wait for updates to flow: the outbox worker, the directory watch, the
        scheduler; then, in their own task, the bot's profile (only what changed since the
        last start) and the staff group's administrators."""
        assert self.bot is not None and self.dp is not None and self.profile is not None
        profile_task = asyncio.create_task(self._settle_in(), name="bot-profile")
        assert self.worker is not None
        await self._remember_recent_sends()
        worker_task = asyncio.create_task(self.worker.run(), name="delivery")
        directory_task = asyncio.create_task(self._watch_directory(), name="directory")
        await self.report_followups.ensure_digest()
        if self.backups is not None:
            await self.backups.ensure_scheduled()
        self.scheduler.start()  # inside the running loop
        for task in (profile_task, worker_task, directory_task):
            task.add_done_callback(_log_failure)
            self._background.append(task)

    async def _settle_in(self) -> None:
        assert self.bot is not None and self.profile is not None
        await asyncio.sleep(0)  # the first getUpdates (or the webhook) goes out first
        await self._refresh_staff_admins()
        await self.profile.apply(self.bot, self.settings.startup_retry_seconds)

    async def _serve_webhook(self) -> None:
        """Telegram posts updates to our server until `stop()`; setWebhook retries until
        Telegram answers. The webhook stays set at stop: Telegram keeps the updates meanwhile."""
        assert self.bot is not None and self.dp is not None
        settings = self.settings
        assert settings.webhook_url is not None
        await self._start_background()
        self.webhook = WebhookServer(
            self.dp,
            self.bot,
            self.inbox,
            path=settings.webhook_path,
            secret=settings.webhook_token,
            host=settings.webhook_host,
            port=settings.webhook_port,
            health=self.alerts.health,
        )
        try:
            await self.webhook.start()
        except OSError as exc:
            raise StartupError(
                f"WEBHOOK_HOST/WEBHOOK_PORT: cannot listen on {settings.webhook_host}:"
                f"{settings.webhook_port} ({exc.strerror or exc})"
            ) from None
        bot, dp = self.bot, self.dp
        try:
            done = await self._keep_trying(
                "set the webhook",
                lambda: bot.set_webhook(
                    str(settings.webhook_url),
                    secret_token=settings.webhook_token,
                    allowed_updates=dp.resolve_used_update_types(),
                    drop_pending_updates=False,
                ),
            )
        except TelegramBadRequest as exc:
            raise StartupError(f"WEBHOOK_URL: Telegram refused it ({exc.message})") from None
        if done is not None:
            log.info("webhook set: Telegram posts updates to %s", settings.webhook_url)
        await self._stop_requested.wait()
        await self.webhook.stop_accepting()
        await self.webhook.drain(self.handler_grace)

    async def _poll(self) -> None:
        assert self.bot is not None and self.dp is not None
        await self._leave_webhook()
        await self._start_background()
        polling = asyncio.create_task(
            self.dp.start_polling(
                self.bot,
                handle_signals=False,
                polling_timeout=self.polling_timeout,
                allowed_updates=self.dp.resolve_used_update_types(),
                close_bot_session=False,  # handlers still running need it; closed last
            ),
            name="polling",
        )
        stop_requested = asyncio.create_task(self._stop_requested.wait())
        try:
            await asyncio.wait({polling, stop_requested}, return_when=asyncio.FIRST_COMPLETED)
            if not polling.done():
                try:
                    await self.dp.stop_polling()
                except RuntimeError:  # stop came before polling started
                    polling.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await polling
            else:
                polling.result()  # polling ended on its own: surface why
        finally:
            stop_requested.cancel()

    async def _leave_webhook(self) -> None:
        """Back from webhook mode: Telegram refuses getUpdates while a webhook is set. Its
        pending updates are kept (drop_pending_updates is false)."""
        assert self.bot is not None
        try:
            info = await self.bot.get_webhook_info()
            if info.url:
                await self.bot.delete_webhook(drop_pending_updates=False)
                log.warning("the webhook to %s was removed: polling now", info.url)
        except TelegramAPIError as exc:  # polling then says why (409) and retries
            log.warning("cannot check for a webhook (%s)", exc)

    async def _remember_recent_sends(self) -> None:
        """What the last run sent to each group within Telegram's minute counts against the
        group's 20 a minute now too: after a quick restart the bot does not meet a 429."""
        now = self.clock()
        async with self.db.read() as conn:
            recent = await self.outbox.repo.sent_to_groups_since(
                conn, now - timedelta(seconds=60 * self.time_scale)
            )
        ages: dict[int, list[float]] = {}
        for chat_id, when in recent:
            ages.setdefault(chat_id, []).append((now - when).total_seconds())
        for chat_id, seen in ages.items():
            self.limiter.remember(chat_id, seen)

    async def stop(self) -> None:
        """Ask `run()` to finish: polling stops, background tasks end, the database closes."""
        self._stop_requested.set()

    async def _shutdown(self) -> None:
        """Polling has stopped: let handlers in flight finish, then the worker, then close."""
        if self.dp is not None:
            # aiogram keeps the tasks of updates being handled here (polling, handle_as_tasks)
            handling = set(getattr(self.dp, "_handle_update_tasks", ()))
            if handling:
                _, late = await asyncio.wait(handling, timeout=self.handler_grace)
                for task in late:
                    task.cancel()
                if late:
                    log.warning(
                        "%s update(s) still being handled at stop were cancelled", len(late)
                    )
        if self.webhook is not None:
            await self.webhook.stop_accepting()
            await self.webhook.drain(self.handler_grace)
        if hasattr(self, "scheduler"):
            await self.scheduler.aclose()
        if self.worker is not None:
            await self.worker.stop(grace=5.0)
        for task in self._background:
            task.cancel()
        for task in self._background:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._background.clear()
        if self.webhook is not None:
            await self.webhook.close()
        if self.health_server is not None:
            await self.health_server.close()
            self.health_server = None
        if self.console_runner is not None:
            await self.console_runner.cleanup()
            self.console_runner = None
        if self.dp is not None and self.dp.storage is not None:
            await self.dp.storage.close()
        if self.bot is not None:
            await self.bot.session.close()
        await self.db.close()
