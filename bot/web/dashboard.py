"""The console's dashboard (issue 24): a precinct's (or the city's) figures for a period, the
same as /stats in the group: reports by category and by day, how they came in, times to take
and to resolve, answers in time and their median working days, overdue reports, the
residents' rating; the public helpers' hours for the city; the chart drawn on the server
(bot/telegram/charts.py). Administrators of the staff group also get the CSV export (/export's
files: they hold names and phones).

A member of precinct chats sees only those precincts' figures.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web
from markupsafe import Markup

from bot.domain.console_auth import Access
from bot.services.desk import DeskService
from bot.services.directory import DirectoryService
from bot.services.export import ExportService
from bot.services.stats import Period, StatsService, parse_period
from bot.telegram import charts
from bot.telegram.report_renderer import TelegramReportRenderer
from bot.telegram.staff.desk.stats_texts import stats_chart_title
from bot.web import texts

if TYPE_CHECKING:
    from bot.web.console import Console

#: the export's files, by the name in their address
EXPORTS = ("reports", "audit", "helper_hours")


def months_back(today: date, count: int) -> list[str]:
    """The last `count` months as YYYY-MM, this one first."""
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found


class Dashboard:
    def __init__(
        self,
        console: Console,
        *,
        stats: StatsService,
        exports: ExportService,
        desk: DeskService,
        directory: DirectoryService,
        renderer: TelegramReportRenderer,
    ) -> None:
        self.console = console
        self.stats = stats
        self.exports = exports
        self.desk = desk
        self.directory = directory
        self.renderer = renderer

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/console/dashboard", self.page)
        app.router.add_get("/console/dashboard.png", self.chart)
        names = "|".join(EXPORTS)
        app.router.add_get("/console/export/{name:" + names + "}.csv", self.export)

    def _periods(self) -> list[str]:
        return ["week", "month", *months_back(self.stats.today(), 12)]

    def _choice(self, request: web.Request, access: Access) -> tuple[str, Period, str | None]:
        """The period and precinct asked for, within what the person may see."""
        asked = request.query.get("period", "week")
        period_key = asked if asked in self._periods() else "week"
        period = parse_period(period_key, self.stats.today())
        assert period is not None  # every offered period parses
        precinct = request.query.get("precinct") or None
        known = {p.id for p in self.directory.current.precincts}
        if precinct not in known or not access.covers(precinct):
            precinct = None
        if precinct is None and access.precincts is not None:
            precinct = min(access.precincts)  # a precinct chat's member: never the city's
        return period_key, period, precinct

    async def page(self, request: web.Request) -> web.Response:
        console = self.console
        locale = console.locale(request)
        access = await console.staff_session(request, locale)
        if isinstance(access, web.Response):
            return access
        period_key, period, precinct = self._choice(request, access)
        figures = await self.stats.compute(period, precinct)
        helpers = None if precinct else await self.stats.helper_hours(period)
        admin = await console.is_admin(access.user_id)
        current = self.directory.current
        precincts = [(p.id, p.name(locale)) for p in current.precincts if access.covers(p.id)]
        found = current.precinct(precinct) if precinct else None
        i18n = console.i18n
        with i18n.context(), i18n.use_locale(locale):
            summary = self.renderer.stats_summary(
                figures, found.name(locale) if found else None, locale
            )
            t = texts.dashboard_labels()
            periods = [(key, texts.period_name(key)) for key in self._periods()]
            helper_line = texts.helper_hours(*helpers) if helpers else None
            exports = [(name, texts.export_name(name)) for name in EXPORTS] if admin else []
        query = f"period={period_key}" + (f"&precinct={precinct}" if precinct else "")
        return console.render(
            "dashboard.html",
            locale,
            section="dashboard",
            t=t,
            summary=Markup(summary),
            chart=None if figures.empty else f"/console/dashboard.png?{query}",
            helpers=helper_line,
            periods=periods,
            period=period_key,
            precincts=precincts,
            precinct=precinct,
            city=access.precincts is None,
            exports=exports,
            query=query,
        )

    async def chart(self, request: web.Request) -> web.Response:
        """The /stats chart for the dashboard's choice, drawn in a thread."""
        console = self.console
        locale = console.locale(request)
        access = await console.allowed(request)
        _, period, precinct = self._choice(request, access)
        figures = await self.stats.compute(period, precinct)
        found = self.directory.current.precinct(precinct) if precinct else None
        renderer = self.renderer
        i18n = console.i18n
        with i18n.context(), i18n.use_locale(locale):
            summary = renderer.stats_summary(figures, found.name(locale) if found else None, locale)
            panels = renderer.stats_panels(figures)
            title = stats_chart_title()
        png = await asyncio.to_thread(
            charts.draw,
            period.days,
            figures.per_day,
            renderer.chart_labels(locale),
            title,
            renderer.stats_headline(summary),
            panels,
        )
        return web.Response(body=png, content_type="image/png")

    async def export(self, request: web.Request) -> web.StreamResponse:
        """/export's CSV files, for administrators of the staff group only (they hold names
        and phones); each download audited."""
        console = self.console
        access = await console.allowed(request)
        if not await console.is_admin(access.user_id):
            raise web.HTTPForbidden()
        _, period, _ = self._choice(request, access)
        name = request.match_info["name"]
        write = {
            "reports": self.exports.reports,
            "audit": self.exports.events,
            "helper_hours": self.exports.hours,
        }[name]
        span = f"{period.first:%Y%m%d}-{period.last:%Y%m%d}"
        with tempfile.TemporaryDirectory(prefix="sakshy-export-") as folder:
            path = Path(folder) / f"sakshy_{name}_{span}.csv"
            await write(period, path)
            who = access.user_id
            await self.desk.audited(who, await console.name_of(who), 0, "export", span)
            body = await asyncio.to_thread(path.read_bytes)
        return web.Response(
            body=body,
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{path.name}"'},
        )
