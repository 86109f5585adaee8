"""Before «Send» a resident sees the open reports of the same kind close by (what and how far,
never who or what they wrote) and may follow one instead of sending theirs: nothing new is
stored but the follow, the staff post counts the people affected, and the follower hears how
it ends. A forged or stale «follow» is refused; a place far away shows nothing."""

from __future__ import annotations

from typing import Any

import pytest

from bot.telegram.callbacks import FollowCb, StaffCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import button_shown, fill_report, onboard, submit_report
from tests.e2e.test_legal_clock import plain

SAID = {
    "kk": {
        "nearby": "🔁 Осы жердің маңында бұрын хабарланған:\n• № 1000 · 57 м жерде · жаңа · ",
        "button": "👁 № 1000 бақылау",
        "followed": "Енді № 1000 хабарламаны бақылайсыз; сіздікі жіберілмеді.",
        "counted": "👥 Тағы 1 тұрғын осыны хабарлады",
        "resolved": "Сіз бақылаған № 1000 хабарлама шешілді. Тәртіпті сақтауға көмектескеніңіз "
        "үшін рақмет.",
        "gone": "№ 1000 хабарлама жабылған немесе сіз көрсеткен жерден алыс: өз хабарламаңызды "
        "жіберіңіз не бас тартыңыз.",
    },
    "ru": {
        "nearby": "🔁 Рядом с этим местом уже сообщали:\n• № 1000 · в 57 м · новое · ",
        "button": "👁 Следить за № 1000",
        "followed": "Теперь Вы следите за сообщением № 1000; Ваше не отправлено.",
        "counted": "👥 Ещё 1 житель сообщил о том же",
        "resolved": "Сообщение № 1000, за которым Вы следили, решено. Спасибо, что помогаете "
        "поддерживать порядок.",
        "gone": "Сообщение № 1000 закрыто или уже не рядом с Вашим местом: отправьте своё "
        "сообщение или отмените.",
    },
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_a_resident_follows_an_existing_report_instead_of_a_duplicate(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, lang: str
) -> None:
    said_in = SAID[lang]
    await bot.restart(staff_locale=lang)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9651, first_name="Officer", language_code="kk")
    staff.add_member(officer)
    first = tg.user(9652, first_name="A", username="first_one", language_code=lang)
    second = tg.user(9653, first_name="B", language_code=lang)
    far = tg.user(9654, first_name="C", language_code=lang)
    for user in (first, second, far):
        await onboard(user, lang)
    await submit_report(first, lang, description="Түнде музыка", address=(42.3000, 69.6100))

    async def posted() -> bool:
        rows = await plain(db_of, "SELECT staff_message_id FROM reports WHERE id = 1000")
        return bool(rows and rows[0][0])

    assert await eventually(posted, timeout=10)
    message_id = (await plain(db_of, "SELECT staff_message_id FROM reports"))[0][0]
    post = next(m for m in staff.messages if m.message_id == message_id)

    # about 57 m away, the same kind: shown before «Send», without who or what they wrote
    summary = await fill_report(second, lang, address=(42.3005, 69.6102))
    assert said_in["nearby"] in summary.text
    assert "Түнде музыка" not in summary.text and "first_one" not in summary.text
    assert summary.button_texts[0] == said_in["button"]
    await second.press(summary, data=FollowCb(report=1000))
    followed = await second.next_message(timeout=10)
    assert followed.text.startswith(said_in["followed"])
    assert await plain(db_of, "SELECT count(*) FROM reports") == [(1,)], "nothing sent"
    assert await plain(db_of, "SELECT report_id, user_id FROM report_watchers") == [
        (1000, second.id)
    ]
    await tg.wait_for(lambda: said_in["counted"] in post.text, timeout=10)

    # more than a kilometre away: nothing shown; a forged follow is refused, nothing stored
    summary = await fill_report(far, lang, address=(42.3100, 69.6100))
    assert "🔁" not in summary.text
    query = await far.press_stale(FollowCb(report=1000).pack(), summary)
    assert (await far.answer_of(query))["text"] == said_in["gone"]
    assert await plain(db_of, "SELECT count(*) FROM report_watchers") == [(1,)]

    # the report is resolved: the follower is told, once
    await staff.press(officer, post, data=StaffCb(action="take", report=1000, seen="n"))
    await button_shown(tg, post, StaffCb(action="resolve", report=1000, seen="t"), within=10)
    await staff.press(officer, post, data=StaffCb(action="resolve", report=1000, seen="t"))
    await button_shown(tg, post, StaffCb(action="rs_plain", report=1000, seen="t"), within=10)
    await staff.press(officer, post, data=StaffCb(action="rs_plain", report=1000, seen="t"))
    told = await second.next_message(timeout=10)
    assert told.text == said_in["resolved"]
    assert len([m for m in second.messages if m.text == said_in["resolved"]]) == 1
