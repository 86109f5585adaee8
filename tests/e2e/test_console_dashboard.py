"""The console's dashboard through real HTTP (issue 24): the week's figures as /stats gives
them, with the chart drawn on the server; the CSV export for administrators of the staff group
only (it holds names and phones), each download audited; a precinct chat's member sees only
that precinct's figures."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import aiohttp

from bot.resources import demo_directory_path
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot
from tests.e2e.scenarios import onboard, submit_report
from tests.e2e.test_console import serve_console, signed_launch
from tests.e2e.test_console_card import Card
from tests.e2e.test_legal_clock import plain


async def test_the_dashboard_its_chart_and_the_administrators_export(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    app, base = await serve_console(tg, bot)
    staff = tg.group(STAFF_CHAT)
    admin = tg.user(9201, first_name="Admin", language_code="ru")
    officer = tg.user(9202, first_name="Officer", language_code="ru")
    staff.add_member(admin, admin=True)
    staff.add_member(officer)
    inspector = tg.user(9203, first_name="Dauren", language_code="ru")
    tg.group(-1002000000005, title="МЖК", bot_is_admin=True).add_member(inspector)
    data = json.loads(demo_directory_path().read_text("utf-8"))
    for feature in data["features"]:
        if feature["properties"]["id"] == "mzhk":
            feature["properties"]["staff_chat_id"] = -1002000000005
    assert (await app.directory.import_text(json.dumps(data), "routes.geojson")).applied
    resident = tg.user(9204, first_name="Айгерім", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru", address=(42.300, 69.610))  # ЖД вокзал
    await submit_report(resident, "ru", address=(42.300, 69.610), category="litter")
    when = bot.clock() - timedelta(minutes=1)

    async with aiohttp.ClientSession() as http:
        officer_console = Card(http, base)
        await officer_console.sign_in(signed_launch(officer.id, when))
        base = officer_console.base
        async with http.get(f"{base}dashboard?lang=ru", headers=officer_console.headers) as page:
            assert page.status == 200
            text = await page.text()
        assert "Всего 2 сообщения" in text
        assert "🔊 Шум, нарушение тишины: 1" in text and "🗑 Выброс мусора: 1" in text
        assert '<img class="chart" src="/console/dashboard.png?period=week"' in text
        assert "/console/export/" not in text, "no export for an officer"
        async with http.get(
            f"{base}dashboard.png?period=week", headers=officer_console.headers
        ) as chart:
            assert chart.status == 200 and chart.content_type == "image/png"
            assert (await chart.read()).startswith(b"\x89PNG")
        async with http.get(
            f"{base}export/reports.csv?period=week", headers=officer_console.headers
        ) as refused:
            assert refused.status == 403

        admin_console = Card(http, base)
        await admin_console.sign_in(signed_launch(admin.id, when))
        async with http.get(f"{base}dashboard?lang=ru", headers=admin_console.headers) as page:
            text = await page.text()
        assert '<a href="/console/export/reports.csv?period=week" download>' in text
        async with http.get(
            f"{base}export/reports.csv?period=week", headers=admin_console.headers
        ) as csv:
            assert csv.status == 200 and csv.content_type == "text/csv"
            assert "attachment" in csv.headers["Content-Disposition"]
            rows = (await csv.read()).decode("utf-8-sig").splitlines()
        assert len(rows) == 3 and "Айгерім" in rows[1] + rows[2]

        inspector_console = Card(http, base)
        await inspector_console.sign_in(signed_launch(inspector.id, when))
        async with http.get(f"{base}dashboard?lang=ru", headers=inspector_console.headers) as page:
            text = await page.text()
        assert "Всего 2" not in text and "микрорайон МЖК" in text, (
            "ЖД вокзал's reports are not МЖК's"
        )
        assert '<option value="">' not in text, "no city-wide choice for a precinct's member"
    exports = await plain(db_of, "SELECT actor_id FROM staff_audit WHERE action = 'export'")
    assert exports == [(admin.id,)]
