"""The staff console's first slice through real HTTP (issue 24): a member of the staff group
signs in with Telegram's signed Mini App data and sees the queue in their language, with the
report a resident just sent; a forged, expired or outsider's sign-in is refused with a page
that says why; a forged session is no session; the pages carry the security headers."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bot.domain.console_auth import issue_session, session_key
from bot.telegram.callbacks import StaffCb
from bot.telegram.health import listening_address
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, TOKEN, RunningBot
from tests.e2e.scenarios import button_shown, onboard, submit_report
from tests.e2e.test_legal_clock import plain
from tests.e2e.test_staff import staff_post


async def serve_console(tg: FakeTelegram, bot: RunningBot, **settings: Any) -> tuple[Any, str]:
    """The bot restarted with the console on a free port (and `settings`): the app and the
    console's address."""
    app = await bot.restart(web_port=0, **settings)
    await tg.wait_for(lambda: app.console_runner is not None, timeout=10)
    assert app.console_runner is not None
    host, port = listening_address(app.console_runner)
    return app, f"http://{host}:{port}/console/"


def signed_launch(
    user_id: int, when: datetime, token: str = TOKEN, lang: str = "ru", start: str = ""
) -> str:
    """Mini App launch data as Telegram signs it (checked against aiogram in the unit test);
    `start`: the `startapp` parameter of the t.me link that opened it."""
    user = {"id": user_id, "first_name": "Марат", "language_code": lang}
    fields = {
        "user": json.dumps(user, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(int(when.timestamp())),
    }
    if start:
        fields["start_param"] = start
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)


