"""/myreports: the resident's reports, newest first, a card with history, withdraw while new."""

from __future__ import annotations

from typing import Any

from bot.telegram.callbacks import MyReportsCb, StaffCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import onboard, submit_report
from tests.e2e.test_staff import staff_post


async def test_list_card_and_withdraw(tg: FakeTelegram, bot: RunningBot, db_of: Any) -> None:
    user = tg.user(9501, first_name="Saltanat", language_code="ru")
    await onboard(user, "ru")
    await user.tap("📋 Мои сообщения")
    assert (await user.next_message()).text.startswith("Вы ещё не отправляли сообщений.")
    await submit_report(user, "ru")
    first_post = await staff_post(tg, bot)
    await submit_report(user, "ru")
    staff = tg.group(STAFF_CHAT)
    await staff.next_message(timeout=10)

    await user.send("/myreports")
    listing = await user.next_message()
    assert listing.text.startswith("Ваши сообщения, сначала новые (страница 1 из 1)")
    assert [b["text"] for b in listing.buttons] == [
        "№ 1001 · 🔊 Шум, нарушение тишины · новое",
        "№ 1000 · 🔊 Шум, нарушение тишины · новое",
    ]
    await user.press(listing, data=MyReportsCb(action="open", value=1000))
    await tg.wait_for(lambda: bool(listing.edits), timeout=5)
    card = user.messages[-1] if user.messages[-1].message_id == listing.message_id else listing
    assert "отправлено" in card.text
    assert [b["text"] for b in card.buttons] == [
        "✍️ Написать сотруднику",
        "↩️ Отозвать сообщение",
        "⬅️ К списку",
    ]

    query = await user.press(card, data=MyReportsCb(action="withdraw", value=1000))
    assert (await user.answer_of(query))["text"] == "Сообщение № 1000 отозвано."
    rows = await db_of("SELECT id, status FROM reports ORDER BY id")
    assert [tuple(r) for r in rows] == [(1000, "withdrawn"), (1001, "new")]
    await tg.wait_for(lambda: "Күйі: кері қайтарып алынды" in first_post.text, timeout=10)
    assert first_post.buttons == [], "a withdrawn report has no buttons for staff"

    async def withdraw_logged() -> bool:
        events = await db_of("SELECT action FROM report_events WHERE report_id = 1000")
        return [e[0] for e in events] == ["submitted", "withdraw"]

    assert await eventually(withdraw_logged)


async def test_a_taken_report_cannot_be_withdrawn(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(9502, first_name="Ruslan", language_code="kk")
    await onboard(user, "kk")
    await submit_report(user, "kk")
    post = await staff_post(tg, bot)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9590, first_name="Officer", language_code="kk")
    staff.add_member(officer)
    await officer.answer_of(
        await staff.press(officer, post, data=StaffCb(action="take", report=1000, seen="n"))
    )
    await user.next_message(timeout=10)  # "taken" notice
    await user.send("/myreports")
    listing = await user.next_message()
    await user.press(listing, data=MyReportsCb(action="open", value=1000))
    await tg.wait_for(lambda: bool(listing.edits), timeout=5)
    assert [b["text"] for b in listing.buttons] == [
        "✍️ Қызметкерге жазу",
        "⬅️ Тізімге",
    ], "no withdraw once taken"
    # literal payloads on purpose: an old or forged keyboard's data, not the bot's
    query = await user.press_stale(data="mr:withdraw:1000", message=listing)
    answer = await user.answer_of(query)
    assert answer["text"].startswith("Бұл хабарламаны қызметкер қарауға алып қойды")


async def test_add_details_from_the_card(tg: FakeTelegram, bot: RunningBot, db_of: Any) -> None:
    user = tg.user(9503, first_name="Aigul", language_code="kk")
    await onboard(user, "kk")
    await submit_report(user, "kk")
    await staff_post(tg, bot)
    staff = tg.group(STAFF_CHAT)
    await user.send("/myreports")
    listing = await user.next_message()
    await user.press(listing, data=MyReportsCb(action="open", value=1000))
    await tg.wait_for(lambda: bool(listing.edits), timeout=5)
    assert "✍️ Қызметкерге жазу" in [b["text"] for b in listing.buttons]
    await user.press(listing, data=MyReportsCb(action="write", value=1000))
    assert (await user.next_message()).text.startswith("№ 1000 хабарламаға не қосқыңыз")
    sent = await user.send("Музыка әлі де <b>қатты</b>, қазір 02:00")
    # queued, not «sent»: the 👌 on the resident's message says when it arrived
    assert (await user.next_message()).text.startswith("⏳ № 1000 хабарлама бойынша")
    relayed = await staff.next_message(timeout=10)
    assert relayed.method == "sendMessage", "one message: the header and the words"
    assert relayed.text == (
        "💬 № 1000 хабарлама бойынша тұрғын жазады:\nМузыка әлі де <b>қатты</b>, қазір 02:00"
    )
    await tg.wait_for(lambda: tg.reactions.get((user.id, sent["message_id"])), timeout=10)
    assert tg.reactions[(user.id, sent["message_id"])] == ["👌"]
    # cancelling writes nothing
    await user.press(listing, data=MyReportsCb(action="write", value=1000))
    await user.next_message()
    await user.tap("✖️ Болдырмау")
    assert (await user.next_message()).text == "Әрекет тоқтатылды. Міне, басты мәзір."
    events = await db_of("SELECT action FROM report_events WHERE action = 'resident_message'")
    assert len(events) == 1


async def test_add_details_with_an_album(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(9504, first_name="Aruzhan", language_code="ru")
    await onboard(user, "ru")
    await submit_report(user, "ru")
    await staff_post(tg, bot)
    staff = tg.group(STAFF_CHAT)
    before = len(staff.messages)
    await user.send("/myreports")
    listing = await user.next_message()
    await user.press(listing, data=MyReportsCb(action="open", value=1000))
    await tg.wait_for(lambda: bool(listing.edits), timeout=5)
    await user.press(listing, data=MyReportsCb(action="write", value=1000))
    await user.next_message()
    for _ in range(3):
        await user.send_photo(media_group_id="more")
    answer = await user.next_message()
    assert answer.text.startswith("⏳ Передаём дежурному сотруднику")
    await tg.wait_for(lambda: len(staff.messages) == before + 3, timeout=10)
    copies = staff.messages[before:]
    assert [m.method for m in copies] == ["copyMessage"] * 3, "every photo, and no header apart"
    assert copies[0].text == "💬 № 1000 хабарлама бойынша тұрғын жазады:"  # kk staff, as caption
    assert [m.text for m in copies[1:]] == [None, None]
    assert len([m for m in user.messages if m.text.startswith("⏳")]) == 1, "one answer"
    await tg.wait_for(lambda: len(tg.reactions) == 3, timeout=10)
