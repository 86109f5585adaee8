"""Composition root: builds the database, services, Bot, Dispatcher and background tasks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import aiosqlite
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation

from bot import telegram
from bot.config import STAFF_CHAT_MISSING, Settings
from bot.domain.categories import Category, CategoryError, load_categories
from bot.domain.delivery import OutgoingMessage
from bot.i18n import build_i18n
from bot.scheduler import FollowUpScheduler
from bot.services.alerts import OpsAlerts
from bot.services.backups import BackupService
from bot.services.chats import ChatService
from bot.services.clock import utc_now
from bot.services.community import CommunitySurveyService
from bot.services.delivery import DeliveryWorker, Outbox
from bot.services.desk import DeskService
from bot.services.directory import DirectoryService
from bot.services.duties import DutyRules, DutyService
from bot.services.export import ExportService
from bot.services.followups import FollowUps
from bot.services.helpers import HelperRules, HelperService
from bot.services.inbox import Inbox
from bot.services.incidents import IncidentService
from bot.services.privacy import PrivacyService
from bot.services.ratelimit import RateLimiter
from bot.services.report_followups import FollowUpTiming, ReportFollowUps
from bot.services.reports import ReportLimits, ReportService, SimilarRule
from bot.services.retention import RetentionService
from bot.services.stats import StatsService
from bot.services.subscriptions import SubscriptionService
from bot.services.surveys import SurveyService
from bot.services.users import UserService
from bot.storage.db import Database
from bot.storage.fsm import SQLiteStorage
from bot.storage.migrations import migrate
from bot.telegram.community_render import CommunityRenderer
from bot.telegram.duty_render import DutyTelegramRenderer
from bot.telegram.health import HealthServer
from bot.telegram.helper_render import HelperTelegramRenderer
from bot.telegram.middlewares import (
    BanMiddleware,
    FloodGuard,
    InboxMiddleware,
    StaffForumMiddleware,
    UserI18nMiddleware,
    UserMiddleware,
)
from bot.telegram.profile import BotProfile
from bot.telegram.render import TelegramReportRenderer
from bot.telegram.sender import TelegramSender
from bot.telegram.session import (
    REPLAY,
    FloodControlMiddleware,
    InboxRequestMiddleware,
    InboxSession,
    feed_raw,
)
from bot.telegram.staff import AdminGate, StaffGate
from bot.telegram.webhook import WebhookServer

log = logging.getLogger(__name__)

T = TypeVar("T")


class StartupError(Exception):
    """Sakshy cannot start as configured; the message names the key and what is wrong."""


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
    ) -> None:
        """`time_scale` speeds up the rate limiter's clock, for a fake Telegram that runs fast."""
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
            self._build()
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
        settings = self.settings
        i18n = build_i18n(settings.default_locale)
        users = UserService(self.db, self.clock, settings.default_locale)
        chats = ChatService(self.db, self.clock, settings.staff_chat_id, settings.analysts_chat_id)
        area = settings.area
        directory = DirectoryService(
            self.db, self.clock, (area.south, area.west, area.north, area.east)
        )
        chats.precinct_chats = directory.precinct_chats
        incidents = IncidentService(self.db, self.clock)
        renderer = TelegramReportRenderer(
            i18n,
            self.categories,
            settings.zone,
            settings.staff_language,
            settings.report_answer_hours,
            directory,
        )
        followups = FollowUps(self.db, self.clock, self.outbox.notify)
        timing = FollowUpTiming(
            remind_untaken=timedelta(minutes=settings.remind_untaken_minutes),
            escalate_untaken=timedelta(minutes=settings.escalate_untaken_minutes),
            remind_unresolved=timedelta(hours=settings.remind_unresolved_hours),
            survey_after=timedelta(hours=settings.survey_after_hours),
            quiet=settings.quiet,
            digest_at=settings.digest_at,
            zone=settings.zone,
            answer_hours=settings.report_answer_hours,
        )
        report_followups = ReportFollowUps(
            followups,
            self.outbox,
            renderer,
            self.clock,
            timing,
            chats.staff_chat_id,
            settings.supervisors_chat_id,
            self._staff_admins,
            analysts_chat_id=settings.analysts_chat_id,
        )
        subscriptions = SubscriptionService(self.db, self.outbox, self.clock, renderer)
        reports = ReportService(
            self.db,
            self.outbox,
            self.clock,
            renderer,
            chats.staff_chat_id,
            ReportLimits(settings.report_max_open, settings.report_max_per_hour),
            staff_topics=chats.staff_topics,
            place=directory.place,
            planner=report_followups,
            on_resolved=subscriptions.on_resolved,
            precinct_chats=directory.precinct_chats,
            similar=SimilarRule(
                float(settings.duplicate_radius_m), timedelta(hours=settings.duplicate_hours)
            ),
        )
        helper_renderer = HelperTelegramRenderer(
            i18n, settings.staff_language, settings.zone, directory, self.clock
        )
        helpers = HelperService(
            self.db,
            self.outbox,
            self.clock,
            helper_renderer,
            chats.staff_chat_id,
            lambda: {p.id for p in directory.current.precincts},
            HelperRules(settings.helper_min_age, timedelta(days=settings.helper_cooldown_days)),
            staff_topics=chats.staff_topics,
        )
        duty_renderer = DutyTelegramRenderer(
            i18n, settings.staff_language, settings.zone, directory, settings.duty_checkin_radius_m
        )
        duties = DutyService(
            self.db,
            self.outbox,
            self.clock,
            duty_renderer,
            followups,
            lambda: directory.current,
            chats.staff_chat_id,
            DutyRules(
                wave_factor=settings.duty_wave_factor,
                wave_every=timedelta(minutes=settings.duty_wave_minutes),
                withdraw_hours=settings.duty_withdraw_hours,
                radius_m=settings.duty_checkin_radius_m,
                zone=settings.zone,
                quiet=settings.quiet,
            ),
        )
        desk = DeskService(self.db, self.clock)
        stats_service = StatsService(self.db, self.clock, settings.zone)
        exports = ExportService(self.db, self.clock, settings.zone)
        surveys = SurveyService(
            self.db, self.outbox, self.clock, reports, renderer.survey_comment, renderer.not_solved
        )
        community_renderer = CommunityRenderer(
            i18n, settings.staff_language, settings.zone, directory, settings.survey_min_answers
        )
        community = CommunitySurveyService(
            self.db,
            self.outbox,
            self.clock,
            followups,
            community_renderer,
            chats.staff_chat_id,
            settings.zone,
            settings.quiet,
            settings.analysts_chat_id,
        )
        self.backups = (
            BackupService(
                settings.database_path,
                settings.backup_dir,
                settings.backup_keep,
                settings.backup_at,
                settings.zone,
                followups,
                self.clock,
            )
            if settings.backup_dir is not None
            else None
        )
        alerts = OpsAlerts(
            self.db,
            self.outbox,
            self.clock,
            renderer,
            chats.staff_chat_id,
            timedelta(minutes=settings.outbox_stall_minutes),
            settings.default_locale,
        )
        self.alerts = alerts
        self.profile = BotProfile(i18n, settings.default_locale, chats.staff_chat_id)

        session = InboxSession(timeout=self.request_timeout)
        if settings.telegram_api_url is not None:
            base = str(settings.telegram_api_url).rstrip("/")
            session = InboxSession(
                api=TelegramAPIServer.from_base(base), timeout=self.request_timeout
            )
        session.middleware(FloodControlMiddleware(self.limiter))
        session.middleware(InboxRequestMiddleware(self.inbox))
        self.bot = Bot(
            settings.token,
            session=session,
            default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
        )
        storage = SQLiteStorage(self.db, self.clock, DefaultKeyBuilder(with_destiny=True))
        helpers.conversations_changed = storage.invalidate
        dp = Dispatcher(
            storage=storage,
            events_isolation=SimpleEventIsolation(),
            settings=settings,
            users=users,
            chats=chats,
            incidents=incidents,
            outbox=self.outbox,
            reports=reports,
            renderer=renderer,
            categories=self.categories,
            area=settings.area,
            staff_gate=StaffGate(chats),
            admins=AdminGate(chats),
            directory=directory,
            surveys=surveys,
            helpers=helpers,
            helper_renderer=helper_renderer,
            duties=duties,
            duty_renderer=duty_renderer,
            desk=desk,
            stats_service=stats_service,
            subscriptions=subscriptions,
            exports=exports,
            community=community,
            community_renderer=community_renderer,
            alerts=alerts,
            inbox=self.inbox,
            privacy=PrivacyService(
                self.db, self.clock, self.outbox, reports.redraw_post, storage.invalidate
            ),
            i18n=i18n,
        )
        dp.update.outer_middleware(InboxMiddleware(self.inbox))
        dp.update.outer_middleware(UserMiddleware(users))
        dp.update.outer_middleware(UserI18nMiddleware(i18n, settings.default_locale))
        # before the ban: a banned person flooding gets one answer, not one per message
        dp.update.outer_middleware(
            FloodGuard(settings.flood_per_minute, settings.flood_burst, time_scale=self.time_scale)
        )
        dp.update.outer_middleware(BanMiddleware())
        dp.message.outer_middleware(StaffForumMiddleware(chats))
        dp.include_routers(*telegram.routers())
        self.dp = dp
        self.users = users
        self.chats = chats
        self.directory = directory
        self.followups = followups
        self.report_followups = report_followups
        self.scheduler = FollowUpScheduler(
            followups,
            settings.followup_tick_seconds,
            maintenance=[
                (helpers.forget_abandoned_drafts, 3600.0),
                (alerts.check_outbox, 60.0),
                (self._refresh_staff_admins, 3600.0),
                (incidents.purge, 3600.0),  # failed updates kept 30 days, also in a long run
                (self.inbox.purge, 3600.0),
                (RetentionService(self.db, self.clock, settings.retention_days).run, 3600.0),
            ],
        )
        self.incidents = incidents
        self.reports = reports
        self.worker = DeliveryWorker(
            self.db,
            self.outbox,
            TelegramSender(self.bot),
            self.clock,
            backoff_base=self.time_scale * 1.0,
            on_unreachable=self._unreachable,
            on_moved=chats.record_migration,
            on_sent=self._on_sent,
            on_failed=self._on_failed,
            on_topic_gone=reports.on_topic_gone,
            prepare=self._prepare,
        )
        self.helpers = helpers
        self.duties = duties
        self.community = community
        self.community_renderer = community_renderer
        helpers.on_leave = duties.release

    async def _unreachable(self, message: OutgoingMessage) -> None:
        chat_id = message.chat_id
        if chat_id > 0:
            await self.users.mark_unreachable(chat_id)
            if (
                message.ref
                and message.ref.startswith("report:")
                and not message.ref.endswith(":survey")  # the report is closed: nothing to do
            ):
                await self.reports.resident_unreachable(int(message.ref.split(":")[1]))

        else:
            log.error("Telegram refuses messages to group %s: is the bot still in it?", chat_id)
            await self.alerts.group_lost(chat_id, "refused (403)")

    async def run(self) -> None:
        """Poll until `stop()`. Start-up calls to Telegram retry in the background.

        Raises TelegramUnauthorizedError when Telegram refuses the token; an unreachable
        Telegram is waited for (with backoff) instead.
        """
        try:
            await self._serve_health()
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
            me = await self._keep_trying("reach Telegram", self.bot.get_me)
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
        await self._refresh_staff_admins()

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

    async def _on_sent(
        self, conn: aiosqlite.Connection, message: OutgoingMessage, message_id: int | None
    ) -> None:
        await self.reports.on_sent(conn, message, message_id)
        await self.helpers.on_sent(conn, message, message_id)
        await self.duties.on_sent(conn, message, message_id)

    async def _on_failed(
        self, conn: aiosqlite.Connection, message: OutgoingMessage, error: str
    ) -> None:
        await self.reports.on_failed(conn, message, error)
        await self.duties.undeliverable(conn, message)

    async def _prepare(self, message: OutgoingMessage) -> dict[str, Any]:
        """Fill in what a row could not know when it was written (a forum topic's id)."""
        payload = await self.reports.prepare(message)
        payload = await self.helpers.prepare(payload)
        payload = await self.duties.prepare(message, payload)
        survey_id = self.community_renderer.chart_survey(message)
        if survey_id is not None:  # a results chart: drawn now from the stored counts
            results = await self.community.results(survey_id)
            payload = await self.community_renderer.prepare(message, payload, results)
        return payload

    async def _staff_admins(self, chat_id: int) -> list[tuple[int, str]]:
        """A staff chat's administrators (people, not bots), to mention in an escalation."""
        assert self.bot is not None
        members = await self.bot.get_chat_administrators(chat_id)
        return [(m.user.id, m.user.full_name) for m in members if not m.user.is_bot]

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
        assert self.bot is not None and self.dp is not None and self.profile is not None
        profile_task = asyncio.create_task(
            self.profile.apply(self.bot, self.settings.startup_retry_seconds),
            name="bot-profile",
        )
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
        if self.dp is not None and self.dp.storage is not None:
            await self.dp.storage.close()
        if self.bot is not None:
            await self.bot.session.close()
        await self.db.close()
