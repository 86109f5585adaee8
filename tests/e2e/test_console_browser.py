"""The staff console in a real browser (issue 24): Debian's Chromium, driven by Selenium through
Debian's chromedriver, against the running bot and the fake Telegram, tiles from a local stub.

An officer signs in with valid Mini App data, opens the queue, filters it, opens a report
from the map, takes it and resolves it with a note; the fake Telegram saw the staff post
edited and the resident told. The page's Content-Security-Policy holds (the browser reports
no violation, no script error). On a phone-sized and a desk-sized window; with
`SAKSHY_SCREENSHOTS=folder` the main pages are saved there (docs/screenshots/ holds the
committed ones).

Without Chromium the test is skipped, unless `SAKSHY_REQUIRE_BROWSER=1` (CI sets it: there a
missing browser is a failure, not a skip).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import struct
import zlib
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.telegram.health import listening_address
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, scaled
from tests.e2e.scenarios import onboard, submit_report
from tests.e2e.test_console import serve_console, signed_launch

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
REQUIRED = os.environ.get("SAKSHY_REQUIRE_BROWSER") == "1"

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER) and not REQUIRED,
    reason="no Chromium and chromedriver (apt install chromium chromium-driver)",
)

#: window sizes: a phone (as Telegram's Mini App on it) and a desk
SIZES = {"phone": (390, 844), "desk": (1280, 900)}


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain PNG of one colour (a map tile for the stub)."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", raw)
        + b"".join([chunk(b"IEND", b"")])
    )


@pytest.fixture
async def tiles() -> AsyncIterator[tuple[str, list[str]]]:
    """A tile server on loopback: every tile a light grey square; the paths asked, recorded."""
    asked: list[str] = []
    tile = png(256, 256, (232, 232, 228))

    async def serve(request: web.Request) -> web.Response:
        asked.append(request.path)
        return web.Response(body=tile, content_type="image/png")

    app = web.Application()
    app.router.add_get("/tiles/{z}/{x}/{y}.png", serve)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = listening_address(runner)
    try:
        yield f"http://{host}:{port}/tiles/{{z}}/{{x}}/{{y}}.png", asked
    finally:
        await runner.cleanup()


def browser(size: tuple[int, int]) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        # no crash reporter: its handler outlives the browser (a process left behind)
        "--disable-crash-reporter",
        "--disable-breakpad",
        # nothing leaves the machine: telegram.org's scripts fail at once instead of waiting
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--window-size={size[0]},{size[1]}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(DRIVER)))
    driver.set_page_load_timeout(scaled(30))
    return driver


class Browser:
    """The synchronous WebDriver, driven from a thread so the bot's event loop runs on."""

    def __init__(self, driver: Any, base: str) -> None:
        self.driver = driver
        self.base = base

    async def do(self, step: Callable[[Any], Any]) -> Any:
        return await asyncio.to_thread(step, self.driver)

    async def wait(self, check: Callable[[Any], Any], seconds: float = 15) -> Any:
        from selenium.webdriver.support.ui import WebDriverWait

        return await self.do(lambda d: WebDriverWait(d, scaled(seconds)).until(check))

    async def problems(self) -> list[str]:
        """What the browser's console said went wrong: CSP violations, script errors."""
        logs = await self.do(lambda d: d.get_log("browser"))
        return [
            entry["message"]
            for entry in logs
            if entry["level"] == "SEVERE" and "telegram.org" not in entry["message"]
        ]

    async def shoot(self, name: str) -> None:
        folder = os.environ.get("SAKSHY_SCREENSHOTS")
        if folder:

            def save(d: Any) -> None:
                Path(folder).mkdir(parents=True, exist_ok=True)
                d.save_screenshot(str(Path(folder) / f"{name}.png"))

            await self.do(save)


