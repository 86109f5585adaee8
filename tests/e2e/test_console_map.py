"""The console map's page and data through real HTTP (issue 24): the page loads Leaflet from
the bot itself (never a CDN) and allows images only from the configured tile server; the data
has the open report where the resident put it, coloured by its status, the precincts, the
police points and the heat; an outsider gets none of it; each fetch is audited."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import aiohttp

from bot.domain.console_auth import issue_session, session_key
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, TOKEN, RunningBot
from tests.e2e.scenarios import onboard, submit_report
from tests.e2e.test_console import serve_console, signed_launch
from tests.e2e.test_console_card import Card
from tests.e2e.test_legal_clock import plain

TILES = "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"


async def test_the_map_shows_open_reports_precincts_and_points(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    app, base = await serve_console(tg, bot, map_tile_url=TILES)
    officer = tg.user(9501, first_name="Officer", language_code="ru")
    tg.group(STAFF_CHAT).add_member(officer)
    resident = tg.user(9502, first_name="Resident", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru", address=(42.3177, 69.5862))  # a shared location
    await submit_report(resident, "ru", address="Тұран 12")  # typed: not on the map
    where = await plain(db_of, "SELECT latitude, longitude, category FROM reports WHERE id = 1000")
    ((latitude, longitude, category),) = where

    async with aiohttp.ClientSession() as http:
        card = Card(http, base)
        await card.sign_in(signed_launch(officer.id, bot.clock() - timedelta(minutes=1)))
        async with http.get(f"{card.base}map?lang=ru&days=90", headers=card.headers) as page:
            assert page.status == 200
            text = await page.text()
            policy = page.headers["Content-Security-Policy"]
        assert "img-src 'self' data: http://127.0.0.1:9;" in policy, "tiles from their server"
        assert "script-src 'self' https://telegram.org;" in policy
        for script in ("vendor/leaflet/leaflet.js", "vendor/heat/leaflet-heat.js", "map.js"):
            assert f'<script src="/console/static/{script}"></script>' in text
        assert "unpkg" not in text and "cdn" not in text.lower()
        assert 'data-source="/console/map.json?days=90"' in text
        assert "Сообщения на карте не загрузились" in text, "the script's words, translated"
        assert 'data-tiles="http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"' in text
        assert '<option value="90" selected>' in text and 'aria-current="page">Карта<' in text
        async with http.get(f"{card.base}static/vendor/leaflet/leaflet.js") as script:
            assert script.status == 200 and "javascript" in script.content_type
            assert (await script.text()).startswith("/* @preserve\n * Leaflet 1.9.4")

        async with http.get(f"{card.base}map.json?days=30", headers=card.headers) as answer:
            assert answer.status == 200
            data = json.loads(await answer.text())
        assert data["markers"] == [[1000, latitude, longitude, "new", category, 0]]
        assert data["total"] == 1
        assert data["heat"] == [[round(latitude, 3), round(longitude, 3), 1]]
        names = [f["properties"]["name"] for f in data["precincts"]["features"]]
        assert len(names) == len(app.directory.current.precincts) > 0
        assert all(
            f["geometry"]["type"] in ("Polygon", "MultiPolygon")
            for f in data["precincts"]["features"]
        )
        assert len(data["points"]) == len(app.directory.current.points)

        # a session of someone outside the staff group: no data
        theirs = issue_session(resident.id, bot.clock() + timedelta(hours=1), session_key(TOKEN))
        async with http.get(
            f"{card.base}map.json", headers={"Cookie": f"sakshy_console={theirs}"}
        ) as refused:
            assert refused.status == 401
    looks = await plain(
        db_of, "SELECT actor_id, detail FROM staff_audit WHERE action = 'console map'"
    )
    assert looks == [(officer.id, "30")]
