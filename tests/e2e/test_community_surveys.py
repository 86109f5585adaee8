"""Community surveys through the real bot: staff compose one in the staff group (a survey
missing a language is refused), check the draft and send it; it reaches only the residents who
follow the targeted areas with surveys on, each in their language; answers are counted once per
resident and can change until the end; at the end time the results (text and a PNG bar chart
per area, in the staff's language) reach the staff group by themselves; CSV on request;
unsubscribing stops them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.services.clock import WorldClock
from bot.telegram.callbacks import CommunityCb, SubRemoveCb, SubSwitchCb, SurveyDraftCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import onboard
from tests.e2e.test_desk import png_series

# Sunday 22.11.2026, 11:00 in Almaty; the survey ends the same day at 20:00 (15:00 UTC)
NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
FORM = """/survey
кому: zhd-vokzal, mzhk
до: 22.11.2026 20:00
kk: Кешке аулада жарық жеткілікті ме? (<b> & $)
ru: Достаточно ли вечером света во дворе?
- Иә, жеткілікті | Да, достаточно
- Жоқ, қараңғы $5 & 10$ <i> | Нет, <темно>"""
QUESTION = "Кешке аулада жарық жеткілікті ме? (<b> & $)"
NO = "Жоқ, қараңғы $5 & 10$ <i>"
ANALYSTS = -1001000000077


async def follow(user: Any, area: str) -> None:
    await user.send("/subscribe")
    await user.next_message()
    await user.send(area)
    assert (await user.next_message()).text.startswith("🔔 ")


@pytest.mark.clock(NOW)
async def test_a_survey_reaches_the_targeted_followers_and_its_results_the_staff(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, clock: WorldClock
) -> None:
    analysts = tg.group(ANALYSTS, title="Interagency group", bot_is_admin=True)
    # every area on its own here (the rule that folds small areas together has its unit test)
    await bot.restart(followup_tick_seconds=0.1, analysts_chat_id=ANALYSTS, survey_min_answers=1)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9801, first_name="Officer", language_code="ru")
    staff.add_member(officer)
    aigerim = tg.user(9802, first_name="Aigerim", language_code="kk")  # ЖД вокзал, kk
    boris = tg.user(9803, first_name="Boris", language_code="ru")  # ЖД вокзал, ru
    dana = tg.user(9804, first_name="Dana", language_code="ru")  # МЖК
    erlan = tg.user(9805, first_name="Erlan", language_code="kk")  # Көксай-1: not targeted
    farida = tg.user(9806, first_name="Farida", language_code="ru")  # surveys switched off
    gulnar = tg.user(9807, first_name="Gulnar", language_code="kk")  # follows nothing
    for user, lang in (
        (aigerim, "kk"), (boris, "ru"), (dana, "ru"), (erlan, "kk"), (farida, "ru"), (gulnar, "kk"),
    ):  # fmt: skip
        await onboard(user, lang)
    await follow(aigerim, "вокзал")
    await follow(boris, "вокзал")
    await follow(dana, "МЖК")
    await follow(erlan, "Көксай")
    await follow(farida, "вокзал")
    await farida.send("/subscriptions")
    card = await farida.next_message()
    await farida.press(card, data=SubSwitchCb(kind="surveys", subscription=5, on=False))
    await tg.wait_for(lambda: "⬜ опросы жителей" in card.button_texts, timeout=5)

    # a survey missing Russian in an option, and one missing the Kazakh question: refused
    await staff.send(officer, FORM.replace("| Нет, <темно>", ""))
    refused = await staff.next_message()
    assert refused.text.startswith("Опрос не создан:")
    assert "вариант 2 должен быть на обоих языках" in refused.text
    await staff.send(officer, FORM.replace(f"kk: {QUESTION}\n", ""))
    assert "нет строки вопроса «kk: …»" in (await staff.next_message()).text
    assert await db_of("SELECT id FROM community_surveys") == []

    await staff.send(officer, FORM)
    draft = await staff.next_message()
    assert draft.text.startswith("📋 № 1 сауалнама жобасы")
    assert f"🇰🇿 {QUESTION}" in draft.text, "staff text is escaped, shown as written"
    assert "2. Нет, <темно>" in draft.text
    assert "Қазір жіберілсе, 3 тұрғынға жетеді" in draft.text
    assert aigerim.unread() == [], "nothing goes out before «Send»"
    stranger = tg.user(9808, first_name="Stranger", language_code="ru")
    staff.add_member(stranger)
    staff.members.pop(stranger.id)  # was in the group, has been removed since
    query = await staff.press(stranger, draft, data=SurveyDraftCb(action="send", survey=1))
    assert (await stranger.answer_of(query))["show_alert"] is True
    assert aigerim.unread() == [] and draft.text.startswith("📋 № 1"), "still a draft"
    await staff.press(officer, draft, data=SurveyDraftCb(action="send", survey=1))
    sent = "📤 № 1 сауалнаманы Officer жіберді"
    await tg.wait_for(lambda: draft.text.startswith(sent), timeout=5)

    asked_kk = await aigerim.next_message(timeout=10)
    assert asked_kk.text.startswith("📋 ЖД вокзал: жергілікті полицияның сауалнамасы")
    assert QUESTION in asked_kk.text
    assert asked_kk.button_texts == ["Иә, жеткілікті", NO]
    asked_ru = await boris.next_message(timeout=10)
    assert asked_ru.text.startswith("📋 ЖД вокзал: опрос местной полиции")
    assert asked_ru.button_texts == ["Да, достаточно", "Нет, <темно>"]
    asked_dana = await dana.next_message(timeout=10)
    assert asked_dana.text.startswith("📋 микрорайон МЖК: опрос местной полиции")
    for user in (erlan, farida, gulnar):
        assert user.unread() == [], "only the targeted followers with surveys on"

    # one answer each, changeable; a forged press changes nothing
    query = await aigerim.press(asked_kk, data=CommunityCb(survey=1, option=0))
    assert (await aigerim.answer_of(query))["text"] == "Рақмет, жауабыңыз есепке алынды."
    await tg.wait_for(lambda: "✅ Сіздің жауабыңыз: «Иә, жеткілікті»." in asked_kk.text, timeout=5)
    assert asked_kk.button_texts[0] == "✅ Иә, жеткілікті"
    query = await aigerim.press(asked_kk, data=CommunityCb(survey=1, option=1))
    assert (await aigerim.answer_of(query))["text"] == "Жауабыңыз өзгертілді."
    await tg.wait_for(lambda: f"«{NO}»" in asked_kk.text, timeout=5)
    await boris.press(asked_ru, data=CommunityCb(survey=1, option=1))
    await tg.wait_for(lambda: "✅ Ваш ответ: «Нет, <темно>»." in asked_ru.text, timeout=5)
    await dana.press(asked_dana, data=CommunityCb(survey=1, option=0))
    query = await erlan.press_stale(CommunityCb(survey=1, option=0).pack())  # never sent it
    assert "ескірген" in (await erlan.answer_of(query))["text"]
    query = await boris.press_stale(
        CommunityCb(survey=1, option=7).pack(), asked_ru
    )  # no such option
    assert "устарела" in (await boris.answer_of(query))["text"]
    assert await eventually(
        lambda: db_of("SELECT 1 FROM community_survey_answers WHERE user_id = 9804")
    )
    rows = await db_of(
        "SELECT user_id, option, changes FROM community_survey_answers ORDER BY user_id"
    )
    assert [tuple(r) for r in rows] == [(9802, 1, 1), (9803, 1, 0), (9804, 0, 0)]

    # partial results on request: a chart that matches the database
    await staff.send(officer, "/survey 1")
    chart = await staff.next_message(timeout=20)
    assert chart.method == "sendPhoto"
    assert "№ 1 сауалнама: қазіргі нәтижелер" in (chart.text or "")
    plotted = png_series(tg.file_data(chart.raw["photo"][-1]["file_id"]) or b"")
    assert {r["key"]: r["counts"] for r in plotted["rows"]} == {
        "all": [1, 2],
        "zhd-vokzal": [0, 2],
        "mzhk": [1, 0],
    }
    assert f"«{QUESTION}»" in (chart.text or "")
    text = await staff.next_message()
    assert f"2. {NO}: 2 (67%)" in text.text
    assert "ЖД вокзал: 2 адамнан 2 адам жауап берді" in text.text
    assert "МЖК шағынауданы: 1 адамнан 1 адам жауап берді" in text.text

    # the end time closes it: the results reach the staff group by themselves
    clock.now = NOW + timedelta(hours=9, minutes=1)
    final = await staff.next_message(timeout=15)
    assert final.method == "sendPhoto"
    assert "№ 1 сауалнама: қорытынды нәтижелер" in (final.text or "")
    assert "3 тұрғынға жіберілді; жауап бергендер: 3" in (final.text or "")
    plotted = png_series(tg.file_data(final.raw["photo"][-1]["file_id"]) or b"")
    assert {r["key"]: r["counts"] for r in plotted["rows"]}["all"] == [1, 2]
    summary = await staff.next_message(timeout=10)
    assert "1. Иә, жеткілікті: 1 (33" in summary.text and "/survey 1 csv" in summary.text
    # the analysts' chat: the whole, no area
    shared = await analysts.next_message(timeout=10)
    assert shared.method == "sendPhoto"
    plotted = png_series(tg.file_data(shared.raw["photo"][-1]["file_id"]) or b"")
    assert [r["key"] for r in plotted["rows"]] == ["all"]
    shared_text = (await analysts.next_message(timeout=10)).text
    assert "1. Иә, жеткілікті: 1 (33" in shared_text
    assert "вокзал" not in shared_text and "МЖК" not in shared_text and "csv" not in shared_text
    assert [tuple(r) for r in await db_of("SELECT status FROM community_surveys")] == [("closed",)]
    query = await aigerim.press(
        asked_kk, data=CommunityCb(survey=1, option=0)
    )  # too late: nothing changes
    assert "аяқталды" in (await aigerim.answer_of(query))["text"]
    await tg.wait_for(lambda: asked_kk.reply_markup is None, timeout=5)
    assert "Сауалнама аяқталды." in asked_kk.text
    # the counts are kept; the link between a person and an answer is not
    assert await db_of("SELECT * FROM community_survey_answers") == []
    tallies = await db_of("SELECT precinct_id, recipients, counts FROM community_survey_tallies")
    assert sorted(tuple(r) for r in tallies) == [("mzhk", 1, "[1, 0]"), ("zhd-vokzal", 2, "[0, 2]")]

    # the CSV: counts per area and option, no names
    await staff.send(officer, "/survey 1 csv")
    document = await staff.next_message(timeout=10)
    assert document.method == "sendDocument"
    data = (tg.file_data(document.raw["document"]["file_id"]) or b"").decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(data), delimiter=";"))
    got = {(r["precinct"], r["option"]): int(r["answers"]) for r in table}
    assert got == {
        ("all", "1"): 1, ("all", "2"): 2,
        ("zhd-vokzal", "1"): 0, ("zhd-vokzal", "2"): 2,
        ("mzhk", "1"): 1, ("mzhk", "2"): 0,
    }  # fmt: skip
    assert list(table[0]) == [
        "survey", "precinct", "precinct_name", "recipients", "answered", "option", "option_kk",
        "option_ru", "answers", "share_percent",
    ], "counts only: no column about a person"  # fmt: skip
    assert table[3]["option_kk"] == NO, "text as written (a leading «=» would be neutralised)"

    # Boris stops following: the next survey, to every area, does not reach him
    await boris.send("/subscriptions")
    card = await boris.next_message()
    await boris.press(card, data=SubRemoveCb(subscription=2))
    await tg.wait_for(lambda: "отписались от новостей" in card.text, timeout=5)
    clock.now = NOW + timedelta(hours=10)  # 21:00 in Almaty
    second = FORM.replace("кому: zhd-vokzal, mzhk", "кому: все").replace(
        "до: 22.11.2026 20:00", "до: 23.11.2026 20:00"
    )
    await staff.send(officer, second)
    draft = await staff.next_message()
    assert "Қазір жіберілсе, 3 тұрғынға жетеді" in draft.text  # Aigerim, Dana, Erlan
    await staff.press(officer, draft, data=SurveyDraftCb(action="send", survey=2))
    await tg.wait_for(lambda: draft.text.startswith("📤 № 2 сауалнаманы"), timeout=5)
    for user in (aigerim, dana, erlan):
        assert (await user.next_message(timeout=10)).text.startswith("📋 ")
    assert boris.unread() == [] and farida.unread() == [] and gulnar.unread() == []
    assert draft.reply_markup is None, "the sent draft keeps no buttons"
