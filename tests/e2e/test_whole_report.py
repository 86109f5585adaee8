"""A whole report, end to end, in Kazakh and in Russian, with and without forum topics, named
and anonymous: the resident reports, an officer takes it, they talk through the bot, the
officer resolves it, and each side hears in its own language."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.telegram.callbacks import StaffCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, TIME_SCALE, TOKEN, RunningBot, eventually
from tests.e2e.scenarios import button_shown, onboard, submit_report

TAKEN = {
    "kk": "№ 1000 хабарламаңызды капитан Ахметов қарауға алды.",
    "ru": "Ваше сообщение № 1000 принято в работу, им занимается капитан Ахметов.",
}
OFFICER_HEADER = {
    "kk": "💬 № 1000 хабарламаңыз бойынша капитан Ахметов жазады:",
    "ru": "💬 По Вашему сообщению № 1000 пишет капитан Ахметов:",
}
RESOLVED = {
    "kk": "№ 1000 хабарламаңыз бойынша мәселе шешілді. Тәртіпті сақтауға көмектескеніңіз үшін "
    "рақмет.",
    "ru": "По Вашему сообщению № 1000 вопрос решён. Спасибо, что помогаете поддерживать порядок.",
}
REOPENED = {
    "kk": "№ 1000 хабарламаңыз қайта ашылды, ол тағы қаралады.",
    "ru": "Ваше сообщение № 1000 открыто повторно и снова рассматривается.",
}


@pytest.fixture(params=[True, False], ids=["topics", "no-topics"])
async def tg(request: pytest.FixtureRequest) -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram(token=TOKEN, bot_username="sakshy_test_bot", time_scale=TIME_SCALE)
    await fake.start()
    fake.group(STAFF_CHAT, title="Duty unit", bot_is_admin=True, forum=request.param)
    try:
        yield fake
        fake.assert_no_unexpected_refusals()
    finally:
        await fake.stop()


async def report(user: Any, lang: str, *, anonymous: bool) -> None:
    receipt = await submit_report(
        user,
        lang,
        description="Түнгі 2-де қатты музыка <b>&</b> айқай / громкая музыка",
        address="Тұран даңғылы 12, 3-подъезд",
        who="anonymous" if anonymous else "named",
    )
    assert "№ 1000" in receipt.text


@pytest.mark.parametrize(
    ("lang", "anonymous"), [("kk", False), ("ru", True)], ids=["kk-named", "ru-anonymous"]
)
async def test_a_whole_report(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, lang: str, anonymous: bool
) -> None:
    staff = tg.group(STAFF_CHAT)
    topics = staff.forum
    officer = tg.user(9501, first_name="Nurlan", last_name="Private", language_code="ru")
    staff.add_member(officer)
    await staff.send(officer, "/me капитан Ахметов")
    await staff.next_message()
    resident = tg.user(9502, first_name="Aliya", username="aliya_k", language_code=lang)
    await onboard(resident, lang)
    await report(resident, lang, anonymous=anonymous)

    post = await staff.next_message(timeout=10)
    assert post.text.splitlines()[0] == "№ 1000 хабарлама · 🔊 Шу, тыныштықты бұзу"
    assert "<b>&</b>" in post.text, "the resident's markup arrives as text, escaped"
    if anonymous:
        assert "Aliya" not in post.text and "aliya_k" not in post.text
    else:
        assert "Aliya @aliya_k" in post.text
    if topics:
        [(thread, name)] = staff.topics.items()
        assert name == "№ 1000 · 🔊 Шу, тыныштықты бұзу · Тұран даңғылы 12, 3-подъезд"
        assert post.thread_id == thread, "the post is in the report's own topic"
        rows = await db_of("SELECT staff_thread_id FROM reports")
        assert rows[0][0] == thread
    else:
        assert staff.topics == {} and post.thread_id is None
        thread = None
    await eventually(
        lambda: db_of("SELECT 1 FROM reports WHERE staff_message_id = ?", post.message_id)
    )

    await staff.press(officer, post, data=StaffCb(action="take", report=1000, seen="n"))
    assert (await resident.next_message(timeout=10)).text == TAKEN[lang]

    # the officer writes: in the topic, or as a reply to the post; // stays among staff
    where: dict[str, Any] = {"thread_id": thread} if topics else {"reply_to": post}
    await staff.send(officer, "// тот же адрес, что вчера", **where)
    await staff.send(officer, "Выезжаем. Подъезд <3>?", **where)
    # one message: the header and the officer's words (escaped), not a header and a copy
    copied = await resident.next_message(timeout=10)
    assert copied.method == "sendMessage"
    assert copied.text == f"{OFFICER_HEADER[lang]}\nВыезжаем. Подъезд <3>?"

    await eventually(
        lambda: db_of(
            "SELECT 1 FROM outbox WHERE chat_id = ? AND telegram_message_id = ?",
            resident.id,
            copied.message_id,
        )
    )
    sent = await resident.reply(copied, "Иә / да, 3-й")
    answer = await staff.next_message(timeout=10)
    here = "💬 Тұрғын (№ 1000):" if topics else "💬 № 1000 хабарлама бойынша тұрғын жазады:"
    assert answer.method == "sendMessage" and answer.text == f"{here}\nИә / да, 3-й"
    assert answer.thread_id == thread, "back in the same place"
    # the resident is told it arrived by a mark on their own message, not by a new message
    await tg.wait_for(lambda: tg.reactions.get((resident.id, sent["message_id"])), timeout=10)
    assert tg.reactions[(resident.id, sent["message_id"])] == ["👌"]
    assert resident.unread() == [], "no «sent» message that could come before the delivery"

    await button_shown(tg, post, StaffCb(action="resolve", report=1000, seen="t"), within=10)
    await staff.press(officer, post, data=StaffCb(action="resolve", report=1000, seen="t"))
    await button_shown(tg, post, StaffCb(action="rs_plain", report=1000, seen="t"), within=10)
    await staff.press(officer, post, data=StaffCb(action="rs_plain", report=1000, seen="t"))
    assert (await resident.next_message(timeout=10)).text == RESOLVED[lang]
    if topics:
        assert thread is not None
        await tg.wait_for(lambda: staff.all_topics[thread].closed, timeout=10)

    await button_shown(tg, post, StaffCb(action="reopen", report=1000, seen="s"), within=10)
    await staff.press(officer, post, data=StaffCb(action="reopen", report=1000, seen="s"))
    assert (await resident.next_message(timeout=10)).text == REOPENED[lang]
    if topics:
        await tg.wait_for(lambda: not staff.all_topics[thread].closed, timeout=10)
        # the topic is open again: the officer can go on writing there
        await staff.send(officer, "Проверим ещё раз.", thread_id=thread)
        again = await resident.next_message(timeout=10)
        assert again.text == f"{OFFICER_HEADER[lang]}\nПроверим ещё раз."

    assert all("тот же адрес" not in m.text for m in resident.messages)
    assert all("Private" not in m.text for m in resident.messages), "never the Telegram name"
    events = [r[0] for r in await db_of("SELECT action FROM report_events ORDER BY id")]
    assert events[:6] == [
        "submitted",
        "take",
        "officer_message",
        "resident_message",
        "resolve",
        "reopen",
    ]
