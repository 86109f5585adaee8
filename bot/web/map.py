"""The console map (issue 24): open and recent reports as clustered markers coloured by status,
the precincts' boundaries, the police points and a heat layer of the last 30 or 90 days.

`GET /console/map` is the page (its filters in the address); its script
(`static/map.js`, no inline script) draws the map with Leaflet, which the bot serves itself
(`static/vendor/`, pinned by `SOURCES.json`), on tiles from `MAP_TILE_URL`, and fetches
`GET /console/map.json`: the markers, the heat cells, the precincts and the points. A marker
opens the report's card. Each fetch of the data is audited, as a look at a card is.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.domain.categories import Category
from bot.domain.console_auth import Access
from bot.domain.console_map import HEAT_DAYS, MapData
from bot.domain.reports import Status
from bot.services.console import ConsoleService
from bot.services.desk import DeskService
from bot.services.directory import DirectoryService
from bot.telegram.common.render import STATUS_NAMES
from bot.web import texts

if TYPE_CHECKING:
    from bot.web.console import Console

#: the markers' colours by status (the page's legend says the same)
SHOWN = (Status.NEW, Status.TAKEN, Status.REFERRED, Status.RESOLVED, Status.REJECTED)


class MapView:
    def __init__(
        self,
        console: Console,
        *,
        service: ConsoleService,
        desk: DeskService,
        directory: DirectoryService,
        categories: tuple[Category, ...],
        tile_url: str,
        attribution: str,
    ) -> None:
        self.console = console
        self.service = service
        self.desk = desk
        self.directory = directory
        self.categories = categories
        self.tile_url = tile_url
        self.attribution = attribution

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/console/map", self.page)
        app.router.add_get("/console/map.json", self.data)

    def _filters(self, request: web.Request) -> tuple[int, str | None]:
        days = request.query.get("days", "")
        category = request.query.get("category") or None
        known = {c.key for c in self.categories}
        return (
            int(days) if days.isdigit() and int(days) in HEAT_DAYS else HEAT_DAYS[0],
            category if category in known else None,
        )

    async def page(self, request: web.Request) -> web.Response:
        console = self.console
        locale = console.locale(request)
        access = await console.staff_session(request, locale)
        if isinstance(access, web.Response):
            return access
        days, category = self._filters(request)
        i18n = console.i18n
        with i18n.context(), i18n.use_locale(locale):
            t = texts.map_labels()
            statuses = [(s.value, i18n.gettext(STATUS_NAMES[s])) for s in SHOWN]
            script_labels = {
                "status": dict(statuses),
                "categories": {c.key: c.label(locale) for c in self.categories},
                "overdue": texts.overdue_mark(),
                "shown": t["shown"],
                "failed": texts.map_failed(),
            }
        query = f"days={days}" + (f"&category={category}" if category else "")
        return console.render(
            "map.html",
            locale,
            section="map",
            t=t,
            days=days,
            periods=HEAT_DAYS,
            category=category,
            categories=[(c.key, c.label(locale)) for c in self.categories],
            statuses=statuses,
            source=f"/console/map.json?{query}",
            tiles=self.tile_url,
            attribution=self.attribution,
            labels=json.dumps(script_labels, ensure_ascii=False),
        )

    async def data(self, request: web.Request) -> web.Response:
        console = self.console
        locale = console.locale(request)
        access = await console.allowed(request)
        days, category = self._filters(request)
        found = await self.service.map(days, category, access.precincts)
        who = access.user_id
        name = await console.name_of(who)
        await self.desk.looked(who, name, 0, "console map", f"{days} {category or ''}".strip())
        response = web.json_response(self._json(found, locale, access), dumps=compact)
        response.enable_compression()  # a city's map is some 600 kB of JSON, a tenth gzipped
        return response

    def _json(self, found: MapData, locale: str, access: Access) -> dict[str, Any]:
        directory = self.directory.current
        return {
            "markers": [
                [m.number, m.latitude, m.longitude, m.status, m.category, int(m.overdue)]
                for m in found.markers
            ],
            "total": found.total,
            "heat": [[c.latitude, c.longitude, c.count] for c in found.heat],
            "precincts": {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": p.name(locale)},
                        "geometry": p.geometry,
                    }
                    for p in directory.precincts
                    if access.covers(p.id)
                ],
            },
            "points": [
                [p.latitude, p.longitude, p.name(locale), p.address(locale), p.hours(locale)]
                for p in directory.points
            ],
        }


def compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
