"""The staff console's web server (issue 24): sign-in from Telegram and the queue.

`GET /console/` shows the queue to a signed-in member of the staff group, or the sign-in page,
whose script (inside Telegram's Mini App) posts Telegram's signed `initData` to
`POST /console/login`. The signature and its age are checked (bot/domain/console_auth.py),
then the person's membership of the staff group, asked of Telegram and cached as the group's
own check is; the answer is a session cookie (HttpOnly, Secure, SameSite=Strict, path
/console, hours long). Membership is checked again on every page, so a person removed from
the group loses the console within a minute. Pages carry a Content-Security-Policy without
inline scripts; nothing personal goes into a URL or a log.

The report card and its actions are in bot/web/card.py.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n
from aiohttp import web
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.domain.categories import Category
from bot.domain.console_auth import (
    Access,
    Identity,
    Refused,
    check_init_data,
    check_login_widget,
    issue_session,
    read_session,
    session_key,
)
from bot.domain.console_limits import Allowance
from bot.domain.console_map import tile_origin
from bot.domain.queue import Cursor, QueueFilter
from bot.i18n import LOCALES
from bot.services.chats import ChatService
from bot.services.console import CardActions, ConsoleService
from bot.services.desk import DeskService
from bot.services.directory import DirectoryService
from bot.services.export import ExportService
from bot.services.referrals import ReferralService
from bot.services.reports import ReportService
from bot.services.stats import StatsService
from bot.telegram.common.render import STATUS_NAMES
from bot.telegram.report_renderer import TelegramReportRenderer
from bot.telegram.staff_members import AdminGate, StaffGate
from bot.web import texts
from bot.web.bulk import MAX_BULK, Bulk
from bot.web.card import ReportCard
from bot.web.dashboard import Dashboard
from bot.web.map import MapView

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
COOKIE = "sakshy_console"
LANG_COOKIE = "sakshy_lang"
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский"}
#: where the page may load from: itself, and Telegram's Mini App script
CSP = (
    "default-src 'self'; script-src 'self' https://telegram.org; style-src 'self'; "
    "img-src 'self' data: {tiles}; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-src https://oauth.telegram.org; "
    "frame-ancestors https://web.telegram.org https://*.telegram.org"
)
SHOW = ("all", "overdue", "untaken", "mine")
#: the most reports the map lists in the queue at once
MAX_LISTED = 200


def parse_numbers(text: str) -> tuple[int, ...] | None:
    """`ids` of the queue's address (the map's reports in view): numbers joined by dots, at
    most MAX_LISTED; None if absent or not that."""
    parts = text.split(".") if text else []
    if not parts or len(parts) > MAX_LISTED or not all(p.isdigit() and len(p) <= 9 for p in parts):
        return None
    return tuple(int(p) for p in parts)


class Console:
    def __init__(
        self,
        *,
        bot: Bot,
        token: str,
        i18n: I18n,
        chats: ChatService,
        gate: StaffGate,
        console: ConsoleService,
        desk: DeskService,
        reports: ReportService,
        referrals: ReferralService,
        directory: DirectoryService,
        renderer: TelegramReportRenderer,
        categories: tuple[Category, ...],
        clock: Callable[[], datetime],
        default_locale: str,
        auth_max_age: timedelta,
        session_hours: float,
        stats: StatsService | None = None,
        exports: ExportService | None = None,
        admins: AdminGate | None = None,
        tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        attribution: str = "© OpenStreetMap contributors",
    ) -> None:
        self.bot = bot
        self.token = token
        self.i18n = i18n
        self.chats = chats
        self.gate = gate
        self.console = console
        self.desk = desk
        self.directory = directory
        self.actions = CardActions(reports, referrals, self._may_handle)
        self.bulk = Bulk(
            self, actions=self.actions, desk=desk, referrals=referrals, categories=categories
        )
        self.card = ReportCard(
            self,
            actions=self.actions,
            desk=desk,
            referrals=referrals,
            directory=directory,
            renderer=renderer,
        )
        self.map = MapView(
            self,
            service=console,
            desk=desk,
            directory=directory,
            categories=categories,
            tile_url=tile_url,
            attribution=attribution,
        )
        self.admins = admins
        self.dashboard = (
            Dashboard(
                self,
                stats=stats,
                exports=exports,
                desk=desk,
                directory=directory,
                renderer=renderer,
            )
            if stats is not None and exports is not None
            else None
        )
        #: the tile server is the one place besides the bot a page may load images from
        self.csp = CSP.format(tiles=tile_origin(tile_url))
        #: staff members' names as Telegram gave them (sign-in, membership), for the audit
        self.names: dict[int, str] = {}
        #: per person: pages and data a minute, actions (each may write to residents) a
        #: minute; sign-ins a minute per address
        self.pages_allowed = Allowance(limit=240, window=60)
        self.actions_allowed = Allowance(limit=60, window=60)
        self.sign_ins_allowed = Allowance(limit=30, window=60)
        self.categories = {c.key: c for c in categories}
        self.clock = clock
        self.default_locale = default_locale
        self.auth_max_age = auth_max_age
        self.session_hours = session_hours
        self.key = session_key(token)
        self.pages = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True),
        )

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._headers], client_max_size=64 * 1024)
        app.router.add_get("/console/", self.queue)
        self.card.routes(app)
        self.map.routes(app)
        self.bulk.routes(app)
        if self.dashboard is not None:
            self.dashboard.routes(app)
        app.router.add_post("/console/login", self.login)
        app.router.add_get("/console/widget", self.widget)
        app.router.add_static("/console/static/", HERE / "static", show_index=False)
        return app

    @web.middleware
    async def _headers(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        response = await handler(request)
        response.headers["Content-Security-Policy"] = self.csp
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    # --- who ---------------------------------------------------------------------------------

    def locale(self, request: web.Request, fallback: str | None = None) -> str:
        asked = request.query.get("lang") or request.cookies.get(LANG_COOKIE) or fallback
        return asked if asked in LOCALES else self.default_locale

    async def access(self, user_id: int) -> Access | None:
        """What the person may see now, as in the chats (asked of Telegram, cached as the
        group's own check is): a member of the staff group the whole city; a member of
        precinct chats those precincts; anyone else nothing."""
        staff_chat = await self.chats.staff_chat_id()
        if staff_chat is not None and await self.gate.is_member(self.bot, user_id, staff_chat):
            return Access(user_id)
        chats: dict[int, set[str]] = {}
        for precinct in self.directory.current.precincts:
            if precinct.staff_chat_id is not None:
                chats.setdefault(precinct.staff_chat_id, set()).add(precinct.id)
        precincts: set[str] = set()
        for chat_id, ids in chats.items():
            if await self.gate.is_member(self.bot, user_id, chat_id):
                precincts |= ids
        return Access(user_id, frozenset(precincts)) if precincts else None

    async def is_admin(self, user_id: int) -> bool:
        """An administrator of the staff group (asked of Telegram each time: a demoted
        administrator loses the export at once)."""
        return self.admins is not None and await self.admins.is_admin(self.bot, user_id)

    async def _may_handle(self, user_id: int, precinct_id: str | None) -> bool:
        access = await self.access(user_id)
        return access is not None and access.covers(precinct_id)

    def render(
        self,
        name: str,
        locale: str,
        status: int = 200,
        *,
        section: str | None = None,
        **context: Any,
    ) -> web.Response:
        """A page in `locale`; `section` (queue, map): a signed-in page, with the console's
        menu marking where the reader is."""
        with self.i18n.context(), self.i18n.use_locale(locale):
            sections = (
                [
                    ("queue", "/console/", texts.queue()),
                    ("map", "/console/map", texts.map_title()),
                    ("dashboard", "/console/dashboard", texts.dashboard()),
                ]
                if section
                else []
            )
            page = self.pages.get_template(name).render(
                lang=locale,
                languages=list(LANGUAGE_NAMES.items()),
                sections=sections,
                section=section,
                **context,
            )
        response = web.Response(text=page, status=status, content_type="text/html")
        response.set_cookie(
            LANG_COOKIE, locale, path="/console", secure=True, httponly=True, samesite="Strict"
        )
        return response

    async def _login_page(
        self, request: web.Request, locale: str, problem: str | None = None, status: int = 200
    ) -> web.Response:
        with self.i18n.context(), self.i18n.use_locale(locale):
            t = {"title": texts.title(), "login": texts.login(), "widget": texts.widget()}
        try:
            me = await self.bot.me()  # asked of Telegram once, then remembered by aiogram
            username = me.username
        except (TelegramAPIError, TimeoutError):  # Telegram not reached yet: no widget now
            username = None
        return self.render(
            "login.html", locale, status, t=t, problem=problem, bot_username=username
        )

    # --- pages -------------------------------------------------------------------------------

    async def login(self, request: web.Request) -> web.Response:
        if not self.sign_ins_allowed.allow(request.remote, time.monotonic()):
            return self.too_many(self.locale(request))
        form = await request.post()
        checked = check_init_data(
            str(form.get("init_data", "")), self.token, self.clock(), self.auth_max_age
        )
        if checked.identity is None:
            log.info("console: a sign-in refused (%s)", checked.refused)
            return await self._refused(request, checked.refused)
        return await self._signed_in(request, checked.identity)

    async def widget(self, request: web.Request) -> web.Response:
        """The Login Widget's return in a browser (its fields in the query, signed)."""
        if not self.sign_ins_allowed.allow(request.remote, time.monotonic()):
            return self.too_many(self.locale(request))
        checked = check_login_widget(
            dict(request.query), self.token, self.clock(), self.auth_max_age
        )
        if checked.identity is None:
            log.info("console: a widget sign-in refused (%s)", checked.refused)
            return await self._refused(request, checked.refused)
        return await self._signed_in(request, checked.identity)

    async def _refused(self, request: web.Request, why: Refused | None) -> web.Response:
        locale = self.locale(request)
        with self.i18n.context(), self.i18n.use_locale(locale):
            problem = texts.refused_expired() if why is Refused.EXPIRED else texts.refused_forged()
        return await self._login_page(request, locale, problem, status=401)

    async def _signed_in(self, request: web.Request, person: Identity) -> web.Response:
        """Telegram vouches for `person`: a member of the staff group or of a precinct's
        chat gets a session."""
        locale = self.locale(request, person.language_code)
        if await self.access(person.user_id) is None:
            log.info("console: user %s is in no staff chat", person.user_id)
            await self.desk.refused(person.user_id, person.full_name, 0, "console sign-in")
            with self.i18n.context(), self.i18n.use_locale(locale):
                problem = texts.refused_outsider()
            return await self._login_page(request, locale, problem, status=403)
        self.names[person.user_id] = person.full_name
        await self.desk.audited(person.user_id, person.full_name, 0, "console sign-in", "")
        ends = self.clock() + timedelta(hours=self.session_hours)
        number = person.opens_report
        response = web.HTTPSeeOther(f"/console/r/{number}" if number else "/console/")
        response.set_cookie(
            COOKIE,
            issue_session(person.user_id, ends, self.key),
            path="/console",
            max_age=int(self.session_hours * 3600),
            secure=True,
            httponly=True,
            samesite="Strict",
        )
        response.set_cookie(
            LANG_COOKIE, locale, path="/console", secure=True, httponly=True, samesite="Strict"
        )
        log.info("console: user %s signed in", person.user_id)
        raise response

    async def queue(self, request: web.Request) -> web.Response:
        locale = self.locale(request)
        access = await self.staff_session(request, locale)
        if isinstance(access, web.Response):
            return access
        user_id = access.user_id
        show = request.query.get("show", "all")
        show = show if show in SHOW else "all"
        numbers = parse_numbers(request.query.get("ids", ""))
        filt = QueueFilter(
            status="new" if show == "untaken" else None,
            officer_id=user_id if show == "mine" else None,
            overdue_only=show == "overdue",
            within=access.precincts,
            numbers=numbers,
        )
        after = Cursor.parse(request.query.get("after", ""))
        page = await self.console.queue(filt, after)
        today = self.clock().astimezone(self.console.zone).date()
        with self.i18n.context(), self.i18n.use_locale(locale):
            rows = [
                {
                    "number": report.id,
                    "category": self.card.renderer.category_label(report.category, locale),
                    "status": self.i18n.gettext(STATUS_NAMES[report.status]),
                    "due": format_date(report.due_on, "d MMM", locale=locale)
                    if report.due_on
                    else "",
                    "overdue": report.due_on is not None and report.due_on < today,
                    "seen": report.status.value,
                }
                for report in page.reports
            ]
            t = {
                "title": texts.title(),
                "total": texts.total(page.total),
                "filters": texts.filters(),
                "category": texts.category(),
                "status": texts.status(),
                "due": texts.due(),
                "empty": texts.empty(),
                "more": texts.more(),
            }
            filters = [
                ("all", texts.show_all()),
                ("overdue", texts.show_overdue()),
                ("untaken", texts.show_untaken()),
                ("mine", texts.show_mine()),
            ]
            t |= texts.bulk_labels()
            outcome = texts.bulk_outcome(
                request.query.get("done", ""),
                request.query.get("late", ""),
                request.query.get("bulk") == "stale",
            )
            assignees = [("me", texts.assign_me())]
        officers = await self.actions.reports.actions.officers()
        assignees += [(str(o.user_id), o.name) for o in officers if o.user_id != user_id]
        return self.render(
            "queue.html",
            locale,
            section="queue",
            t=t,
            rows=rows,
            filters=filters,
            show=show,
            next=str(page.next) if page.next else None,
            ids=".".join(map(str, numbers)) if numbers else None,
            csrf=self.csrf(request),
            outcome=outcome,
            assignees=assignees,
            bodies=[(b.id, b.name(locale)) for b in self.card.referrals.active()],
            categories=[(key, c.label(locale)) for key, c in self.categories.items()],
            max_bulk=MAX_BULK,
        )

    async def staff_session(self, request: web.Request, locale: str) -> Access | web.Response:
        """What the signed-in person may see (membership checked again on every page), or
        the page to show instead."""
        user_id = read_session(request.cookies.get(COOKIE, ""), self.key, self.clock())
        if user_id is None:
            return await self._login_page(request, locale)
        if not self.pages_allowed.allow(user_id, time.monotonic()):
            return self.too_many(locale)
        access = await self.access(user_id)
        if access is None:
            with self.i18n.context(), self.i18n.use_locale(locale):
                problem = texts.refused_outsider()
            return await self._login_page(request, locale, problem, status=403)
        return access

    def too_many(self, locale: str) -> web.Response:
        """Over a per-person limit: a page that says to wait (429, Retry-After)."""
        with self.i18n.context(), self.i18n.use_locale(locale):
            t = {"title": texts.title(), "back": texts.back_to_queue()}
            t["missing"] = texts.too_many()
        response = self.render("card.html", locale, status=429, t=t, card=None)
        response.headers["Retry-After"] = "60"
        return response

    def may_act(self, user_id: int) -> bool:
        """One more action of this person within the minute's allowance."""
        return self.actions_allowed.allow(user_id, time.monotonic())

    async def allowed(self, request: web.Request) -> Access:
        """For what is not a page (data, a picture, a file): what the signed-in person may
        see, or 401."""
        access = await self.staff_session(request, self.locale(request))
        if isinstance(access, web.Response):
            raise web.HTTPUnauthorized()
        return access

    def csrf(self, request: web.Request) -> str:
        """The token every form of a session carries (a cross-site post cannot know it)."""
        session = request.cookies.get(COOKIE, "")
        return hmac.new(self.key, b"csrf:" + session.encode(), hashlib.sha256).hexdigest()[:32]

    async def name_of(self, user_id: int) -> str:
        """The officer's name as Telegram has it (as a button press carries it): from the
        sign-in, else asked of Telegram once per process."""
        if user_id in self.names:
            return self.names[user_id]
        staff_chat = await self.chats.staff_chat_id()
        if staff_chat is not None:
            try:
                member = await self.bot.get_chat_member(staff_chat, user_id)
            except TelegramAPIError:
                log.warning("console: cannot read the name of user %s", user_id)
            else:
                self.names[user_id] = member.user.full_name
                return member.user.full_name
        return str(user_id)
