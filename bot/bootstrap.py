"""Wiring only: Settings → services → Bot and Dispatcher, the delivery worker and its hooks,
the scheduler. Nothing here runs; bot/runtime.py starts, serves and stops what this builds."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.utils.i18n import I18n

from bot import telegram
from bot.config import Settings
from bot.domain.categories import Category
from bot.domain.deadlines import LegalClock, Terms
from bot.domain.outbox import OutgoingMessage
from bot.domain.refs import Ref, RefKind
from bot.domain.reports import ServiceArea
from bot.domain.workdays import CalendarError, kazakhstan
from bot.i18n import build_i18n
from bot.scheduler import FollowUpScheduler
from bot.services.alerts import OpsAlerts
from bot.services.backups import BackupService
from bot.services.bot_profile import ProfileLedger
from bot.services.chats import ChatService
from bot.services.community import CommunitySurveyService
from bot.services.complaints import ComplaintService
from bot.services.desk import DeskService
from bot.services.directory import DirectoryService
from bot.services.duties import DutyRules, DutyService
from bot.services.export import ExportService
from bot.services.followups import FollowUps
from bot.services.helpers import HelperRules, HelperService
from bot.services.inbox import Inbox
from bot.services.incidents import IncidentService
from bot.services.outbox import DeliveryHooks, DeliveryWorker, Outbox
from bot.services.privacy import PrivacyService
from bot.services.ratelimit import RateLimiter
from bot.services.referrals import ReferralService
from bot.services.report_followups import FollowUpTiming, ReportFollowUps
from bot.services.reports import ReportLimits, ReportService, SimilarRule
from bot.services.reports.outcomes import SENT_PARTS
from bot.services.retention import RetentionService
from bot.services.stats import StatsService
from bot.services.subscriptions import SubscriptionService
from bot.services.surveys import SurveyService
from bot.services.users import UserService
from bot.storage.db import Database
from bot.storage.fsm_storage import SQLiteStorage
from bot.telegram.bot_profile import BotProfile
from bot.telegram.filters import run_inline
from bot.telegram.legacy_buttons import LEGACY, LegacyButtons
from bot.telegram.middlewares import (
    BanMiddleware,
    FloodGuard,
    InboxMiddleware,
    StaffForumMiddleware,
    UserI18nMiddleware,
    UserMiddleware,
)
from bot.telegram.report_renderer import TelegramReportRenderer
from bot.telegram.sender import TelegramSender
from bot.telegram.session import FloodControlMiddleware, InboxRequestMiddleware, InboxSession
from bot.telegram.staff.community.render import TelegramCommunityRenderer
from bot.telegram.staff.duties.render import TelegramDutyRenderer
from bot.telegram.staff.helpers.render import TelegramHelperRenderer
from bot.telegram.staff_members import AdminGate, StaffGate
from bot.telegram.supervisors.complaints.render import ComplaintViews
from bot.web.menu import ConsoleMenu

log = logging.getLogger(__name__)


class StartupError(Exception):
    """Sakshy cannot start as configured; the message names the key and what is wrong."""


@dataclass(frozen=True, slots=True)
class Services:
    """What handlers and middlewares receive. aiogram passes the Dispatcher's data to a
    handler by keyword, so a handler takes `reports: ReportService` (or the whole bundle as
    `services: Services`): each field's name is the parameter's name."""

    settings: Settings
    users: UserService
    chats: ChatService
    incidents: IncidentService
    outbox: Outbox
    reports: ReportService
    renderer: TelegramReportRenderer
    categories: tuple[Category, ...]
    area: ServiceArea
    staff_gate: StaffGate
    admins: AdminGate
    directory: DirectoryService
    surveys: SurveyService
    helpers: HelperService
    helper_renderer: TelegramHelperRenderer
    duties: DutyService
    duty_renderer: TelegramDutyRenderer
    desk: DeskService
    stats_service: StatsService
    subscriptions: SubscriptionService
    exports: ExportService
    community: CommunitySurveyService
    community_renderer: TelegramCommunityRenderer
    alerts: OpsAlerts
    inbox: Inbox
    privacy: PrivacyService
    referrals: ReferralService
    complaints: ComplaintService
    i18n: I18n

    def workflow_data(self) -> dict[str, Any]:
        """The Dispatcher's data: every field by its name, and the bundle as `services`."""
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["services"] = self
        return data


@dataclass(frozen=True, slots=True)
class Wiring:
    """Everything built, for the runtime to start and stop."""

    services: Services
    bot: Bot
    dp: Dispatcher
    profile: BotProfile
    followups: FollowUps
    report_followups: ReportFollowUps
    scheduler: FollowUpScheduler
    worker: DeliveryWorker
    hooks: DeliveryHooks
    backups: BackupService | None
    #: a staff chat's administrators (people, not bots), from Telegram
    staff_admins: Callable[[int], Awaitable[list[tuple[int, str]]]]


