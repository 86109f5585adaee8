"""The console's report card through real HTTP (issue 24): a duty officer works a report from
the card alone, and each step shows in the staff group and reaches the resident exactly as the
group's buttons and commands do: a message to the resident, a duplicate, an extension, a hand
over to a colleague, a resolution with a note, a reopening, a rejection, a referral. A form of
an old card, an empty message or a bad date does nothing and says so."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import aiohttp

from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, TOKEN, RunningBot
from tests.e2e.scenarios import onboard, submit_report
from tests.e2e.test_console import serve_console, signed_launch
from tests.e2e.test_legal_clock import answer_to, plain, said
from tests.e2e.test_referral import ADD_AKIMAT, BODY_CHAT
from tests.e2e.test_staff import staff_post


class Card:
    """An officer's console, signed in, pressing the card's forms as a browser would."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base
        #: the session cookie (Secure: a browser keeps it for https and for localhost only)
        self.headers: dict[str, str] = {}

    async def sign_in(self, launch: str) -> None:
        async with self.http.post(
            self.base + "login", data={"init_data": launch}, allow_redirects=False
        ) as signed:
            assert signed.status == 303
            self.headers["Cookie"] = f"sakshy_console={signed.cookies['sakshy_console'].value}"

    async def open(self, number: int, query: str = "") -> str:
        url = f"{self.base}r/{number}?lang=ru{query}"
        async with self.http.get(url, headers=self.headers) as page:
            assert page.status == 200
            return await page.text()

    async def press(self, number: int, step: str, **fields: str) -> str:
        """Submit the card's form for `step` as the card shows it now; the outcome's code."""
        page = await self.open(number)
        csrf = re.search(r'name="csrf" value="([0-9a-f]{32})"', page)
        seen = re.search(r'name="seen" value="(\w+)"', page)
        assert csrf and seen, page
        assert f'action="/console/r/{number}/{step}"' in page, f"no «{step}» on the card"
        data = {"csrf": csrf.group(1), "seen": seen.group(1), **fields}
        async with self.http.post(
            f"{self.base}r/{number}/{step}", data=data, headers=self.headers, allow_redirects=False
        ) as done:
            assert done.status == 303, await done.text()
            found = re.search(r"outcome=(\w+)", done.headers["Location"])
            assert found is not None
            return found.group(1)


