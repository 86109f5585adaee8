"""A staff group with forum topics: each report its own topic, and what happens when Telegram or
an admin gets in the way (no right to create topics, a topic closed by hand, topics switched on
while the bot runs)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.resources import demo_directory_path
from bot.telegram.callbacks import (
    HelperCb,
    InspectorReportCb,
    MyReportsCb,
    StaffCb,
)
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, TIME_SCALE, TOKEN, RunningBot, eventually
from tests.e2e.scenarios import button_shown, onboard, submit_report
from tests.e2e.test_helpers import apply
from tests.e2e.test_inspector import lookup


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram(token=TOKEN, bot_username="sakshy_test_bot", time_scale=TIME_SCALE)
    await fake.start()
    fake.group(STAFF_CHAT, title="Duty unit", bot_is_admin=True, forum=True)
    try:
        yield fake
        fake.assert_no_unexpected_refusals()
    finally:
        await fake.stop()


async def officer_in(tg: FakeTelegram, user_id: int = 9601) -> Any:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(user_id, first_name="Daulet", language_code="kk")
    staff.add_member(officer)
    return officer


async def test_a_typed_reason_rejects_and_closes_the_topic(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = await officer_in(tg)
    resident = tg.user(9602, first_name="Asel", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru")
    post = await staff.next_message(timeout=10)
    [thread] = staff.topics
    await eventually(lambda: db_of("SELECT 1 FROM reports WHERE staff_message_id IS NOT NULL"))

    await staff.press(officer, post, data=StaffCb(action="reject", report=1000, seen="n"))
    await button_shown(tg, post, StaffCb(action="rj_typed", report=1000, seen="n"), within=10)
    assert post.button_texts[-2:] == ["✍️ Басқа себепті жазу", "⬅️ Артқа"]
    await staff.press(officer, post, data=StaffCb(action="rj_typed", report=1000, seen="n"))
    prompt = await staff.next_message(timeout=10)
    assert prompt.thread_id == thread, "the request for the reason is in the report's topic"
    assert prompt.text.startswith("Daulet, № 1000 хабарламаны қабылдамау себебін")
    await button_shown(tg, post, StaffCb(action="take", report=1000, seen="n"), within=10)

    await staff.send(officer, "x" * 1001, reply_to=prompt, thread_id=thread)
    assert (await staff.next_message()).text.startswith("Мәтін тым ұзын: тұрғынға ең көбі 1\xa0000")
    await staff.send(
        officer, "Это частная территория: обратитесь к <b>управляющей</b> компании", reply_to=prompt
    )
    notice = await resident.next_message(timeout=10)
    assert notice.text == (
        "Ваше сообщение № 1000 отклонено: Это частная территория: обратитесь к <b>управляющей</b>"
        " компании."
    )
    await tg.wait_for(lambda: staff.all_topics[thread].closed, timeout=10)
    rows = await db_of("SELECT status FROM reports")
    assert rows[0][0] == "rejected"
    notes = await db_of("SELECT note FROM report_events WHERE action = 'reject'")
    assert notes[0][0].startswith("Это частная территория")

    # the resident sees the reason in their card as well
    await resident.send("/myreports")
    listing = await resident.next_message()
    await resident.press(listing, data=MyReportsCb(action="open", value=1000))
    await tg.wait_for(lambda: bool(listing.edits), timeout=5)
    assert "(Это частная территория: обратитесь к <b>управляющей</b> компании)" in listing.text


async def test_messages_in_other_topics_and_the_general_chat_stay_among_staff(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = await officer_in(tg)
    resident = tg.user(9603, first_name="Bauyrzhan", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")
    await staff.next_message(timeout=10)
    own = await staff.create_topic(officer, "Кезекшілік кестесі")
    await staff.send(officer, "Ертең кім кезекші?", thread_id=own)
    await staff.send(officer, "Барлығына сәлем")
    await staff.send(officer, "/mine")
    answer = await staff.next_message(timeout=10)
    assert answer.text == "Сіздің қарауыңызда ашық хабарлама жоқ."
    assert [m.text for m in resident.messages if "сәлем" in m.text or "кезекші?" in m.text] == []
    events = await db_of("SELECT action FROM report_events")
    assert [e[0] for e in events] == ["submitted"]


async def test_without_the_right_to_manage_topics_the_post_goes_to_the_group(
    tg: FakeTelegram, tmp_path: Any, db_of: Any, bot: RunningBot
) -> None:
    staff = tg.group(STAFF_CHAT)
    staff.bot_status = "member"  # an admin took the bot's rights away
    resident = tg.user(9604, first_name="Zhanna", language_code="kk")
    await onboard(resident, "kk")
    with tg.expect_refusal("not enough rights to create a topic") as refusal:
        await submit_report(resident, "kk")
        post = await staff.next_message(timeout=10)
    assert refusal.matched, "Telegram refused the topic"
    assert post.thread_id is None and staff.topics == {}
    assert post.text.startswith("№ 1000 хабарлама")
    officer = await officer_in(tg)
    await eventually(lambda: db_of("SELECT 1 FROM reports WHERE staff_message_id IS NOT NULL"))
    await staff.send(officer, "Қабылдадық", reply_to=post)
    relayed = await resident.next_message(timeout=10)
    assert relayed.text.endswith("жазады:\nҚабылдадық"), "the header and the words, as one"


async def test_a_topic_closed_by_hand_still_gets_the_residents_words(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    resident = tg.user(9605, first_name="Olzhas", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")
    await staff.next_message(timeout=10)
    [thread] = staff.topics
    await eventually(lambda: db_of("SELECT 1 FROM reports WHERE staff_message_id IS NOT NULL"))
    staff.all_topics[thread].closed = True  # an admin closed it while the report is open

    await resident.send("/myreports")
    listing = await resident.next_message()
    await resident.press(listing, data=MyReportsCb(action="open", value=1000))
    await tg.wait_for(lambda: bool(listing.edits), timeout=5)
    await resident.press(listing, data=MyReportsCb(action="write", value=1000))
    await resident.next_message()
    with tg.expect_refusal("TOPIC_CLOSED"):
        await resident.send("Тағы бір дерек: көлік нөмірі 123ABC02")
        await resident.next_message()
        relayed = await staff.next_message(timeout=10)
    # written for the topic, it still names its report in the General topic
    assert relayed.text == "💬 Тұрғын (№ 1000):\nТағы бір дерек: көлік нөмірі 123ABC02"
    assert relayed.thread_id is None, "in the General topic"


async def test_topics_switched_on_while_the_bot_runs(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    staff.forum = False  # the bot started with topics off
    await bot.restart()
    resident = tg.user(9606, first_name="Saule", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")
    first = await staff.next_message(timeout=10)
    assert first.thread_id is None and staff.topics == {}

    staff.forum = True  # an admin switched topics on; the next message there tells the bot
    officer = await officer_in(tg)
    await staff.send(officer, "/mine")
    await staff.next_message(timeout=10)
    resident2 = tg.user(9607, first_name="Timur", language_code="ru")
    await onboard(resident2, "ru")
    await submit_report(resident2, "ru")
    second = await staff.next_message(timeout=10)
    assert second.thread_id is not None and list(staff.topics) == [second.thread_id]
    assert staff.topics[second.thread_id].startswith("№ 1001 · ")


async def test_mine_lists_the_reports_an_officer_holds(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = await officer_in(tg)
    for user_id, lang in ((9608, "kk"), (9609, "ru")):
        resident = tg.user(user_id, first_name="R", language_code=lang)
        await onboard(resident, lang)
        await submit_report(resident, lang)
    posts = [await staff.next_message(timeout=10), await staff.next_message(timeout=10)]
    await eventually(
        lambda: db_of(
            "SELECT 1 WHERE (SELECT count(*) FROM reports WHERE staff_message_id IS NOT NULL) = 2"
        )
    )
    for post, number in zip(posts, (1000, 1001), strict=True):
        await staff.press(officer, post, data=StaffCb(action="take", report=number, seen="n"))
    await eventually(
        lambda: db_of("SELECT 1 WHERE (SELECT count(*) FROM reports WHERE status = 'taken') = 2")
    )
    await staff.send(officer, "/mine")
    answer = await staff.next_message(timeout=10)
    lines = answer.text.splitlines()
    assert lines[0] == "Сіздің қарауыңызда 2 ашық хабарлама бар:"
    assert lines[1].startswith("• № 1000 · 🔊 Шу, тыныштықты бұзу · ")
    assert lines[2].startswith("• № 1001 · ")
    links = [e["url"] for e in answer.entities if e["type"] == "text_link"]
    assert links == [f"https://t.me/c/1000000001/{p.message_id}" for p in posts]


async def press_in_menu(
    tg: FakeTelegram, officer: Any, post: Any, menu: str, button: StaffCb
) -> None:
    """Open a post's menu ("resolve" or "reject") and press one of its buttons."""
    staff = tg.group(STAFF_CHAT)
    opener = StaffCb(action=menu, report=button.report, seen=button.seen)
    await button_shown(tg, post, opener)
    await staff.press(officer, post, data=opener)
    await button_shown(tg, post, button)
    await staff.press(officer, post, data=button)


