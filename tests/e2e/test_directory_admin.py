"""The directory from the staff group: what is loaded, a replacement by an administrator
(checked first, all or nothing), and an officer linking their account to their inspector."""

from __future__ import annotations

import json
from typing import Any

from bot.resources import demo_directory_path
from bot.services.directory import DirectoryService
from bot.storage.db import Database
from bot.telegram.callbacks import CategoryCb, InspectorReportCb, StaffCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import onboard, submit_report
from tests.e2e.test_inspector import lookup


async def test_status_and_a_replacement_by_an_admin_only(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9801, first_name="Officer", language_code="kk")
    admin = tg.user(9802, first_name="Admin", language_code="kk")
    staff.add_member(officer)
    staff.add_member(admin, admin=True)
    await staff.send(officer, "/directory")
    status = await staff.next_message()
    assert "Учаскелер: 4 · инспекторлар: 4 · полиция пункттері: 3" in status.text

    data = json.loads(demo_directory_path().read_text("utf-8"))
    data["features"] = [f for f in data["features"] if f["properties"]["id"] != "koksay-1"]
    smaller = json.dumps(data, ensure_ascii=False).encode()
    await staff.send_document(officer, "pilot.geojson", smaller, caption="/directory")
    assert (await staff.next_message()).text == "Анықтамалықты тек топ әкімшілері ауыстыра алады."

    broken = json.loads(json.dumps(data))
    broken["features"][0]["geometry"]["coordinates"][0].pop()  # no longer closed
    broken["features"][1]["properties"]["inspectors"][0]["phones"] = ["+1 202 555 0100"]
    await staff.send_document(
        admin, "broken.geojson", json.dumps(broken).encode(), caption="/directory"
    )
    answer = await staff.next_message()
    lines = answer.text.splitlines()
    assert lines[0] == "Ештеңе өзгерген жоқ: файлда 2 қате бар."
    assert lines[1] == (
        "• broken.geojson 1-объект (zhd-vokzal), сыртқы шекара: тұйықталмаған (соңғы нүкте "
        "біріншісін қайталауы керек)"
    )
    assert "'+1 202 555 0100' — қазақстандық нөмір емес" in lines[2]
    assert len(await db_of("SELECT id FROM precincts")) == 4, "nothing changed"

    await staff.send_document(admin, "pilot.geojson", smaller, caption="/directory")
    answer = await staff.next_message()
    assert answer.text.startswith("✅ Анықтамалық ауыстырылды: 3 учаске, 3 инспектор")
    assert len(await db_of("SELECT id FROM precincts")) == 3
    await staff.send(officer, "/directory")
    status = await staff.next_message()
    assert "Соңғы жүктеу:" in status.text and "Admin (pilot.geojson)" in status.text

    # residents are answered from the new directory at once
    resident = tg.user(9803, first_name="R", language_code="ru")
    await resident.send("/start")
    await resident.next_message()
    await resident.next_message()
    await resident.send_location(42.300, 69.550)  # Көксай-1, gone from the directory
    answer = await resident.next_message()
    assert answer.text.startswith("Это место не входит ни в один участок")


async def test_an_officer_linked_to_an_inspector_is_mentioned_on_their_reports(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9804, first_name="Ерлан", language_code="kk")
    staff.add_member(officer)
    await staff.send(officer, "/me nobody-here")
    assert (await staff.next_message()).text.startswith("/me командасынан кейін")
    await staff.send(officer, "/me demo-ins-1")
    linked = await staff.next_message()
    assert linked.text == (
        "Байланыстырылды: анықтамалықта Сіз — полиция капитаны Серікбаев Ерлан (демо). "
        "Учаскеңіздің хабарламаларында Сіз белгіленесіз."
    )
    resident = tg.user(9805, first_name="Aigerim", language_code="kk")
    await onboard(resident, "kk")
    card, _, _ = await lookup(resident, 42.300, 69.610)
    await resident.press(card, data=InspectorReportCb(lat=42.3, lon=69.61))
    await submit_report(resident, "kk", start=False, description="Шу", address=None)
    await staff.next_message(timeout=10)  # the map pin
    post = await staff.next_message(timeout=10)
    mentions = [e for e in post.entities if e["type"] == "text_mention"]
    assert [m["user"]["id"] for m in mentions] == [9804], "the linked inspector is notified"
    await staff.press(officer, post, data=StaffCb(action="take", report=1000, seen="n"))
    notice = await resident.next_message(timeout=10)
    # /me with the inspector id set the name residents see (no /me rank surname before)
    assert notice.text == "№ 1000 хабарламаңызды полиция капитаны Серікбаев қарауға алды."
    assert await eventually(lambda: db_of("SELECT 1 FROM inspector_links WHERE user_id = 9804"))


async def test_an_import_from_the_command_line_reaches_the_running_bot(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    """`sakshy import-directory` is another process with its own connection to the database."""
    data = json.loads(demo_directory_path().read_text("utf-8"))
    data["features"] = [f for f in data["features"] if f["properties"]["id"] != "zhd-vokzal"]
    other = Database(bot.db_path)
    await other.connect()
    try:
        result = await DirectoryService(other, bot.clock).import_text(json.dumps(data), "cli")
    finally:
        await other.close()
    assert result.applied
    assert bot.app is not None
    assert await eventually(lambda: _no_zhd(bot)), "the running bot reloaded it"
    resident = tg.user(9806, first_name="R", language_code="kk")
    await resident.send("/start")
    await resident.next_message()
    await resident.next_message()
    await resident.send_location(42.300, 69.610)
    answer = await resident.next_message()
    assert answer.text.startswith("Бұл жер менің анықтамалығымдағы учаскелердің")


async def _no_zhd(bot: RunningBot) -> bool:
    assert bot.app is not None
    return bot.app.directory.current.precinct("zhd-vokzal") is None


async def test_an_inspector_record_linked_to_someone_else_needs_an_admin(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    real = tg.user(9807, first_name="Real", language_code="ru")
    other = tg.user(9808, first_name="Other", language_code="ru")
    admin = tg.user(9809, first_name="Admin", language_code="ru")
    staff.add_member(real)
    staff.add_member(other)
    staff.add_member(admin, admin=True)
    await staff.send(real, "/me demo-ins-2")
    assert (await staff.next_message()).text.startswith("Аккаунт привязан")
    await staff.send(other, "/me demo-ins-2")
    assert (await staff.next_message()).text.startswith(
        "Эта запись инспектора уже привязана к другому аккаунту."
    )
    rows = await db_of("SELECT user_id FROM inspector_links WHERE inspector_id = 'demo-ins-2'")
    assert rows[0][0] == 9807
    await staff.send(admin, "/me demo-ins-2")
    assert (await staff.next_message()).text.startswith("Аккаунт привязан")
    rows = await db_of("SELECT user_id FROM inspector_links WHERE inspector_id = 'demo-ins-2'")
    assert rows[0][0] == 9809


async def test_a_command_in_the_middle_of_a_report_is_not_its_description(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    user = tg.user(9810, first_name="R", language_code="kk")
    await onboard(user, "kk")
    await user.send("/report")
    await user.press(await user.next_message(), data=CategoryCb(key="noise"))
    await user.next_message()  # what happened?
    await user.send("/inspector")
    assert (await user.next_message()).text.startswith("👮 Менің учаскелік инспекторым")