async def test_a_duty_officer_works_reports_from_the_card(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    _, base = await serve_console(tg, bot, staff_locale="ru")
    staff = tg.group(STAFF_CHAT)
    admin = tg.user(9601, first_name="Admin", language_code="ru")
    officer = tg.user(9602, first_name="Марат", language_code="ru")
    colleague = tg.user(9603, first_name="Colleague", language_code="ru")
    staff.add_member(admin, admin=True)
    staff.add_member(officer)
    staff.add_member(colleague)
    akimat = tg.group(BODY_CHAT, title="Akimat")
    await answer_to(tg, staff, admin, ADD_AKIMAT)
    await answer_to(tg, staff, colleague, "/me капитан Ахметов")
    staff.unread()
    resident = tg.user(9604, first_name="Resident", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru", description="Шумят соседи по ночам, уже неделю")
    post = await staff_post(tg, bot)
    await submit_report(resident, "ru", description="Опять шумят соседи, снова ночью")
    await submit_report(resident, "ru", description="Мусор во дворе у дома, много")
    resident.unread()

    async with aiohttp.ClientSession() as http:
        card = Card(http, base)
        await card.sign_in(signed_launch(officer.id, bot.clock() - timedelta(minutes=1)))

        # a message to the resident, as one typed in the group: signed, escaped; the group
        # sees it under the post
        assert await card.press(1000, "write", text="Зайдите <b>завтра</b> в пункт") == "sent"
        told = await resident.next_message(timeout=10)
        assert told.text == (
            "💬 По Вашему сообщению № 1000 пишет дежурный сотрудник полиции:\n"
            "Зайдите <b>завтра</b> в пункт"
        ), "the officer's words as typed, never as markup"
        shown = await said(tg, staff, "💬 Марат — жителю по сообщению № 1000 (из консоли):")
        assert shown.text.endswith("Зайдите <b>завтра</b> в пункт")
        assert await card.press(1000, "write", text="   ") == "empty"
        page = await card.open(1000, "&outcome=empty")
        assert "Ничего не отправлено: сначала напишите текст." in page

        # 1001 repeats 1000: closed with a link, its author follows the original
        assert await card.press(1001, "duplicate", original="1000") == "done"
        assert "№ 1000" in (await resident.next_message(timeout=10)).text
        assert await card.press(1002, "duplicate", original="99999") == "noorig"

        # a longer term, with the reason the resident reads
        assert await card.press(1000, "extend", days="0", reason="свидетель в отъезде") == (
            "baddate"
        )
        assert await card.press(1000, "extend", days="5", reason="свидетель <в отъезде>") == (
            "done"
        )
        extended = await resident.next_message(timeout=10)
        assert "№ 1000" in extended.text
        assert extended.text.endswith("Причина: свидетель <в отъезде>"), "escaped, shown as typed"

        # handed to a colleague from the list (those who introduced themselves with /me)
        page = await card.open(1000)
        assert f'<option value="{colleague.id}">капитан Ахметов</option>' in page
        assert await card.press(1000, "assign", to=str(colleague.id)) == "done"
        taken = await resident.next_message(timeout=10)
        assert "№ 1000" in taken.text and "капитан Ахметов" in taken.text
        await tg.wait_for(lambda: "Colleague" in (post.text or ""), timeout=10)
        assert "принято в работу" in post.text.lower(), "the staff post edited as by a button"
        assert await card.press(1000, "assign", to=str(resident.id)) == "notstaff"

        # resolved with a note for the resident
        note = "Провели беседу с соседями & составили протокол"
        assert await card.press(1000, "resolve", note=note) == "done"
        resolved = await resident.next_message(timeout=10)
        assert "№ 1000" in resolved.text and note in resolved.text, "the note as typed"

        # an old card's button: someone was faster, nothing happens
        page = await card.open(1000)
        csrf = re.search(r'name="csrf" value="([0-9a-f]{32})"', page)
        assert csrf is not None
        async with http.post(
            f"{card.base}r/1000/take",
            data={"csrf": csrf.group(1), "seen": "new"},
            headers=card.headers,
            allow_redirects=False,
        ) as old:
            assert old.headers["Location"].endswith("?outcome=late")

        # reopened, then rejected with a listed reason
        assert await card.press(1000, "reopen") == "done"
        assert "№ 1000" in (await resident.next_message(timeout=10)).text
        assert await card.press(1000, "reject", reason="notpolice") == "done"
        rejected = await resident.next_message(timeout=10)
        assert "№ 1000" in rejected.text and "вне компетенции полиции" in rejected.text
        page = await card.open(1000)
        assert 'action="/console/r/1000/reopen"' in page
        assert 'action="/console/r/1000/reject"' not in page, "a closed report's card"

        # referred to the akimat: its chat gets the report, the resident is told
        assert await card.press(1002, "refer", body="akimat") == "done"
        await said(tg, akimat, "↪️ Обращение № 1002")
        assert "Акимат района Аль-Фараби" in (await resident.next_message(timeout=10)).text

    pressed = await plain(
        db_of,
        "SELECT actor_id, action, detail FROM staff_audit WHERE chat_id = 0"
        " AND action LIKE 'console %' AND action NOT IN ('console card', 'console sign-in')",
    )
    assert [(who, what, detail.split()[-1]) for who, what, detail in pressed] == [
        (officer.id, "console write", "sent"),
        (officer.id, "console write", "empty"),
        (officer.id, "console duplicate", "done"),
        (officer.id, "console duplicate", "noorig"),
        (officer.id, "console extend", "baddate"),
        (officer.id, "console extend", "done"),
        (officer.id, "console assign", "done"),
        (officer.id, "console assign", "notstaff"),
        (officer.id, "console resolve", "done"),
        (officer.id, "console take", "late"),
        (officer.id, "console reopen", "done"),
        (officer.id, "console reject", "done"),
        (officer.id, "console refer", "done"),
    ]


async def test_the_card_shows_the_report_s_photo_through_the_bot(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    """The photo comes from Telegram through the bot (getFile, then the download, streamed):
    the page names only the console's own address, never a Telegram file URL with the
    token."""
    _, base = await serve_console(tg, bot)
    officer = tg.user(9611, first_name="Officer", language_code="ru")
    tg.group(STAFF_CHAT).add_member(officer)
    resident = tg.user(9612, first_name="Resident", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru", photo=True, description="Мусор у подъезда, фото")
    async with aiohttp.ClientSession() as http:
        card = Card(http, base)
        await card.sign_in(signed_launch(officer.id, bot.clock() - timedelta(minutes=1)))
        page = await card.open(1000)
        assert '<img src="/console/r/1000/media/0"' in page
        assert TOKEN not in page and "/file/bot" not in page
        async with http.get(f"{card.base}r/1000/media/0", headers=card.headers) as photo:
            assert photo.status == 200 and photo.content_type == "image/jpeg"
            assert await photo.read() == b"fake file contents"
        assert len(tg.calls_of("getFile")) == 1
        async with http.get(f"{card.base}r/1000/media/3", headers=card.headers) as missing:
            assert missing.status == 404
        async with http.get(f"{card.base}r/1000/media/0") as anonymous:
            assert anonymous.status == 401, "no session, no photo"


async def test_bulk_work_from_the_queue(tg: FakeTelegram, bot: RunningBot, db_of: Any) -> None:
    """Two reports ticked in the queue are handed to a colleague in one step, each resident
    told; one ticked as it was before a change is left alone and counted; another filed under
    another category; the map's «in view» list narrows the queue to the reports named."""
    _, base = await serve_console(tg, bot, staff_locale="ru")
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9621, first_name="Марат", language_code="ru")
    colleague = tg.user(9622, first_name="Colleague", language_code="ru")
    staff.add_member(officer)
    staff.add_member(colleague)
    await answer_to(tg, staff, colleague, "/me капитан Ахметов")
    residents = [tg.user(9623 + n, first_name="R", language_code="ru") for n in range(3)]
    for resident in residents:
        await onboard(resident, "ru")
        await submit_report(resident, "ru", description="Шумят соседи по ночам, уже неделю")
        resident.unread()
    async with aiohttp.ClientSession() as http:
        card = Card(http, base)
        await card.sign_in(signed_launch(officer.id, bot.clock() - timedelta(minutes=1)))
        async with http.get(f"{card.base}?lang=ru&ids=1000.1002", headers=card.headers) as page:
            listed = await page.text()
        assert "/console/r/1000" in listed and "/console/r/1002" in listed
        assert "/console/r/1001" not in listed, "only the reports named"
        csrf = re.search(r'name="csrf" value="([0-9a-f]{32})"', listed)
        assert csrf is not None
        assert '<input type="checkbox" name="n" value="1000:new"' in listed

        async def bulk(*pairs: tuple[str, str]) -> str:
            async with http.post(
                f"{card.base}bulk",
                data=[("csrf", csrf.group(1)), *pairs],
                headers=card.headers,
                allow_redirects=False,
            ) as done:
                assert done.status == 303
                return done.headers["Location"]

        assert (
            await bulk(
                ("n", "1000:new"), ("n", "1001:new"), ("step", "assign"), ("to", str(colleague.id))
            )
            == "/console/?done=2&late=0"
        )
        for resident in residents[:2]:
            told = await resident.next_message(timeout=10)
            assert "принято в работу" in told.text.lower() and "капитан Ахметов" in told.text
        # 1000 as the queue showed it before: changed meanwhile, left alone
        assert (
            await bulk(
                ("n", "1000:new"), ("n", "1002:new"), ("step", "category"), ("category", "litter")
            )
            == "/console/?done=1&late=1"
        )
        assert "Выброс мусора" in (await residents[2].next_message(timeout=10)).text
        async with http.get(f"{card.base}?lang=ru&done=1&late=1", headers=card.headers) as page:
            assert "Сделано: 1 сообщение. 1 не изменено" in await page.text()
        stale = await bulk(("n", "1000:new"), ("step", "assign"), ("to", "me"))
        assert stale == "/console/?done=0&late=1", "taken meanwhile: not taken from the colleague"
        forged = await http.post(
            f"{card.base}bulk",
            data=[("csrf", "0" * 32), ("n", "1002:new"), ("step", "assign"), ("to", "me")],
            headers=card.headers,
            allow_redirects=False,
        )
        assert forged.headers["Location"] == "/console/?bulk=stale"
    rows = await plain(db_of, "SELECT id, status, officer_id, category FROM reports ORDER BY id")
    assert rows == [
        (1000, "taken", colleague.id, "noise"),
        (1001, "taken", colleague.id, "noise"),
        (1002, "new", None, "litter"),
    ]