async def test_a_staff_member_signs_in_and_sees_the_queue(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    _, base = await serve_console(tg, bot)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9961, first_name="Officer", language_code="ru")
    staff.add_member(officer)
    outsider = tg.user(9962, first_name="Outsider", language_code="ru")
    resident = tg.user(9963, first_name="Resident", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru", description="<script>alert(1)</script> шумят")
    post = await staff_post(tg, bot)
    now = bot.clock()

    async with aiohttp.ClientSession() as http:

        async def login(data: str, query: str = "") -> aiohttp.ClientResponse:
            return await http.post(
                base + "login" + query, data={"init_data": data}, allow_redirects=False
            )

        async def page(cookie: str | None = None, query: str = "") -> tuple[int, str, Any]:
            headers = {"Cookie": f"sakshy_console={cookie}"} if cookie else {}
            async with http.get(base + query, headers=headers, allow_redirects=False) as r:
                return r.status, await r.text(), r.headers

        # not signed in: the sign-in page, its script from the server itself, no inline one
        status, text, headers = await page()
        assert status == 200 and "Консольді Telegram-дағы боттан ашыңыз" in text
        assert "script-src 'self' https://telegram.org" in headers["Content-Security-Policy"]
        assert '<script src="/console/static/console.js">' in text and "<script>" not in text

        # a member of the staff group, in Russian (from Telegram's language_code)
        signed = await login(signed_launch(officer.id, now - timedelta(minutes=1)))
        assert signed.status == 303 and signed.headers["Location"] == "/console/"
        cookie = signed.cookies["sakshy_console"]
        assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Strict"
        status, text, _ = await page(cookie.value, "?lang=ru")
        assert status == 200
        assert "1 открытое сообщение" in text and '<a href="/console/r/1000">1000</a>' in text
        assert "Шум, нарушение тишины" in text and "<td>новое</td>" in text
        # the report's card: what its post shows and its history, each look audited
        status, text, _ = await page(cookie.value, "r/1000?lang=ru")
        assert status == 200 and "Сообщение № 1000" in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; шумят" in text
        assert "<script>alert" not in text, "the resident's words escaped"
        assert '<a href="/console/">← Очередь</a>' in text
        looks = await plain(
            db_of, "SELECT actor_id, action FROM staff_audit WHERE action = 'console card'"
        )
        assert looks == [(officer.id, "console card")]
        # the card's buttons act as the group's do: the post edited, the resident told
        token = re.search(r'name="csrf" value="([0-9a-f]{32})"', text)
        assert token is not None and "🙋 Принять в работу" in text

        async def press(action: str, seen: str, csrf: str) -> aiohttp.ClientResponse:
            return await http.post(
                f"{base}r/1000/{action}?lang=ru",
                data={"csrf": csrf, "seen": seen},
                headers={"Cookie": f"sakshy_console={cookie.value}"},
                allow_redirects=False,
            )

        forged_form = await press("take", "new", "0" * 32)
        assert forged_form.status == 403, "a cross-site post cannot know the token"
        assert "Эта форма устарела, ничего не сделано." in await forged_form.text()
        took = await press("take", "new", token.group(1))
        assert took.status == 303 and took.headers["Location"].endswith("?outcome=done")
        assert "принято в работу" in (await resident.next_message(timeout=10)).text.lower()
        await button_shown(tg, post, StaffCb(action="resolve", report=1000, seen="t"))
        late = await press("take", "new", token.group(1))  # the card as it was before
        assert late.headers["Location"].endswith("?outcome=late")
        status, text, _ = await page(cookie.value, "r/1000?lang=ru&outcome=late")
        assert "Кто-то успел раньше" in text and "✅ Решено" in text
        resolved = await press("resolve", "taken", token.group(1))
        assert resolved.headers["Location"].endswith("?outcome=done")
        told = await resident.next_message(timeout=10)
        assert told.text.startswith("По Вашему сообщению № 1000 вопрос решён.")
        actions = await plain(
            db_of,
            "SELECT actor_id, action FROM staff_audit WHERE chat_id = 0"
            " AND action <> 'console card'",
        )
        assert actions == [
            (officer.id, "console sign-in"),
            (officer.id, "console take"),
            (officer.id, "console take"),
            (officer.id, "console resolve"),
        ]

        status, text, _ = await page(cookie.value, "r/999999?lang=ru")
        assert status == 404 and "Сообщения № 999999 нет." in text
        status, text, _ = await page(cookie.value, "?lang=kk&show=overdue")
        assert "0 ашық хабарлама" in text and "Мұнда ештеңе жоқ." in text

        # refused: another bot's signature, an old one, an outsider, a forged session
        # (the language of a refusal: the page's, never the unverified data's; kk by default)
        forged = await login(signed_launch(officer.id, now, token="1:another-bot"))
        assert forged.status == 401
        assert "Telegram бұл кіруді растамады." in await forged.text()
        old = await login(signed_launch(officer.id, now - timedelta(days=2)), "?lang=ru")
        assert old.status == 401 and "Этот вход устарел" in await old.text()
        stranger = await login(signed_launch(outsider.id, now), "?lang=ru")
        assert stranger.status == 403
        assert "Консоль только для участников группы дежурной части." in await stranger.text()
        refusals = await plain(
            db_of, "SELECT actor_id, action, detail FROM staff_audit WHERE action = 'refused'"
        )
        assert refusals == [(outsider.id, "refused", "console sign-in")]
        made_up = issue_session(officer.id, now + timedelta(hours=1), session_key("1:other"))
        status, text, _ = await page(made_up)
        assert status == 200 and "<table>" not in text, "the sign-in page, not the queue"
        theirs = issue_session(outsider.id, now + timedelta(hours=1), session_key(TOKEN))
        status, text, _ = await page(theirs)
        assert status == 403 and "<table>" not in text, "membership checked on every page"


async def test_staff_members_get_the_console_button_residents_do_not(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    """With CONSOLE_URL set, a member of the staff group who writes to the bot privately gets
    the «🗂 Console» menu button (a Mini App opens from a private chat only); a resident does
    not."""
    url = "https://sakshy.example.kz/console/"
    await bot.restart(console_url=url)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9971, first_name="Officer", language_code="ru")
    staff.add_member(officer)
    resident = tg.user(9972, first_name="Resident", language_code="ru")
    await officer.send("/start")
    await officer.next_message()
    await tg.wait_for(lambda: officer.id in tg.menu_buttons, timeout=10)
    assert tg.menu_buttons[officer.id] == {
        "type": "web_app",
        "text": "🗂 Консоль",
        "web_app": {"url": url},
    }
    await onboard(resident, "ru")
    await officer.send("/help")  # a second message: asked once per process
    await officer.next_message()
    assert resident.id not in tg.menu_buttons
    assert len([c for c in tg.calls_of("setChatMenuButton")]) == 1


def widget_fields(user_id: int, when: datetime, token: str = TOKEN) -> dict[str, str]:
    """The Login Widget's return as Telegram signs it (the token's SHA-256 as the key)."""
    fields = {"id": str(user_id), "first_name": "Марат", "auth_date": str(int(when.timestamp()))}
    secret = hashlib.sha256(token.encode()).digest()
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return fields


async def test_in_a_browser_the_login_widget_signs_a_staff_member_in(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    app, base = await serve_console(tg, bot)
    officer = tg.user(9981, first_name="Officer", language_code="ru")
    tg.group(STAFF_CHAT).add_member(officer)
    now = bot.clock()
    async with aiohttp.ClientSession() as http:
        async with http.get(base) as start:
            text = await start.text()
        me = await app.bot.me() if app.bot else None
        assert me is not None and f'data-telegram-login="{me.username}"' in text
        assert 'data-auth-url="/console/widget"' in text
        query = urlencode(widget_fields(officer.id, now))
        async with http.get(f"{base}widget?{query}", allow_redirects=False) as signed:
            assert signed.status == 303 and "sakshy_console" in signed.cookies
        forged = urlencode(widget_fields(officer.id, now, token="1:another-bot"))
        async with http.get(f"{base}widget?{forged}&lang=ru", allow_redirects=False) as refused:
            assert refused.status == 401
            assert "Telegram не подтвердил этот вход" in await refused.text()
        # a Mini App's signature is not a widget's: the same fields signed the other way
        launch = dict(pair.split("=", 1) for pair in signed_launch(officer.id, now).split("&"))
        async with http.get(f"{base}widget?{urlencode(launch)}", allow_redirects=False) as other:
            assert other.status == 401


async def test_a_staff_post_opens_its_card_in_the_console(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    """With CONSOLE_APP_LINK (the Mini App registered with BotFather's /newapp), every staff
    post carries a t.me button with `startapp=r<number>` (a web_app button is refused in a
    group); the Mini App opened from it signs in and lands on that report's card."""
    link = "https://t.me/sakshy_test_bot/console"
    _, base = await serve_console(tg, bot, console_app_link=link, staff_locale="ru")
    officer = tg.user(9991, first_name="Officer", language_code="ru")
    tg.group(STAFF_CHAT).add_member(officer)
    resident = tg.user(9992, first_name="Resident", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru")
    post = await staff_post(tg, bot)
    buttons = [b for row in post.reply_markup["inline_keyboard"] for b in row]
    assert {"text": "🗂 В консоли", "url": f"{link}?startapp=r1000"} in buttons
    async with aiohttp.ClientSession() as http:
        launch = signed_launch(officer.id, bot.clock(), start="r1000")
        async with http.post(
            base + "login",
            data={"init_data": launch},
            allow_redirects=False,
        ) as signed:
            assert signed.status == 303 and signed.headers["Location"] == "/console/r/1000"
    # the button stays when the post changes
    await tg.group(STAFF_CHAT).press(
        officer, post, data=StaffCb(action="take", report=1000, seen="n")
    )
    await button_shown(tg, post, StaffCb(action="resolve", report=1000, seen="t"))
    buttons = [b for row in post.reply_markup["inline_keyboard"] for b in row]
    assert {"text": "🗂 В консоли", "url": f"{link}?startapp=r1000"} in buttons


async def test_one_person_s_requests_are_limited(tg: FakeTelegram, bot: RunningBot) -> None:
    """Over the minute's allowance, a page says to wait (429) and an action is not done."""
    from bot.domain.console_limits import Allowance

    app, base = await serve_console(tg, bot)
    assert app.console is not None
    app.console.actions_allowed = Allowance(limit=1, window=60)
    app.console.pages_allowed = Allowance(limit=4, window=60)
    officer = tg.user(9931, first_name="Officer", language_code="ru")
    tg.group(STAFF_CHAT).add_member(officer)
    resident = tg.user(9932, first_name="Resident", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru")
    async with aiohttp.ClientSession() as http:
        async with http.post(
            base + "login",
            data={"init_data": signed_launch(officer.id, bot.clock())},
            allow_redirects=False,
        ) as signed:
            headers = {"Cookie": f"sakshy_console={signed.cookies['sakshy_console'].value}"}
        async with http.get(base + "r/1000?lang=ru", headers=headers) as page:  # 1 of 4
            csrf = re.search(r'name="csrf" value="([0-9a-f]{32})"', await page.text())
        assert csrf is not None
        form = {"csrf": csrf.group(1), "seen": "new", "text": "Подойдите в пункт 42"}
        async with http.post(
            base + "r/1000/write", data=form, headers=headers, allow_redirects=False
        ) as first:  # 2 of 4, the one action
            assert first.status == 303

        def greeted() -> list[Any]:
            return [m for m in resident.messages if "Подойдите в пункт 42" in (m.text or "")]

        await tg.wait_for(greeted, timeout=10)
        async with http.post(
            base + "r/1000/write?lang=ru", data=form, headers=headers, allow_redirects=False
        ) as second:  # 3 of 4: over the actions' allowance
            assert second.status == 429 and second.headers["Retry-After"] == "60"
            assert "Слишком много запросов за минуту" in await second.text()
        async with http.get(base + "?lang=ru", headers=headers) as fourth:
            assert fourth.status == 200
        async with http.get(base + "?lang=ru", headers=headers) as fifth:
            assert fifth.status == 429, "over the pages' allowance"
    await asyncio.sleep(0.5)  # what the refused action would have sent had time to come
    assert len(greeted()) == 1, "the action over the allowance was not done"
