"""A resident reports a minor violation, in Kazakh and in Russian, through the real bot."""

from __future__ import annotations

from typing import Any

import pytest

from bot.telegram.callbacks import CategoryCb, ConsentCb, ReportStepCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import onboard, submit_report

LABELS = {
    "kk": {
        "report": "📝 Хабарлама жіберу",
        "location": "📍 Геолокациямды жіберу",
        "done": "✅ Дайын",
        "skip": "⏭ Өткізіп жіберу",
        "back": "⬅️ Артқа",
        "cancel": "✖️ Болдырмау",
        "receipt": "№ 1000 хабарламаңыз қабылданды.",
        "step1": "Бұл қандай құқықбұзушылық?",
    },
    "ru": {
        "report": "📝 Сообщить о нарушении",
        "location": "📍 Отправить геолокацию",
        "done": "✅ Готово",
        "skip": "⏭ Пропустить",
        "back": "⬅️ Назад",
        "cancel": "✖️ Отмена",
        "receipt": "Ваше сообщение № 1000 принято.",
        "step1": "Какое это нарушение?",
    },
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_a_whole_report(tg: FakeTelegram, bot: RunningBot, db_of: Any, lang: str) -> None:
    t = LABELS[lang]
    user = tg.user(9101, first_name="Aigerim", username="aigerim", language_code=lang)
    await onboard(user, lang)
    await user.tap(t["report"])
    step1 = await user.next_message()
    assert "102" in step1.text and t["step1"] in step1.text
    await user.press(step1, data=CategoryCb(key="noise"))
    await user.next_message()  # step 2
    await user.send("Түнгі 2-де қатты музыка <script>alert(1)</script> & айқай")
    await user.next_message()  # step 3
    assert t["location"] in [label for row in user.reply_keyboard for label in row]
    await user.send_location(42.3417, 69.5901)
    await user.next_message()  # step 4
    await user.send_photo(media_group_id="album1")
    await user.send_photo(media_group_id="album1")
    added = await user.next_message()
    assert "1" in added.text  # one answer for the album
    await user.tap(t["done"])
    anonymity = await user.next_message()
    await user.press(anonymity, data=ReportStepCb(action="named"))
    await user.next_message()  # step 6
    await user.send_contact(phone_number="+77011234567", first_name="Aigerim")
    summary = await user.next_message()
    assert "&lt;script&gt;" not in summary.text and "<script>" in summary.text
    await user.press(summary, data=ReportStepCb(action="send"))
    receipt = await user.next_message(timeout=10)
    assert receipt.text.startswith(t["receipt"])
    assert t["report"] in user.reply_keyboard[0], "the main menu is back"

    staff = tg.group(STAFF_CHAT)
    await tg.wait_for(lambda: len(staff.messages) == 4, timeout=10)
    photo1, photo2, pin, post = staff.messages  # the album is two messages in Telegram
    assert photo1.method == photo2.method == "sendMediaGroup" and pin.method == "sendLocation"
    assert photo1.text == "№ 1000 хабарлама", "the album's caption names the report"
    assert post.text.startswith("№ 1000 хабарлама · 🔊 Шу, тыныштықты бұзу")  # staff: kk
    assert "<script>alert(1)</script> & айқай" in post.text, "shown as typed, not as HTML"
    assert "Aigerim @aigerim" in post.text and "+77011234567" in post.text

    async def stored() -> list[tuple[Any, ...]]:
        rows = await db_of(
            "SELECT status, category, latitude, anonymous, phone, staff_message_id FROM reports"
        )
        return [tuple(r) for r in rows if r["staff_message_id"] is not None]

    assert await eventually(stored) == [
        ("new", "noise", 42.3417, 0, "+77011234567", post.message_id)
    ]
    media = await db_of("SELECT count(*) FROM report_media")
    assert media[0][0] == 2


async def test_anonymous_report_with_a_typed_address(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(9102, first_name="Hidden", username="hidden", language_code="ru")
    await onboard(user, "ru")
    await submit_report(
        user,
        "ru",
        category="parking",
        description="Машина перекрыла выезд со двора",
        address="ул. Байтурсынова 12, у школы",
        who="anonymous",
    )
    staff = tg.group(STAFF_CHAT)
    post = await staff.next_message(timeout=10)
    assert "Hidden" not in post.text and "hidden" not in post.text
    assert "⚠️ орналасқан жері расталмаған" in post.text
    rows = await db_of("SELECT anonymous, reporter_name, location_verified FROM reports")
    assert [tuple(r) for r in rows] == [(1, None, 0)]


async def test_back_cancel_outside_area_and_consent_first(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(9103, first_name="Nurlan", language_code="kk")
    await user.send("/help")
    await user.next_message()
    await user.send("/report")  # no consent yet: asked first, then the wizard starts
    needed = await user.next_message()
    assert needed.text.startswith("🚨") and "Хабарлама жіберу үшін" in needed.text
    await user.press(await user.next_message(), data=ConsentCb(action="yes"))
    await user.next_message()
    step1 = await user.next_message()
    await user.press(step1, data=CategoryCb(key="litter"))
    await user.next_message()
    await user.send("Қоқыс")
    await user.next_message()
    await user.send_location(0.0, 0.0)
    assert "Шымкент" in (await user.next_message()).text
    await user.tap("⬅️ Артқа")
    assert "2/6-қадам" in (await user.next_message()).text
    await user.send_sticker()
    assert (await user.next_message()).text.startswith("Мәтін, дауыстық хабар немесе")
    await user.send("ж" * 2001)
    # numbers as Kazakh and Russian write them (Babel): 2 001 with a no-break space
    assert "2\xa0001" in (await user.next_message()).text
    await user.tap("✖️ Болдырмау")
    assert (await user.next_message()).text.startswith("Хабарлама жасау тоқтатылды")
    assert await db_of("SELECT id FROM reports") == []


async def test_restart_in_the_middle_keeps_the_draft(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(9104, first_name="Dana", language_code="ru")
    await onboard(user, "ru")
    await user.send("/report")
    await user.press(await user.next_message(), data=CategoryCb(key="drinking"))
    await user.next_message()
    await user.send("Распивают у подъезда")
    await user.next_message()
    await bot.restart()
    await user.send_location(42.30, 69.60)
    await user.next_message()
    await user.tap("⏭ Пропустить")
    await user.press(await user.next_message(), data=ReportStepCb(action="named"))
    await user.next_message()
    await user.tap("⏭ Пропустить")
    summary = await user.next_message()
    assert "Распивают у подъезда" in summary.text, "the draft survived the restart"
    await user.press(summary, data=ReportStepCb(action="send"))
    assert (await user.next_message(timeout=10)).text.startswith("Ваше сообщение № 1000 принято.")


async def test_an_album_that_describes_the_violation_is_kept_whole(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(9105, first_name="Aset", language_code="kk")
    await onboard(user, "kk")
    await user.send("/report")
    await user.press(await user.next_message(), data=CategoryCb(key="vandalism"))
    await user.next_message()
    for _ in range(3):
        await user.send_photo(caption="Қабырғаға граффити салынған", media_group_id="wall")
    assert "3/6-қадам" in (await user.next_message()).text
    await user.send("Тұран 12")
    assert "4/6-қадам" in (await user.next_message()).text, "no extra prompts for the album"
    await user.tap("⏭ Өткізіп жіберу")
    await user.press(await user.next_message(), data=ReportStepCb(action="named"))
    await user.next_message()
    await user.tap("⏭ Өткізіп жіберу")
    summary = await user.next_message()
    assert "Фото немесе бейне: 3" in summary.text
    await user.press(summary, data=ReportStepCb(action="send"))
    await user.next_message(timeout=10)
    assert (await db_of("SELECT count(*) FROM report_media"))[0][0] == 3
    staff = tg.group(STAFF_CHAT)
    await tg.wait_for(lambda: len(staff.messages) == 4, timeout=10)
    assert [m.method for m in staff.messages] == ["sendMediaGroup"] * 3 + ["sendMessage"]


async def test_a_single_photo_goes_as_a_photo(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(9106, first_name="Bota", language_code="ru")
    await onboard(user, "ru")
    await submit_report(
        user,
        "ru",
        category="litter",
        description="Свалка у арыка",
        photo=True,
        address="ул. Байтурсынова 1",
        who="anonymous",
    )
    staff = tg.group(STAFF_CHAT)
    await tg.wait_for(lambda: len(staff.messages) == 2, timeout=10)
    assert [m.method for m in staff.messages] == ["sendPhoto", "sendMessage"]
    assert staff.messages[0].text == "№ 1000 хабарлама"
