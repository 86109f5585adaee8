"""Follow-ups through the real bot: a reminder for an untaken report (real delays of about a
second), the survey after a resolved report in the resident's language with its answers stored,
and a restart between a follow-up's due time and its run (a controllable clock)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.services.clock import WorldClock
from bot.telegram.callbacks import CategoryCb, StaffCb, SurveyCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import button_shown, onboard, submit_report
from tests.e2e.test_staff import staff_post

#: Saturday 21.11.2026, 11:30 in Almaty
SATURDAY = datetime(2026, 11, 21, 6, 30, tzinfo=UTC)

REMINDER_KK = "⏰ № 1000 хабарлама 1 минут күтіп тұр: оны ешкім қарауға алмады."


async def test_an_untaken_report_is_recalled_to_the_staff_group(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    await bot.restart(remind_untaken_minutes=0.02, followup_tick_seconds=0.1)  # 1.2 s
    resident = tg.user(9901, first_name="R", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")
    staff = tg.group(STAFF_CHAT)
    post = await staff.next_message(timeout=10)
    reminder = await staff.next_message(timeout=10)
    assert reminder.text == REMINDER_KK
    assert reminder.raw.get("reply_to_message", {}).get("message_id") == post.message_id


async def reported_and_resolved(
    tg: FakeTelegram, bot: RunningBot, resident_id: int, lang: str, officer_id: int
) -> Any:
    """A resident reports; an officer takes and resolves the report. Returns the resident."""
    resident = tg.user(resident_id, first_name="R", language_code=lang)
    await onboard(resident, lang)
    await submit_report(resident, lang)
    post = await staff_post(tg, bot)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(officer_id, first_name="Officer", language_code="kk")
    staff.add_member(officer)
    await staff.press(officer, post, data=StaffCb(action="take", report=1000, seen="n"))
    await resident.next_message(timeout=10)
    await button_shown(tg, post, StaffCb(action="resolve", report=1000, seen="t"), within=10)
    await staff.press(officer, post, data=StaffCb(action="resolve", report=1000, seen="t"))
    await button_shown(tg, post, StaffCb(action="rs_plain", report=1000, seen="t"), within=10)
    await staff.press(officer, post, data=StaffCb(action="rs_plain", report=1000, seen="t"))
    await resident.next_message(timeout=10)  # resolved
    return resident


@pytest.mark.clock(SATURDAY)
async def test_the_survey_after_a_resolved_report(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, clock: WorldClock
) -> None:
    await bot.restart(followup_tick_seconds=0.1)
    resident = await reported_and_resolved(tg, bot, 9902, "ru", 9990)
    staff = tg.group(STAFF_CHAT)

    clock.now += timedelta(hours=2, minutes=1)
    survey = await resident.next_message(timeout=10)
    assert survey.text == (
        "По Вашему сообщению № 1000 работа завершена. Расскажите, пожалуйста, как всё прошло: "
        "проблема решена?"
    )
    assert survey.button_texts == ["✅ Да", "🟡 Частично", "❌ Нет"]
    await resident.press(survey, data=SurveyCb(step="s", report=1000, value="partly"))
    await button_shown(tg, survey, SurveyCb(step="r", report=1000, value="4"), within=5)
    assert survey.text.endswith("Как Вы оцените работу полиции по сообщению № 1000 — от 1 до 5?")
    await resident.press(survey, data=SurveyCb(step="r", report=1000, value="4"))
    await button_shown(tg, survey, SurveyCb(step="c", report=1000, value="-"), within=5)
    await resident.send("Стало тише, но <не> совсем")
    assert (await resident.next_message()).text.startswith("Спасибо за ответы")
    rows = await db_of("SELECT solved, rating, comment, officer_id FROM surveys")
    assert [tuple(r) for r in rows] == [("partly", 4, "Стало тише, но <не> совсем", 9990)]
    comment = await staff.next_message(timeout=10)
    assert (
        comment.text == "💬 № 1000 хабарлама бойынша тұрғынның пікірі: Стало тише, но <не> совсем"
    )
    # literal payloads on purpose: an old or forged keyboard's data, not the bot's
    query = await resident.press_stale(data="sv:s:1000:no", message=survey)
    assert (await resident.answer_of(query))["text"] == "Вы уже ответили на этот вопрос. Спасибо!"
    assert (await db_of("SELECT status FROM reports"))[0][0] == "resolved"


@pytest.mark.clock(SATURDAY)
async def test_a_restart_between_due_time_and_run_sends_the_reminder_once(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, clock: WorldClock
) -> None:
    await bot.restart(followup_tick_seconds=0.1, remind_untaken_minutes=1)
    resident = tg.user(9903, first_name="R", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")
    staff = tg.group(STAFF_CHAT)
    await staff_post(tg, bot)
    await bot.stop()
    clock.now += timedelta(minutes=10)  # due while the bot was down
    await bot.start(followup_tick_seconds=0.1, remind_untaken_minutes=1)
    reminder = await staff.next_message(timeout=10)
    assert reminder.text == REMINDER_KK

    async def settled() -> bool:
        rows = await db_of("SELECT state FROM followups WHERE kind = 'report_remind'")
        return [r[0] for r in rows] == ["done"]

    assert await eventually(settled)
    await bot.restart(followup_tick_seconds=0.1, remind_untaken_minutes=1)
    clock.now += timedelta(minutes=10)
    await asyncio.sleep(0.5)  # a few ticks of the restarted bot
    assert [m.text for m in staff.messages].count(REMINDER_KK) == 1, "once, across restarts"


@pytest.mark.clock(SATURDAY)
async def test_a_survey_does_not_take_over_a_report_being_written(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, clock: WorldClock
) -> None:
    await bot.restart(followup_tick_seconds=0.1)
    resident = await reported_and_resolved(tg, bot, 9904, "kk", 9991)
    clock.now += timedelta(hours=3)
    survey = await resident.next_message(timeout=10)
    await resident.press(survey, data=SurveyCb(step="s", report=1000, value="yes"))
    await button_shown(tg, survey, SurveyCb(step="r", report=1000, value="5"), within=5)

    await resident.send("/report")  # a new report, before rating the old one
    await resident.press(await resident.next_message(), data=CategoryCb(key="noise"))
    await resident.next_message()  # what happened?
    await resident.press(survey, data=SurveyCb(step="r", report=1000, value="5"))
    await tg.wait_for(lambda: survey.text.startswith("Жауаптарыңызға рақмет"), timeout=5)
    await resident.send("Тағы да шу")  # still the new report's description
    assert "📍" in (await resident.next_message()).text, "the wizard asks where, as before"
    rows = await db_of("SELECT rating, comment FROM surveys")
    assert [tuple(r) for r in rows] == [(5, None)], "the description is not a survey comment"
