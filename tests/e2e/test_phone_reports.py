"""A report taken by phone, through the real bot: the duty officer's form with every problem
named at once, then a good one; the post marks the channel and who recorded the oral consent;
nothing goes to a caller who is not in Telegram; the caller claims the report later with the
one-time code (a wrong or reused code is refused the same way) and then hears of it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.telegram.callbacks import StaffCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot
from tests.e2e.scenarios import onboard
from tests.e2e.test_legal_clock import answer_to, plain

FORMS = {
    "kk": "/phone\nсанаты: noise\nне болды: Түнде қатты музыка\nқайда: Тұран 12\n"
    "аты: Айгүл Серікова\nтелефон: +7 701 123 45 67\nкелісім: иә",
    "ru": "/phone\nкатегория: noise\nчто: Громкая музыка ночью\nгде: Туран 12\n"
    "имя: Айгуль Серикова\nтелефон: +7 701 123 45 67\nсогласие: да",
}
SAID = {
    "kk": {
        "problems": "Хабарлама тіркелмеді. Түзетіңіз:",
        "filed": "☎️ № 1000 хабарлама тіркелді.",
        "post": "☎️ Телефонмен қабылдаған: Officer; өтініш беруші деректерін сақтауға ауызша "
        "келісті",
        "offline": "Өтініш беруші бұл хабарламаны Telegram-да әлі алмаған",
        "refused": "Бұл код сәйкес келмейді. Хабарламаңызды қабылдаған қызметкерден тексеріңіз.",
        "claimed": "Полиция сізден телефонмен не жеке қабылдаған № 1000 хабарлама енді сізге "
        "байланыстырылды",
        "taken": "№ 1000 хабарламаңызды",
        "channels": "Арна бойынша: телефонмен 1",
    },
    "ru": {
        "problems": "Сообщение не оформлено. Исправьте, пожалуйста:",
        "filed": "☎️ Сообщение № 1000 оформлено.",
        "post": "☎️ Принято по телефону: Officer; заявитель устно согласился на хранение данных",
        "offline": "Заявитель ещё не привязал это сообщение в Telegram",
        "refused": "Этот код не подходит. Уточните его у сотрудника, который принял Ваше "
        "сообщение.",
        "claimed": "Сообщение № 1000, которое полиция приняла от Вас по телефону или лично, "
        "теперь связано с Вами",
        "taken": "Ваше сообщение № 1000 принято в работу",
        "channels": "По каналам: по телефону 1",
    },
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_a_phone_report_is_filed_by_an_officer_and_claimed_later_by_the_caller(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, lang: str
) -> None:
    said_in = SAID[lang]
    await bot.restart(staff_locale=lang)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9761, first_name="Officer", language_code=lang)
    staff.add_member(officer)

    form = await answer_to(tg, staff, officer, "/phone")
    assert "<code>/phone" in form.html and "<code>noise</code>" in form.html
    wrong = await answer_to(
        tg, staff, officer, "/phone\ncategory: nois\nwhere: 10.0, 10.0\nphone: 123\nconsent: no"
    )
    lines = wrong.text.splitlines()
    assert lines[0] == said_in["problems"]
    assert len(lines) == 7, "what and name missing, the category, the place, the phone, consent"
    assert await plain(db_of, "SELECT count(*) FROM reports") == [(0,)]

    filed = await answer_to(tg, staff, officer, FORMS[lang])
    assert filed.text.startswith(said_in["filed"])
    code = re.search(r"/claim (\d{4} \d{4})", filed.text)
    assert code is not None
    rows = await plain(db_of, "SELECT reporter_id, channel, consent_by, phone FROM reports")
    assert rows == [(-1, "phone", "Officer", "+77011234567")]
    stored = await plain(db_of, "SELECT code_hash FROM claim_codes")
    assert code.group(1).replace(" ", "") not in stored[0][0], "only a hash is kept"

    def post() -> Any:
        return next((m for m in staff.messages if said_in["post"] in (m.text or "")), None)

    await tg.wait_for(post, timeout=10)
    assert "Айгү" in post().text or "Айгу" in post().text
    offline = await answer_to(tg, staff, officer, "Сізге қоңырау шаламыз", reply_to=post())
    assert offline.text.startswith(said_in["offline"])

    # the caller joins Telegram later: a wrong code, the right one, then nobody can reuse it
    caller = tg.user(9762, first_name="Aigul", language_code=lang)
    await onboard(caller, lang)
    await caller.send("/claim 1111 2222")
    assert (await caller.next_message(timeout=10)).text == said_in["refused"]
    await caller.send(f"/claim {code.group(1)}")
    claimed = await caller.next_message(timeout=10)
    assert claimed.text.startswith(said_in["claimed"])
    assert await plain(db_of, "SELECT reporter_id, language FROM reports") == [(caller.id, lang)]
    other = tg.user(9763, first_name="Other", language_code=lang)
    await onboard(other, lang)
    await other.send(f"/claim {code.group(1)}")
    assert (await other.next_message(timeout=10)).text == said_in["refused"]

    # from now on the caller hears of it
    await staff.press(officer, post(), data=StaffCb(action="take", report=1000, seen="n"))
    taken = await caller.next_message(timeout=10)
    assert taken.text.startswith(said_in["taken"])
    stats = await answer_to(tg, staff, officer, "/stats today")
    assert said_in["channels"] in (stats.caption or stats.text or "")
