"""A complaint about a police officer through the real bot: it reaches the complaints chat
only (never the staff group, where the officer sits), the resident is told who reads it and
when the answer is due, the supervisors take it, ask a question the resident answers, and
answer it; the answer reaches the resident as written and closes it. An anonymous complaint
shows no name and is flagged overdue the morning after its term; a bot without a complaints
chat says where to complain instead."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.services.clock import WorldClock
from bot.telegram.callbacks import ComplaintCb, ComplaintStepCb, ForgetCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import onboard
from tests.e2e.test_legal_clock import answer_to, plain, said

COMPLAINTS_CHAT = -1003000000001
ALMATY = ZoneInfo("Asia/Almaty")
WHAT = "Кеше кешке учаскелік инспектор дөрекі сөйлеп, арызымды қабылдаудан бас тартты."
SAID = {
    "kk": {
        "button": "⚖️ Қызметкерге шағым",
        "start": "⚖️ Полиция қызметкеріне шағым\n\nОны тек полиция департаментінің басшылығы",
        "short": "Толығырақ жазыңыз: кемінде 20 таңба.",
        "words": "Сөзбен жазыңыз.",
        "receipt": "✅ Шағымыңыз тіркелді: № 1.",
        "due": "📅 Заң бойынша жауап мерзімі — 9 желтоқсан 2026.",
        "post": "⚖️ № 1 шағым · әлі қаралмаған",
        "from": "👤 Жіберген: Aliya Private",
        "taken resident": "🙋 № 1 шағымыңызды басшылардың бірі қарауға алды. Жауап осында келеді.",
        "taken post": "⚖️ № 1 шағым · қаралуда",
        "relay": "💬 № 1 шағымыңыз бойынша (жауап беру үшін осы хабарламаға жауап жазыңыз):\n"
        "Қай сағатта болды?",
        "author": "💬 № 1 шағымның авторы:\nСағат 19:30 шамасында",
        "answer": "⚖️ № 1 шағымыңызға жауап\n\nТексеру жүргізілді, инспекторға <b>сөгіс</b> "
        "берілді.\n\nШағым жабылды.",
        "answered post": "⚖️ Жауап мерзімінде берілді: 0 жұмыс күнінде",
        "closed": "№ 1 шағымға жауап берілді, ол жабылды: ештеңе жіберілмеді.",
        "late press": "Бұл шағымға жауап берілген, ол жабылған: ештеңе жіберілмеді.",
    },
    "ru": {
        "button": "⚖️ Жалоба на сотрудника",
        "start": "⚖️ Жалоба на сотрудника полиции\n\nЕё читает только руководство департамента",
        "short": "Опишите подробнее: не меньше 20 символов.",
        "words": "Опишите словами.",
        "receipt": "✅ Ваша жалоба зарегистрирована: № 1.",
        "due": "📅 По закону срок ответа — 9 декабря 2026.",
        "post": "⚖️ Жалоба № 1 · ещё не взята",
        "from": "👤 От: Aliya Private",
        "taken resident": "🙋 Вашу жалобу № 1 взял на рассмотрение один из руководителей. "
        "Ответ придёт сюда.",
        "taken post": "⚖️ Жалоба № 1 · рассматривается",
        "relay": "💬 По Вашей жалобе № 1 (чтобы ответить, ответьте на это сообщение):\n"
        "Қай сағатта болды?",
        "author": "💬 Автор жалобы № 1:\nСағат 19:30 шамасында",
        "answer": "⚖️ Ответ на Вашу жалобу № 1\n\nТексеру жүргізілді, инспекторға <b>сөгіс</b> "
        "берілді.\n\nЖалоба закрыта.",
        "answered post": "⚖️ Ответ дан в срок, за 0 рабочих дней",
        "closed": "На жалобу № 1 дан ответ, она закрыта: ничего не отправлено.",
        "late press": "На эту жалобу уже дан ответ, она закрыта: ничего не отправлено.",
    },
}


async def file_complaint(
    tg: FakeTelegram, resident: Any, lang: str, *, anonymous: bool = False
) -> Any:
    """The resident's whole wizard, with a sticker and a too-short text on the way; returns
    the receipt."""
    said_in = SAID[lang]
    await resident.tap(said_in["button"])
    start = await resident.next_message()
    assert start.text.startswith(said_in["start"])
    await resident.send_sticker()
    assert (await resident.next_message()).text.startswith(said_in["words"])
    await resident.send("Дөрекі болды")
    assert (await resident.next_message()).text == said_in["short"]
    await resident.send(WHAT)
    question = await resident.next_message()
    await resident.press(
        question, data=ComplaintStepCb(action="anonymous" if anonymous else "named")
    )
    summary = await resident.next_message()
    assert WHAT in summary.text
    await resident.press(summary, data=ComplaintStepCb(action="send"))
    receipt = await resident.next_message(timeout=10)
    return receipt


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_a_complaint_reaches_only_the_complaints_chat_and_its_answer_the_resident(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, lang: str
) -> None:
    said_in = SAID[lang]
    await bot.restart(staff_locale=lang, complaints_chat_id=COMPLAINTS_CHAT)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9901, first_name="Officer", language_code=lang)
    staff.add_member(officer)
    chat = tg.group(COMPLAINTS_CHAT, title="Internal security")
    chief = tg.user(9902, first_name="Chief", language_code=lang)
    chat.add_member(chief)
    resident = tg.user(9910, first_name="Aliya", last_name="Private", language_code=lang)
    await onboard(resident, lang)
    staff_before = len(staff.messages)

    receipt = await file_complaint(tg, resident, lang)
    assert receipt.text.startswith(said_in["receipt"])
    assert said_in["due"] in receipt.text
    post = await chat.next_message(timeout=10)
    assert post.text.startswith(said_in["post"])
    assert WHAT in post.text and said_in["from"] in post.text
    assert await plain(db_of, "SELECT status, due_on, name FROM complaints") == [
        ("new", "2026-12-09", "Aliya Private")
    ]

    # the supervisor takes it: the post says who, the resident that it is looked into
    await chat.press(chief, post, data=ComplaintCb(action="take", complaint=1))
    assert (await resident.next_message(timeout=10)).text == said_in["taken resident"]
    await tg.wait_for(lambda: post.text.startswith(said_in["taken post"]), timeout=10)
    assert "Chief" in post.text

    # a question (a reply to the post) and the resident's answer (a reply to the question)
    await chat.send(chief, "Қай сағатта болды?", reply_to=post)
    relayed = await resident.next_message(timeout=10)
    assert relayed.text == said_in["relay"]
    await resident.reply(relayed, "Сағат 19:30 шамасында")
    author = await chat.next_message(timeout=10)
    assert author.text == said_in["author"]
    assert author.raw["reply_to_message"]["message_id"] == post.message_id

    # the answer, asked for by the button, written with HTML that must arrive as written
    await chat.press(chief, post, data=ComplaintCb(action="answer", complaint=1))
    ask = await chat.next_message(timeout=10)
    text = "Тексеру жүргізілді, инспекторға <b>сөгіс</b> берілді."
    done = await answer_to(tg, chat, chief, text, reply_to=ask)
    assert done.text.startswith("⚖️")
    answer = await resident.next_message(timeout=10)
    assert answer.text.startswith(said_in["answer"])
    await tg.wait_for(lambda: not post.buttons, timeout=10)
    assert said_in["answered post"] in post.text

    async def answered() -> bool:
        rows = await plain(db_of, "SELECT status, answer, answer_days, late_days FROM complaints")
        return rows == [("answered", text, 0, 0)]

    assert await eventually(answered, timeout=10)

    # too late: a press on the answered complaint, a reply to it
    query = await chat.press_stale(chief, ComplaintCb(action="write", complaint=1).pack(), post)
    assert (await chief.answer_of(query))["text"] == said_in["late press"]
    await resident.reply(answer, "Мен келіспеймін")
    assert (await resident.next_message(timeout=10)).text.startswith(said_in["closed"])

    # the staff group, where the officer sits, never saw a word of it; no report was made
    for message in staff.messages[staff_before:]:
        assert WHAT not in (message.text or "") and "Aliya" not in (message.text or "")
    assert await plain(db_of, "SELECT count(*) FROM reports") == [(0,)]
    card = await answer_to(tg, staff, officer, "/card 1")
    assert WHAT not in card.text
    assert not any(WHAT in (m.text or "") for m in staff.messages)


@pytest.mark.clock(datetime(2026, 11, 18, 11, 0, tzinfo=ALMATY))
async def test_an_anonymous_complaint_shows_no_name_and_is_flagged_overdue_after_its_term(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, clock: WorldClock
) -> None:
    await bot.restart(
        staff_locale="ru", supervisors_chat_id=COMPLAINTS_CHAT, followup_tick_seconds=0.1
    )
    chat = tg.group(COMPLAINTS_CHAT, title="Supervisors")
    resident = tg.user(9920, first_name="Secret", last_name="Person", language_code="ru")
    await onboard(resident, "ru")
    receipt = await file_complaint(tg, resident, "ru", anonymous=True)
    assert receipt.text.startswith(SAID["ru"]["receipt"])
    post = await chat.next_message(timeout=10)
    assert "🕶 Анонимно" in post.text
    assert "Secret" not in post.text and "Person" not in post.text
    assert await plain(db_of, "SELECT name FROM complaints") == [(None,)]

    # flagged at the first minute after its term (9 December, Shymkent time), not before
    assert await plain(db_of, "SELECT due_at FROM followups WHERE kind = 'complaint_overdue'") == [
        ("2026-12-09T19:00:00+00:00",)
    ]
    clock.set(datetime(2026, 12, 9, 23, 50, tzinfo=ALMATY))
    assert not post.text.startswith("⚖️ Жалоба № 1 · просрочена")
    clock.set(datetime(2026, 12, 10, 0, 5, tzinfo=ALMATY))

    def flagged() -> Any:
        return next((m for m in chat.messages if (m.text or "").startswith("⏰")), None)

    await tg.wait_for(flagged, timeout=10)
    notice = flagged()
    assert notice.text == (
        "⏰ Жалоба № 1 просрочена: по закону ответ нужно было дать до 9 декабря 2026."
    )
    assert notice.raw["reply_to_message"]["message_id"] == post.message_id
    await tg.wait_for(lambda: post.text.startswith("⚖️ Жалоба № 1 · просрочена"), timeout=10)
    assert "⏰ Просрочено (срок ответа: 9 декабря 2026)" in post.text
    assert len([m for m in chat.messages if (m.text or "").startswith("⏰")]) == 1


async def test_without_a_complaints_chat_the_bot_says_where_to_complain(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    resident = tg.user(9930, first_name="R", language_code="ru")
    await onboard(resident, "ru")
    await resident.tap(SAID["ru"]["button"])
    answer = await resident.next_message()
    assert answer.text.startswith("Жалобы на сотрудников полиции в этом боте пока не принимаются")
    assert "eotinish.kz" in answer.text and "102" in answer.text


async def test_forget_me_waits_for_the_answer_then_unlinks_the_complaint(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    """An open complaint holds /forgetme back (the supervisors may need to reach its author);
    once answered, the person is erased: the complaint keeps the answer, not who wrote it or
    what, and the post in the complaints chat is not kept in the outbox either."""
    await bot.restart(staff_locale="ru", complaints_chat_id=COMPLAINTS_CHAT)
    chat = tg.group(COMPLAINTS_CHAT, title="Internal security")
    chief = tg.user(9942, first_name="Chief", language_code="ru")
    chat.add_member(chief)
    me = tg.user(9940, first_name="Aigerim", last_name="Secretova", language_code="ru")
    await onboard(me, "ru")
    await file_complaint(tg, me, "ru")
    post = await chat.next_message(timeout=10)
    await me.send("/mydata")
    document = await me.next_message(timeout=10)
    assert document.raw["document"]["file_name"] == f"sakshy-mydata-{me.id}.json"
    assert bot.app is not None  # what that file holds: their complaint, with its words
    held = await bot.app.services.privacy.everything(me.id)
    assert [(c["number"], c["description"]) for c in held["complaints"]] == [(1, WHAT)]

    await me.send("/forgetme")
    assert (await me.next_message()).text.startswith(
        "Ваша жалоба № 1 ещё без ответа, и руководителям может понадобиться связаться с Вами"
    )
    await chat.press(chief, post, data=ComplaintCb(action="answer", complaint=1))
    ask = await chat.next_message(timeout=10)
    await answer_to(tg, chat, chief, "Проверка проведена.", reply_to=ask)
    assert (await me.next_message(timeout=10)).text.startswith("⚖️ Ответ на Вашу жалобу № 1")

    await me.send("/forgetme")
    question = await me.next_message()
    await me.press(question, data=ForgetCb(action="yes"))
    await tg.wait_for(lambda: question.text.startswith("Ваши данные удалены."), timeout=10)
    assert await plain(db_of, "SELECT user_id, name, description, answer FROM complaints") == [
        (0, None, "", "Проверка проведена.")
    ]
    kept = await plain(db_of, "SELECT payload FROM outbox WHERE ref LIKE 'complaint:1:%'")
    assert not any("Secretova" in row[0] or WHAT in row[0] for row in kept)


async def test_the_longest_complaint_and_answer_fit_and_a_command_is_not_relayed(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    """3,000 characters of complaint and 3,000 of answer: the post still fits Telegram when it
    is edited with the answer (it repeats the answer's start); a command written in reply to
    the post is not words for the resident (/help there explains the chat)."""
    await bot.restart(staff_locale="kk", complaints_chat_id=COMPLAINTS_CHAT)
    chat = tg.group(COMPLAINTS_CHAT, title="Internal security")
    chief = tg.user(9952, first_name="Chief", language_code="kk")
    chat.add_member(chief)
    resident = tg.user(9950, first_name="R", language_code="kk")
    await onboard(resident, "kk")
    await resident.send("/complaint")
    await resident.next_message()
    await resident.send("ә" * 3000)
    await resident.press(await resident.next_message(), data=ComplaintStepCb(action="named"))
    await resident.press(await resident.next_message(), data=ComplaintStepCb(action="send"))
    await resident.next_message(timeout=10)  # the receipt
    post = await chat.next_message(timeout=10)

    await chat.send(chief, "/help", reply_to=post)
    assert (await said(tg, chat, "⚖️ Шағымдар чаты")).text.startswith(
        "⚖️ Шағымдар чаты\n\nПолиция қызметкерлеріне шағымдар тек осында келеді."
    )
    await chat.press(chief, post, data=ComplaintCb(action="answer", complaint=1))
    ask = await said(tg, chat, "Chief, ")
    await answer_to(tg, chat, chief, "ж" * 3000, reply_to=ask)
    answer = await resident.next_message(timeout=10)
    assert "ж" * 3000 in answer.text, "the resident reads the whole answer"
    await tg.wait_for(lambda: not post.buttons, timeout=10)
    assert "ж" * 400 in post.text and "ж" * 600 not in post.text
    assert not any("/help" in (m.text or "") for m in resident.messages)