async def test_a_note_asked_for_before_a_change_does_not_act_after_it(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    first = await officer_in(tg, 9611)
    second = tg.user(9612, first_name="Б" * 129, language_code="ru")  # the longest name
    staff.add_member(second)
    await staff.send(first, "/me капитан Серіков")
    await staff.next_message()
    await staff.send(second, "/me майор Ахметова")
    await staff.next_message()
    resident = tg.user(9613, first_name="Dina", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru")
    post = await staff.next_message(timeout=10)
    await eventually(lambda: db_of("SELECT 1 FROM reports WHERE staff_message_id IS NOT NULL"))
    await staff.press(first, post, data=StaffCb(action="take", report=1000, seen="n"))
    await resident.next_message(timeout=10)

    # the first officer asks to resolve with a note; the second resolves and reopens meanwhile
    await press_in_menu(
        tg, first, post, "resolve", StaffCb(action="rs_note", report=1000, seen="t")
    )
    old_prompt = await staff.next_message(timeout=10)
    await press_in_menu(
        tg, second, post, "resolve", StaffCb(action="rs_plain", report=1000, seen="t")
    )
    await resident.next_message(timeout=10)  # resolved
    await button_shown(tg, post, StaffCb(action="reopen", report=1000, seen="s"), within=10)
    await staff.press(second, post, data=StaffCb(action="reopen", report=1000, seen="s"))
    await resident.next_message(timeout=10)  # reopened
    await eventually(lambda: db_of("SELECT 1 FROM reports WHERE status = 'taken'"))
    query = await staff.press_stale(
        first, StaffCb(action="take", report=1000, seen="s").pack(), post
    )  # a stale button
    alert = (await first.answer_of(query))["text"]
    assert len(alert) <= 200 and alert.endswith("қазір «қарауға алынды» күйінде.")
    await staff.send(first, "Шара қолданылды", reply_to=old_prompt)
    answer = await staff.next_message(timeout=10)
    assert "қарауға алынды" in answer.text
    assert (await db_of("SELECT status FROM reports"))[0][0] == "taken", "the old note did nothing"

    # a note is signed by the officer who wrote it, not by the one who holds the report
    await press_in_menu(
        tg, first, post, "resolve", StaffCb(action="rs_note", report=1000, seen="t")
    )
    prompt = await staff.next_message(timeout=10)
    await staff.send(first, "Көршілерге ескерту жасалды", reply_to=prompt)
    notice = await resident.next_message(timeout=10)
    assert notice.text.endswith("💬 капитан Серіков: Көршілерге ескерту жасалды")
    resolved = [m for m in resident.messages if m.text.startswith("По Вашему сообщению № 1000")]
    assert len(resolved) == 2, "resolved twice: by the second officer, then with the note"


async def test_a_deleted_topic_gets_the_report_posted_again(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = await officer_in(tg)
    resident = tg.user(9614, first_name="Nazym", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")
    old_post = await staff.next_message(timeout=10)
    [thread] = staff.topics
    await eventually(lambda: db_of("SELECT 1 FROM reports WHERE staff_message_id IS NOT NULL"))
    del staff._topics[thread]  # an admin deleted the topic, and the post with it
    staff._messages[old_post.message_id].deleted = True

    await resident.send("/myreports")
    listing = await resident.next_message()
    await resident.press(listing, data=MyReportsCb(action="open", value=1000))
    await tg.wait_for(lambda: bool(listing.edits), timeout=5)
    await resident.press(listing, data=MyReportsCb(action="write", value=1000))
    await resident.next_message()
    with tg.expect_refusal("message thread not found"):
        await resident.send("Әлі де шулы")
        await resident.next_message()
        arrived = [await staff.next_message(timeout=10) for _ in range(2)]
    assert arrived[0].text == "💬 Тұрғын (№ 1000):\nӘлі де шулы"
    new_post = arrived[1]
    assert new_post.text.startswith("№ 1000 хабарлама") and new_post.thread_id is None
    assert StaffCb(action="take", report=1000, seen="n").pack() in str(new_post.reply_markup), (
        "the buttons are back"
    )
    await eventually(
        lambda: db_of("SELECT 1 FROM reports WHERE staff_message_id = ?", new_post.message_id)
    )
    await staff.press(officer, new_post, data=StaffCb(action="take", report=1000, seen="n"))
    assert "қарауға алды" in (await resident.next_message(timeout=10)).text


async def test_precincts_route_their_reports_to_their_own_chat_or_topic(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    """ЖД вокзал's reports go to its own forum topic in the staff group (shared, never closed
    with a report); МЖК's to the precinct's own group, whose members act on them there."""
    staff = tg.group(STAFF_CHAT)
    admin = tg.user(9620, first_name="Admin", language_code="kk")
    staff.add_member(admin, admin=True)
    shared = await staff.create_topic(admin, "ЖД вокзал учаскесі")
    precinct_chat = tg.group(-1002000000002, title="МЖК учаскесі", bot_is_admin=True)
    inspector = tg.user(9621, first_name="Dauren", language_code="kk")
    precinct_chat.add_member(inspector)  # not a member of the main staff group
    data = json.loads(demo_directory_path().read_text("utf-8"))
    for feature in data["features"]:
        if feature["properties"]["id"] == "zhd-vokzal":
            feature["properties"]["staff_thread_id"] = shared
        if feature["properties"]["id"] == "mzhk":
            feature["properties"]["staff_chat_id"] = precinct_chat.chat_id
    assert bot.app is not None
    result = await bot.app.directory.import_text(json.dumps(data), "routes.geojson")
    assert result.applied

    async def report_at(user_id: int, lat: float, lon: float) -> None:
        resident = tg.user(user_id, first_name="R", language_code="kk")
        await onboard(resident, "kk")
        card, _, _ = await lookup(resident, lat, lon)
        await resident.press(card, data=InspectorReportCb(lat=round(lat, 5), lon=round(lon, 5)))
        await submit_report(
            resident, "kk", start=False, description="Шу", address=None, who="anonymous"
        )

    await report_at(9622, 42.300, 69.610)  # ЖД вокзал
    await staff.next_message(timeout=10)  # the map pin
    post = await staff.next_message(timeout=10)
    assert post.thread_id == shared and list(staff.topics) == [], "no topic of its own"
    await eventually(lambda: db_of("SELECT 1 FROM reports WHERE staff_message_id IS NOT NULL"))
    officer = await officer_in(tg)
    await staff.press(officer, post, data=StaffCb(action="take", report=1000, seen="n"))
    await press_in_menu(
        tg, officer, post, "resolve", StaffCb(action="rs_plain", report=1000, seen="t")
    )
    await eventually(lambda: db_of("SELECT 1 FROM reports WHERE status = 'resolved'"))
    assert not staff.all_topics[shared].closed, "the precinct's topic stays open"

    await report_at(9623, 42.320, 69.610)  # МЖК
    await precinct_chat.next_message(timeout=10)  # the map pin
    post = await precinct_chat.next_message(timeout=10)
    assert post.text.startswith("№ 1001 хабарлама")
    await eventually(lambda: db_of("SELECT 1 FROM reports WHERE id = 1001 AND staff_message_id"))
    query = await precinct_chat.press(
        inspector, post, data=StaffCb(action="take", report=1001, seen="n")
    )
    assert (await inspector.answer_of(query))["text"] == "Орындалды."
    rows = await db_of("SELECT status, officer_id, staff_chat_id FROM reports WHERE id = 1001")
    assert tuple(rows[0]) == ("taken", 9621, precinct_chat.chat_id)


async def test_a_precinct_chat_cannot_act_on_another_chats_report(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    precinct_chat = tg.group(-1002000000003, title="МЖК учаскесі", bot_is_admin=True)
    member = tg.user(9630, first_name="Other", language_code="kk")
    precinct_chat.add_member(member)
    data = json.loads(demo_directory_path().read_text("utf-8"))
    for feature in data["features"]:
        if feature["properties"]["id"] == "mzhk":
            feature["properties"]["staff_chat_id"] = precinct_chat.chat_id
    assert bot.app is not None
    assert (await bot.app.directory.import_text(json.dumps(data), "routes.geojson")).applied
    resident = tg.user(9631, first_name="R", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")  # a typed address: the main staff group
    await tg.group(STAFF_CHAT).next_message(timeout=10)
    await eventually(lambda: db_of("SELECT 1 FROM reports WHERE staff_message_id IS NOT NULL"))
    # a forged press in the precinct's chat on a report that is not there
    query = await precinct_chat.press_stale(
        member, StaffCb(action="reject", report=1000, seen="n").pack()
    )
    assert (await member.answer_of(query))["text"].startswith("Бұл батырма ескірген")
    assert (await db_of("SELECT status FROM reports"))[0][0] == "new"


async def test_a_helper_application_gets_its_own_topic(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = await officer_in(tg)
    user = tg.user(9640, first_name="Erlan", language_code="kk")
    post = await apply(tg, user, "kk")
    [(thread, name)] = staff.topics.items()
    assert name == "🤝 № 1 · Серікбаев Ерлан Болатұлы"
    assert post.thread_id == thread and "••••••••0128" in post.text
    await eventually(lambda: db_of("SELECT 1 FROM helpers WHERE staff_thread_id = ?", thread))
    await staff.press(officer, post, data=HelperCb(action="ask", helper=1, seen="a"))
    prompt = await staff.next_message(timeout=10)
    assert prompt.thread_id == thread, "the request is in the application's topic"
