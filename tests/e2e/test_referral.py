"""Referral through the real bot: an administrator adds the akimat (its own Telegram chat); an
officer refers a litter report with one tap (the category usually belongs to the akimat); the
akimat's chat gets the report without the resident's name, accepts and answers it; the
resident is told each step in their language; a late press or answer is refused. A body whose
chat removed the bot: the report comes back to the officer, the staff are told, the resident is
never told a wrong thing. A body without a chat: staff get a ready text and record the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.services.clock import WorldClock
from bot.telegram.callbacks import BodyCb, StaffCb, StaffReferCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import button_shown, onboard, submit_report
from tests.e2e.test_legal_clock import answer_to, plain, said
from tests.e2e.test_staff import staff_post

BODY_CHAT = -1002000000001
ADD_AKIMAT = (
    f"/body add akimat tg {BODY_CHAT}\n"
    "kk: Әл-Фараби ауданының әкімдігі\n"
    "ru: Акимат района Аль-Фараби"
)
SAID = {
    "kk": {
        "saved": "Сақталды: akimat. Енді қызметкерлер хабарламаларды осында жібере алады.",
        "usual": "↪️ Жіберу: Әл-Фараби ауданының әкімдігі",
        "body post": "↪️ № 1000 өтініш · 🗑 Қоқыс тастау",
        "referred": "№ 1000 хабарламаңыз полицияның емес, «Әл-Фараби ауданының әкімдігі» "
        "құзыретіндегі мәселе, сондықтан полиция оны соларға жіберді. Жауап мерзімі — "
        "9 желтоқсан 2026; жауабын осында жеткіземін.",
        "post": "↪️ Жіберілген мекеме: Әл-Фараби ауданының әкімдігі",
        "accepted": "«Әл-Фараби ауданының әкімдігі» № 1000 хабарламаңызды қарауға алды.",
        "answer": "💬 «Әл-Фараби ауданының әкімдігі» № 1000 хабарламаңызға жауап берді:\n\n"
        "Ертең таңертең шығарамыз <b>",
        "closed already": "Бұл өтініш жабылған: ештеңе жіберілмеді.",
        "failed": "⚠️ № 1000 хабарлама «Әл-Фараби ауданының әкімдігі» чатына жетпеді",
    },
    "ru": {
        "saved": "Сохранено: akimat. Теперь сотрудники могут передавать туда сообщения.",
        "usual": "↪️ Передать: Акимат района Аль-Фараби",
        "body post": "↪️ Обращение № 1000 · 🗑 Выброс мусора",
        "referred": "Ваше сообщение № 1000 — вопрос не полиции, а организации «Акимат района "
        "Аль-Фараби», поэтому полиция передала его туда. Срок ответа — 9 декабря 2026; их "
        "ответ я передам сюда.",
        "post": "↪️ Передано: Акимат района Аль-Фараби",
        "accepted": "Организация «Акимат района Аль-Фараби» приняла Ваше сообщение № 1000 в "
        "работу.",
        "answer": "💬 Ответ организации «Акимат района Аль-Фараби» на Ваше сообщение № 1000:\n\n"
        "Ертең таңертең шығарамыз <b>",
        "closed already": "Это обращение уже закрыто: ничего не отправлено.",
        "failed": "⚠️ Сообщение № 1000 не удалось доставить в чат организации «Акимат района "
        "Аль-Фараби»",
    },
}


async def with_akimat(tg: FakeTelegram, bot: RunningBot, lang: str) -> tuple[Any, Any, Any]:
    """The staff group (an administrator and an officer) and the akimat's chat, added."""
    await bot.restart(staff_locale=lang)
    staff = tg.group(STAFF_CHAT)
    admin = tg.user(9701, first_name="Admin", language_code=lang)
    officer = tg.user(9702, first_name="Officer", language_code=lang)
    staff.add_member(admin, admin=True)
    staff.add_member(officer)
    akimat = tg.group(BODY_CHAT, title="Akimat")
    saved = await answer_to(tg, staff, admin, ADD_AKIMAT)
    assert saved.text == SAID[lang]["saved"]
    staff.unread()  # the replies so far: the report's post comes next
    return staff, officer, akimat


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_a_litter_report_referred_to_the_akimat_that_accepts_and_answers(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, lang: str
) -> None:
    said_in = SAID[lang]
    staff, officer, akimat = await with_akimat(tg, bot, lang)
    clerk = tg.user(9703, first_name="Clerk", language_code=lang)
    akimat.add_member(clerk)
    resident = tg.user(9710, first_name="Aliya", last_name="Private", language_code=lang)
    await onboard(resident, lang)
    await submit_report(resident, lang, category="litter", description="Қоқыс үйіндісі")
    post = await staff_post(tg, bot)
    assert post.button_texts[0] == said_in["usual"]  # litter: usually the akimat's

    await staff.press(officer, post, data=StaffReferCb(body="akimat", report=1000, seen="n"))
    on_body = await akimat.next_message(timeout=10)
    assert on_body.text.startswith(said_in["body post"])
    assert "Қоқыс үйіндісі" in on_body.text and "Тұран 12" in on_body.text
    assert "Aliya" not in on_body.text and "Private" not in on_body.text  # no name
    referred = await resident.next_message(timeout=10)
    assert referred.text == said_in["referred"]
    await tg.wait_for(lambda: said_in["post"] in post.text, timeout=10)
    assert await plain(db_of, "SELECT status, referred_to, due_on FROM reports") == [
        ("taken", "akimat", "2026-12-09")
    ]

    # the akimat accepts, then answers in reply to the bot's question
    await akimat.press(clerk, on_body, data=BodyCb(action="accept", referral=1))
    assert (await resident.next_message(timeout=10)).text == said_in["accepted"]
    await button_shown(tg, on_body, BodyCb(action="answer", referral=1), within=10)
    assert len(on_body.buttons) == 2, "accepted: answer and close only"
    await akimat.press(clerk, on_body, data=BodyCb(action="answer", referral=1))
    question = await akimat.next_message(timeout=10)
    assert question.text.startswith("✍️") and "1000" in question.text
    await akimat.send(clerk, "Ертең таңертең шығарамыз <b>", reply_to=question)
    answer = await resident.next_message(timeout=10)
    assert answer.text == said_in["answer"]  # escaped: the clerk's text as written
    await tg.wait_for(lambda: not on_body.buttons, timeout=10)

    async def resolved() -> bool:
        rows = await plain(db_of, "SELECT status, referred_to FROM reports")
        return rows == [("resolved", None)]

    assert await eventually(resolved, timeout=10)
    assert await plain(db_of, "SELECT state FROM referrals") == [("answered",)]
    assert await plain(db_of, "SELECT answer_days, late_days FROM reports") == [(0, 0)]

    # too late: a press on the closed appeal, an answer to the old question
    query = await akimat.press_stale(clerk, BodyCb(action="close", referral=1).pack(), on_body)
    assert (await clerk.answer_of(query))["text"] == said_in["closed already"]
    again = await answer_to(tg, akimat, clerk, "Тағы бір жауап", reply_to=question)
    assert again.text == said_in["closed already"]
    assert len([m for m in resident.messages if m.text.startswith("💬")]) == 1
    history = await answer_to(tg, staff, officer, "/card 1000")
    assert "akimat: competence" in history.text


