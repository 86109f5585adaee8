"""Roles in the console, as in the chats (issue 24): a member of a precinct's own chat (not of
the staff group) signs in and sees that precinct's reports only, in the queue, on the map and
by a card's address, and acts on them; another precinct's card says whose it is and its forms
do nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import aiohttp

from bot.resources import demo_directory_path
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import RunningBot
from tests.e2e.scenarios import onboard, submit_report
from tests.e2e.test_console import serve_console, signed_launch
from tests.e2e.test_console_card import Card
from tests.e2e.test_legal_clock import plain

PRECINCT_CHAT = -1002000000004


async def test_a_precinct_chat_member_sees_and_handles_that_precinct_only(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    app, base = await serve_console(tg, bot, staff_locale="ru")
    precinct_chat = tg.group(PRECINCT_CHAT, title="МЖК учаскесі", bot_is_admin=True)
    inspector = tg.user(9301, first_name="Dauren", language_code="ru")
    precinct_chat.add_member(inspector)  # not a member of the main staff group
    data = json.loads(demo_directory_path().read_text("utf-8"))
    for feature in data["features"]:
        if feature["properties"]["id"] == "mzhk":
            feature["properties"]["staff_chat_id"] = PRECINCT_CHAT
    assert (await app.directory.import_text(json.dumps(data), "routes.geojson")).applied
    resident = tg.user(9302, first_name="Resident", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru", address=(42.320, 69.610))  # МЖК: 1000
    await submit_report(resident, "ru", address=(42.300, 69.610))  # ЖД вокзал: 1001
    resident.unread()
    await precinct_chat.next_message(timeout=10)  # the map pin
    await precinct_chat.next_message(timeout=10)  # the post
    rows = await plain(db_of, "SELECT id, precinct_id FROM reports ORDER BY id")
    assert rows == [(1000, "mzhk"), (1001, "zhd-vokzal")]

    async with aiohttp.ClientSession() as http:
        card = Card(http, base)
        await card.sign_in(signed_launch(inspector.id, bot.clock() - timedelta(minutes=1)))
        async with http.get(f"{card.base}?lang=ru", headers=card.headers) as queue:
            text = await queue.text()
        assert "1 открытое сообщение" in text and "/console/r/1000" in text
        assert "/console/r/1001" not in text, "another precinct's report is not in the queue"
        async with http.get(f"{card.base}r/1001?lang=ru", headers=card.headers) as other:
            assert other.status == 403
            assert "Сообщение № 1001 относится к другому участку" in await other.text()
        async with http.get(f"{card.base}map.json", headers=card.headers) as answer:
            found = json.loads(await answer.text())
        assert [m[0] for m in found["markers"]] == [1000]
        assert len(found["precincts"]["features"]) == 1
        assert await card.press(1000, "take") == "done"
        assert "принято в работу" in (await resident.next_message(timeout=10)).text.lower()
        # a form posted for another precinct's report does nothing
        page = await card.open(1000)
        token = page.split('name="csrf" value="', 1)[1][:32]
        async with http.post(
            f"{card.base}r/1001/take",
            data={"csrf": token, "seen": "new"},
            headers=card.headers,
            allow_redirects=False,
        ) as forged:
            assert forged.status == 303 and forged.headers["Location"] == "/console/r/1001"
    statuses = await plain(db_of, "SELECT id, status, officer_id FROM reports ORDER BY id")
    assert statuses == [(1000, "taken", inspector.id), (1001, "new", None)]