@pytest.mark.parametrize("size", ["phone", "desk"])
async def test_a_shift_in_a_real_browser(
    tg: FakeTelegram, bot: RunningBot, tiles: tuple[str, list[str]], size: str
) -> None:
    from selenium.webdriver.common.by import By

    tile_url, tiles_asked = tiles
    _, base = await serve_console(tg, bot, map_tile_url=tile_url, staff_locale="ru")
    officer = tg.user(9401, first_name="Марат", language_code="ru")
    tg.group(STAFF_CHAT).add_member(officer)
    resident = tg.user(9402, first_name="Resident", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru", address=(42.3177, 69.5862))
    await submit_report(resident, "ru", address=(42.3301, 69.6012), category="litter")
    resident.unread()
    launch = signed_launch(officer.id, bot.clock() - timedelta(minutes=1))

    driver = await asyncio.to_thread(browser, SIZES[size])
    page = Browser(driver, base)
    try:
        # signed in as the Mini App signs in: its script posts Telegram's launch data
        await page.do(lambda d: d.get(page.base + "?lang=ru"))
        await page.do(
            lambda d: d.execute_script(
                "var f = document.getElementById('login');"
                "f.elements['init_data'].value = arguments[0]; f.submit();",
                launch,
            )
        )
        await page.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "table tbody tr"))
        rows = await page.do(lambda d: d.find_element(By.TAG_NAME, "tbody").text)
        assert "1000" in rows and "1001" in rows
        await page.shoot(f"console-queue-{size}")

        # a filter, in the address: both reports are untaken
        await page.do(lambda d: d.find_element(By.LINK_TEXT, "не принятые").click())
        await page.wait(lambda d: "show=untaken" in d.current_url)
        assert "2 открытых сообщения" in await page.do(lambda d: d.page_source)

        # the map: both reports as markers, tiles from the stub; a marker opens the card
        await page.do(lambda d: d.find_element(By.LINK_TEXT, "Карта").click())
        await page.wait(lambda d: d.find_element(By.ID, "map").get_attribute("data-ready"))
        ready = await page.do(lambda d: d.find_element(By.ID, "map").get_attribute("data-ready"))
        assert ready == "2", ready
        await page.wait(lambda d: d.find_elements(By.CSS_SELECTOR, ".leaflet-marker-icon.pin-new"))
        assert tiles_asked, "the tiles came from the configured server"
        count = await page.do(lambda d: d.find_element(By.ID, "map-count").text)
        assert count == "Показано меток: 2 из 2."
        await page.shoot(f"console-map-{size}")
        listed = await page.do(lambda d: d.find_element(By.ID, "in-view").get_attribute("href"))
        assert listed.endswith(("/console/?ids=1001.1000", "/console/?ids=1000.1001")), listed
        await page.do(
            lambda d: d.find_element(
                By.CSS_SELECTOR, '.leaflet-marker-icon.pin-new[title^="№ 1000 "]'
            ).click()
        )
        await page.wait(lambda d: d.current_url.endswith("/console/r/1000"))

        # take it, then resolve it with a note
        await page.do(
            lambda d: d.find_element(By.CSS_SELECTOR, 'form[action$="/take"] button').click()
        )
        await page.wait(lambda d: "outcome=done" in d.current_url)
        assert "принято в работу" in (await resident.next_message(timeout=10)).text.lower()
        await page.shoot(f"console-card-{size}")
        note = "Провели беседу, нарушение устранено"

        def resolve(d: Any) -> None:
            form = d.find_element(By.CSS_SELECTOR, 'form[action$="/resolve"]')
            form.find_element(By.NAME, "note").send_keys(note)
            form.find_element(By.TAG_NAME, "button").click()

        await page.do(resolve)
        await page.wait(
            lambda d: "outcome=done" in d.current_url and "/resolve" not in d.page_source
        )
        told = await resident.next_message(timeout=10)
        assert (
            told.text.startswith("По Вашему сообщению № 1000 вопрос решён.") and note in told.text
        )
        staff = tg.group(STAFF_CHAT)

        def post_resolved() -> bool:
            return any(
                "Сообщение № 1000" in (m.text or "") and "Статус: решено" in (m.text or "")
                for m in staff.messages
            )

        await tg.wait_for(post_resolved, timeout=10)  # the staff post edited, as by a button

        # the week's figures, the chart drawn on the server
        await page.do(lambda d: d.find_element(By.LINK_TEXT, "Показатели").click())
        await page.wait(
            lambda d: d.execute_script(
                "var i = document.querySelector('img.chart'); return i && i.naturalWidth > 0;"
            )
        )
        assert "Всего 2 сообщения" in await page.do(lambda d: d.page_source)
        await page.shoot(f"console-dashboard-{size}")
        assert await page.problems() == []
    finally:
        await asyncio.to_thread(driver.quit)
        # the browser's processes end a moment after chromedriver has gone (longer on a busy
        # machine): wait for them, so none is left behind for the session's check
        await tg.wait_for(lambda: not browser_processes(), timeout=15)


def browser_processes() -> list[Any]:
    from tests import orphans

    return [p for p in orphans.leftovers() if "chrom" in p.command]