async def test_a_body_whose_chat_removed_the_bot_gives_the_report_back(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff, officer, akimat = await with_akimat(tg, bot, "ru")
    akimat.kick_bot()
    tg.allow_refusal("bot was kicked")  # the referral's post: what this test is about
    resident = tg.user(9720, first_name="R", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru", category="animals", description="Стая собак")
    post = await staff_post(tg, bot)
    await staff.press(officer, post, data=StaffReferCb(body="akimat", report=1000, seen="n"))
    failed = await said(tg, staff, "⚠️")
    assert failed.text.startswith(SAID["ru"]["failed"])
    assert await plain(db_of, "SELECT status, referred_to, officer_id FROM reports") == [
        ("taken", None, officer.id)
    ]
    assert await plain(db_of, "SELECT state FROM referrals") == [("failed",)]
    await button_shown(tg, post, StaffCb(action="refer", report=1000, seen="t"), within=10)
    assert not any("организации" in (m.text or "") for m in resident.messages)


async def test_a_body_without_a_chat_gets_a_ready_text_and_staff_record_its_answer(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    await bot.restart(staff_locale="ru")
    staff = tg.group(STAFF_CHAT)
    admin = tg.user(9731, first_name="Admin", language_code="ru")
    officer = tg.user(9732, first_name="Officer", language_code="ru")
    staff.add_member(admin, admin=True)
    staff.add_member(officer)
    wrong = await answer_to(tg, staff, admin, "/body add Water! email not-an-address\nkk: Су")
    assert wrong.text.splitlines()[0] == "Исправьте, пожалуйста:"
    assert len(wrong.text.splitlines()) == 4, "key, the Russian name and the address at once"
    added = await answer_to(
        tg, staff, admin, "/body add water email info@su.kz\nkk: Шымкент су\nru: Водоканал"
    )
    assert added.text.startswith("Сохранено: water.")
    refused = await answer_to(tg, staff, officer, "/body remove water")
    assert "администратор" in refused.text
    staff.unread()
    resident = tg.user(9733, first_name="R", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru", category="other", description="Течёт труба")
    await staff_post(tg, bot)
    done = await answer_to(tg, staff, officer, "/refer 1000 water течь на улице, не наш вопрос")
    assert done.text == "↪️ Сообщение № 1000 передано: Водоканал."
    told = await resident.next_message(timeout=10)
    assert told.text.startswith("Ваше сообщение № 1000 — вопрос не полиции, а организации")
    assert told.text.endswith("\nПояснение сотрудника: течь на улице, не наш вопрос")
    ready = await said(tg, staff, "↪️ Сообщение № 1000 передано в организацию «Водоканал»")
    assert "info@su.kz" in ready.text and "Течёт труба" in ready.text
    twice = await answer_to(tg, staff, officer, "/refer 1000 water ещё раз")
    assert twice.text == "Сообщение № 1000 закрыто или уже передано: передать его нельзя."
    assert await plain(db_of, "SELECT state FROM referrals") == [("sent",)]


@pytest.mark.clock(datetime(2026, 12, 9, 10, 0, tzinfo=ZoneInfo("Asia/Almaty")))
async def test_an_unanswered_referral_is_escalated_and_can_be_taken_back(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, clock: WorldClock
) -> None:
    """Past the body's term: flagged under the post, the supervisors told, the body reminded
    in its chat. Taken back: the body's post says so, its buttons go, a late press is
    refused."""
    supervisors = tg.group(-1003000000001, title="Supervisors")
    await bot.restart(
        staff_locale="ru",
        followup_tick_seconds=0.1,
        supervisors_chat_id=supervisors.chat_id,
        remind_unresolved_hours=720,
    )
    staff = tg.group(STAFF_CHAT)
    admin = tg.user(9741, first_name="Admin", language_code="ru")
    officer = tg.user(9742, first_name="Officer", language_code="ru")
    clerk = tg.user(9743, first_name="Clerk", language_code="ru")
    staff.add_member(admin, admin=True)
    staff.add_member(officer)
    akimat = tg.group(BODY_CHAT, title="Akimat")
    akimat.add_member(clerk)
    await answer_to(tg, staff, admin, ADD_AKIMAT)
    staff.unread()
    resident = tg.user(9744, first_name="R", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru", category="litter", description="Свалка у школы")
    post = await staff_post(tg, bot)
    await staff.press(officer, post, data=StaffReferCb(body="akimat", report=1000, seen="n"))
    on_body = await akimat.next_message(timeout=10)
    await resident.next_message(timeout=10)  # referred: the akimat answers by 31 December
    assert await plain(db_of, "SELECT due_on FROM referrals") == [("2026-12-31",)]

    # 1 January, the first minute: the akimat has not answered
    clock.set(datetime(2027, 1, 1, 0, 1, tzinfo=ZoneInfo("Asia/Almaty")))
    late = "⏰ Организация «Акимат района Аль-Фараби» не ответила на сообщение № 1000"
    flagged = await said(tg, staff, late)
    assert flagged.raw["reply_to_message"]["message_id"] == post.message_id
    escalated = await said(tg, supervisors, late)
    assert "срок ответа был 31 декабря 2026" in escalated.text
    reminder = await said(tg, akimat, "⏰ Обращение № 1000: срок ответа был 31 декабря 2026.")
    assert reminder.raw["reply_to_message"]["message_id"] == on_body.message_id

    # the police take it back: the akimat's post says so, and its buttons go
    await staff.press(officer, post, data=StaffCb(action="take", report=1000, seen="f"))
    await tg.wait_for(lambda: "отозвано полицией" in on_body.text, timeout=10)
    assert not on_body.buttons
    assert await plain(db_of, "SELECT status, referred_to FROM reports") == [("taken", None)]
    assert await plain(db_of, "SELECT state FROM referrals") == [("recalled",)]
    query = await akimat.press_stale(clerk, BodyCb(action="accept", referral=1).pack(), on_body)
    assert (await clerk.answer_of(query))["text"] == SAID["ru"]["closed already"]


@pytest.mark.clock(datetime(2026, 12, 9, 10, 0, tzinfo=ZoneInfo("Asia/Almaty")))
async def test_a_usually_akimat_report_not_passed_on_in_three_working_days_is_flagged(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, clock: WorldClock
) -> None:
    """Litter (usually the akimat's) sent on Wednesday 9 December: the three working days to
    pass it on end on Monday 14 December; kept by the police, it is flagged on the 15th. A
    report referred in time is not."""
    await bot.restart(staff_locale="kk", followup_tick_seconds=0.1, remind_unresolved_hours=720)
    staff = tg.group(STAFF_CHAT)
    admin = tg.user(9751, first_name="Admin", language_code="kk")
    officer = tg.user(9752, first_name="Officer", language_code="kk")
    staff.add_member(admin, admin=True)
    staff.add_member(officer)
    tg.group(BODY_CHAT, title="Akimat")
    await answer_to(tg, staff, admin, ADD_AKIMAT)
    staff.unread()
    kept, passed = (tg.user(n, first_name="R", language_code="kk") for n in (9753, 9754))
    for resident in (kept, passed):
        await onboard(resident, "kk")
        await submit_report(resident, "kk", category="litter", description="Қоқыс")
    posts = [await staff.next_message(timeout=10), await staff.next_message(timeout=10)]
    await staff.press(officer, posts[0], data=StaffCb(action="take", report=1000, seen="n"))
    await staff.press(officer, posts[1], data=StaffReferCb(body="akimat", report=1001, seen="n"))

    async def referred() -> bool:
        return await plain(db_of, "SELECT count(*) FROM referrals") == [(1,)]

    assert await eventually(referred, timeout=10)
    clock.set(datetime(2026, 12, 14, 23, 50, tzinfo=ZoneInfo("Asia/Almaty")))
    await said(tg, staff, "📊 Күн қорытындысы: 13 желтоқсан 2026")  # a tick went by
    flag = "⏰ № 1000 хабарлама әдетте «Әл-Фараби ауданының әкімдігі» құзыретіндегі мәселе"
    assert not any((m.text or "").startswith(flag) for m in staff.messages)
    clock.set(datetime(2026, 12, 15, 0, 1, tzinfo=ZoneInfo("Asia/Almaty")))
    note = await said(tg, staff, flag)
    assert "14 желтоқсан 2026 аяқталды" in note.text
    assert note.raw["reply_to_message"]["message_id"] == posts[0].message_id
    assert not any("№ 1001 хабарлама әдетте" in (m.text or "") for m in staff.messages)