def legal_clock(settings: Settings, categories: tuple[Category, ...]) -> LegalClock:
    """The working-day calendar (Kazakhstan's holidays and HOLIDAYS_FILE's days) and the terms
    (the settings', and each category's own); a bad file is one plain line."""
    text = None
    if settings.holidays_file is not None:
        try:
            text = settings.holidays_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise StartupError(
                f"HOLIDAYS_FILE: cannot read {settings.holidays_file}: {exc}"
            ) from None
    try:
        calendar = kazakhstan((), text)
    except CalendarError as exc:
        raise StartupError(str(exc).replace("\n", "; ")) from None
    terms = Terms(
        settings.answer_working_days, settings.refer_working_days, settings.extend_max_months
    )
    own = {
        c.key: replace(
            terms,
            answer_days=c.answer_days or terms.answer_days,
            refer_days=c.refer_days or terms.refer_days,
        )
        for c in categories
        if c.answer_days or c.refer_days
    }
    return LegalClock(calendar, settings.zone, terms, own)


def build(
    settings: Settings,
    db: Database,
    clock: Callable[[], datetime],
    *,
    outbox: Outbox,
    inbox: Inbox,
    limiter: RateLimiter,
    categories: tuple[Category, ...],
    legal: LegalClock,
    request_timeout: float,
    time_scale: float,
    refresh_staff_admins: Callable[[], Awaitable[None]],
    session_class: Callable[..., InboxSession] = InboxSession,
) -> Wiring:
    """Build the bot as configured; `refresh_staff_admins` is the runtime's hourly check."""
    bot = build_bot(settings, limiter, inbox, request_timeout, session_class)
    staff_admins = partial(_staff_admins, bot)
    i18n = build_i18n(settings.default_locale)
    users = UserService(db, clock, settings.default_locale)
    chats = ChatService(db, clock, settings.staff_chat_id, settings.analysts_chat_id)
    area = settings.area
    directory = DirectoryService(db, clock, (area.south, area.west, area.north, area.east))
    chats.precinct_chats = directory.precinct_chats
    incidents = IncidentService(db, clock)
    renderer = TelegramReportRenderer(
        i18n,
        categories,
        settings.zone,
        settings.staff_language,
        settings.report_answer_hours,
        directory,
        legal=legal,
        clock=clock,
    )
    renderer.console_link = settings.console_app_link
    followups = FollowUps(db, clock, outbox.notify)
    timing = FollowUpTiming(
        remind_untaken=timedelta(minutes=settings.remind_untaken_minutes),
        escalate_untaken=timedelta(minutes=settings.escalate_untaken_minutes),
        remind_unresolved=timedelta(hours=settings.remind_unresolved_hours),
        survey_after=timedelta(hours=settings.survey_after_hours),
        quiet=settings.quiet,
        digest_at=settings.digest_at,
        zone=settings.zone,
    )
    report_followups = ReportFollowUps(
        followups,
        outbox,
        renderer,
        clock,
        timing,
        chats.staff_chat_id,
        settings.supervisors_chat_id,
        staff_admins,
        analysts_chat_id=settings.analysts_chat_id,
        legal=legal,
    )
    subscriptions = SubscriptionService(db, outbox, clock, renderer)
    reports = ReportService(
        db,
        outbox,
        clock,
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
        legal=legal,
    )
    referrals = ReferralService(reports.lifecycle, renderer, legal)
    renderer.bodies = referrals.body
    report_followups.on_overdue = referrals.overdue
    usual = {c.key: c.refer_to for c in categories if c.refer_to}

    def usual_body(category: str) -> str | None:
        """The body a category usually belongs to, while it is in the directory."""
        key = usual.get(category)
        body = referrals.body(key) if key else None
        return key if body is not None and body.active else None

    report_followups.usual_body = usual_body
    helper_renderer = TelegramHelperRenderer(
        i18n, settings.staff_language, settings.zone, directory, clock
    )
    helpers = HelperService(
        db,
        outbox,
        clock,
        helper_renderer,
        chats.staff_chat_id,
        lambda: {p.id for p in directory.current.precincts},
        HelperRules(settings.helper_min_age, timedelta(days=settings.helper_cooldown_days)),
        staff_topics=chats.staff_topics,
    )
    duty_renderer = TelegramDutyRenderer(
        i18n, settings.staff_language, settings.zone, directory, settings.duty_checkin_radius_m
    )
    duties = DutyService(
        db,
        outbox,
        clock,
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
    helpers.on_leave = duties.release
    surveys = SurveyService(
        db, outbox, clock, reports.resident, renderer.survey_comment, renderer.not_solved
    )
    community_renderer = TelegramCommunityRenderer(
        i18n, settings.staff_language, settings.zone, directory, settings.survey_min_answers
    )
    community = CommunitySurveyService(
        db,
        outbox,
        clock,
        followups,
        community_renderer,
        chats.staff_chat_id,
        settings.zone,
        settings.quiet,
        settings.analysts_chat_id,
    )
    backups = (
        BackupService(
            settings.database_path,
            settings.backup_dir,
            settings.backup_keep,
            settings.backup_at,
            settings.zone,
            followups,
            clock,
        )
        if settings.backup_dir is not None
        else None
    )
    alerts = OpsAlerts(
        db,
        outbox,
        clock,
        renderer,
        chats.staff_chat_id,
        timedelta(minutes=settings.outbox_stall_minutes),
        settings.default_locale,
    )
    complaints = ComplaintService(
        db,
        outbox,
        clock,
        followups,
        ComplaintViews(
            i18n,
            categories,
            settings.zone,
            settings.staff_language,
            settings.report_answer_hours,
            legal=legal,
            clock=clock,
        ),
        legal,
        settings.complaints_chat,
        settings.complaint_answer_working_days,
    )
    storage = SQLiteStorage(db, clock, DefaultKeyBuilder(with_destiny=True))
    helpers.conversations_changed = storage.invalidate
    services = Services(
        settings=settings,
        users=users,
        chats=chats,
        incidents=incidents,
        outbox=outbox,
        reports=reports,
        renderer=renderer,
        categories=categories,
        area=settings.area,
        staff_gate=StaffGate(chats),
        admins=AdminGate(chats),
        directory=directory,
        surveys=surveys,
        helpers=helpers,
        helper_renderer=helper_renderer,
        duties=duties,
        duty_renderer=duty_renderer,
        desk=DeskService(db, clock),
        stats_service=StatsService(db, clock, settings.zone),
        subscriptions=subscriptions,
        exports=ExportService(db, clock, settings.zone),
        community=community,
        community_renderer=community_renderer,
        alerts=alerts,
        inbox=inbox,
        privacy=PrivacyService(
            db, clock, outbox, reports.lifecycle.redraw_post, storage.invalidate
        ),
        referrals=referrals,
        complaints=complaints,
        i18n=i18n,
    )
    dp = build_dispatcher(services, storage, time_scale)
    scheduler = FollowUpScheduler(
        followups,
        settings.followup_tick_seconds,
        maintenance=[
            (helpers.forget_abandoned_drafts, 3600.0),
            (alerts.check_outbox, 60.0),
            (refresh_staff_admins, 3600.0),
            (incidents.purge, 3600.0),  # failed updates kept 30 days, also in a long run
            (inbox.purge, 3600.0),
            (RetentionService(db, clock, settings.retention_days).run, 3600.0),
        ],
    )
    hooks = delivery_hooks(services)
    worker = DeliveryWorker(
        db,
        outbox,
        TelegramSender(bot),
        clock,
        backoff_base=time_scale * 1.0,
        on_unreachable=partial(_unreachable, services, hooks),
        on_moved=chats.record_migration,
        on_sent=hooks.sent,
        on_failed=hooks.failed,
        on_topic_gone=reports.delivery.on_topic_gone,
        prepare=hooks.prepare,
        wants_sent=hooks.wants_sent,
    )
    return Wiring(
        services=services,
        bot=bot,
        dp=dp,
        profile=BotProfile(
            i18n, settings.default_locale, chats.staff_chat_id, ProfileLedger(db, clock)
        ),
        followups=followups,
        report_followups=report_followups,
        scheduler=scheduler,
        worker=worker,
        hooks=hooks,
        backups=backups,
        staff_admins=staff_admins,
    )


def build_bot(
    settings: Settings,
    limiter: RateLimiter,
    inbox: Inbox,
    request_timeout: float,
    session_class: Callable[..., InboxSession] = InboxSession,
) -> Bot:
    """The Bot, its requests through the one rate limiter and recorded in the inbox.
    `session_class`: the tests' in-process session (bot/testing/inprocess.py) or the real one."""
    session = session_class(timeout=request_timeout)
    if settings.telegram_api_url is not None:
        base = str(settings.telegram_api_url).rstrip("/")
        session = session_class(api=TelegramAPIServer.from_base(base), timeout=request_timeout)
    session.middleware(FloodControlMiddleware(limiter))
    session.middleware(InboxRequestMiddleware(inbox))
    return Bot(
        settings.token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def build_dispatcher(services: Services, storage: SQLiteStorage, time_scale: float) -> Dispatcher:
    """The Dispatcher with the services as its data, the middlewares and every router."""
    settings = services.settings
    dp = Dispatcher(
        storage=storage,
        events_isolation=SimpleEventIsolation(),
        **services.workflow_data(),
    )
    dp.update.outer_middleware(InboxMiddleware(services.inbox))
    dp.update.outer_middleware(UserMiddleware(services.users))
    dp.update.outer_middleware(UserI18nMiddleware(services.i18n, settings.default_locale))
    # before the ban: a banned person flooding gets one answer, not one per message
    dp.update.outer_middleware(
        FloodGuard(settings.flood_per_minute, settings.flood_burst, time_scale=time_scale)
    )
    dp.update.outer_middleware(BanMiddleware())
    dp.message.outer_middleware(StaffForumMiddleware(services.chats))
    if settings.console_url is not None:
        dp.message.outer_middleware(
            ConsoleMenu(settings.console_url, services.chats, services.staff_gate, services.i18n)
        )
    dp.callback_query.outer_middleware(LegacyButtons(LEGACY))
    dp.include_routers(*telegram.routers())
    run_inline(dp)  # aiogram would send every magic filter to a thread
    return dp


def delivery_hooks(services: Services) -> DeliveryHooks:
    """Which feature hears of which outbox row's delivery: the registry, by kind of ref."""
    reports, helpers, duties = services.reports, services.helpers, services.duties
    community, community_renderer = services.community, services.community_renderer
    hooks = DeliveryHooks()
    # forum topics written as markers, in rows with or without a ref (an album's photos)
    hooks.before_any_send(
        lambda message, payload: reports.delivery.prepare(replace(message, payload=payload))
    )
    hooks.before_any_send(lambda message, payload: helpers.prepare(payload))

    hooks.when_sent(RefKind.REPORT, reports.delivery.on_sent, parts=SENT_PARTS)
    hooks.when_failed(RefKind.REPORT, reports.delivery.on_failed)
    referrals = services.referrals
    hooks.when_sent(RefKind.REFERRAL, referrals.on_sent, parts=frozenset({"post"}))
    hooks.when_failed(RefKind.REFERRAL, referrals.on_failed)
    hooks.when_sent(
        RefKind.COMPLAINT, services.complaints.on_sent, parts=frozenset({"post", "relay", "said"})
    )

    async def resident_unreachable(message: OutgoingMessage, ref: Ref) -> None:
        if ref.id is not None and ref.parts[-1:] != ("survey",):  # closed: nothing to do
            await reports.conversation.resident_unreachable(ref.id)

    hooks.when_unreachable(RefKind.REPORT, resident_unreachable)

    hooks.when_sent(RefKind.HELPER, helpers.on_sent)

    hooks.before_send(RefKind.DUTY, duties.prepare)
    hooks.when_sent(RefKind.DUTY, duties.on_sent)
    hooks.when_failed(
        RefKind.DUTY, lambda conn, message, error: duties.undeliverable(conn, message)
    )

    async def results_chart(message: OutgoingMessage, payload: dict[str, Any]) -> dict[str, Any]:
        """A results chart is drawn when sent, from the counts stored then."""
        survey_id = community_renderer.chart_survey(message)
        if survey_id is None:
            return payload
        results = await community.results(survey_id)
        return await community_renderer.prepare(message, payload, results)

    hooks.before_send(RefKind.CSURVEY, results_chart)
    return hooks


async def _unreachable(services: Services, hooks: DeliveryHooks, message: OutgoingMessage) -> None:
    """Telegram refuses a chat (403): a person is marked unreachable (and their feature hears
    of it); a group is the staff's trouble."""
    chat_id = message.chat_id
    if chat_id > 0:
        await services.users.mark_unreachable(chat_id)
        await hooks.unreachable(message)
    elif message.ref is not None and message.ref.kind is RefKind.REFERRAL:
        # an outside body's chat: the referral's own failure tells the staff (when_failed)
        log.warning("Telegram refuses messages to the body's chat %s", chat_id)
    else:
        log.error("Telegram refuses messages to group %s: is the bot still in it?", chat_id)
        await services.alerts.group_lost(chat_id, "refused (403)")


async def _staff_admins(bot: Bot, chat_id: int) -> list[tuple[int, str]]:
    """A staff chat's administrators (people, not bots), to mention in an escalation."""
    members = await bot.get_chat_administrators(chat_id)
    return [(m.user.id, m.user.full_name) for m in members if not m.user.is_bot]
