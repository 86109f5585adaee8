"""My district inspector, from the demo directory of the Shymkent pilot: a location inside each
square, one outside them, the list, a typed name, the deep link; and a report made in a square
shows its precinct and inspector to staff."""

from __future__ import annotations

from typing import Any

import pytest

from bot.telegram.callbacks import CategoryCb, InspectorPickCb, InspectorReportCb, ReportStepCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import onboard, submit_report

#: a point inside each demo square, its inspector and their police point
SQUARES = [
    ("zhd-vokzal", 42.300, 69.610, "Серікбаев Ерлан (демо)", "+76000000001", "mpp-zhd"),
    ("yubileyny", 42.320, 69.580, "Тұрсынова Айгүл (демо)", "+76000000002", "mpp-yub"),
    ("mzhk", 42.320, 69.610, "Әбдіров Дәурен (демо)", "+76000000003", "mpp-zhd"),
    ("koksay-1", 42.300, 69.550, "Оспанов Нұрлан (демо)", "+76000000004", "mpp-yub"),
]
CARD_TITLE = {
    "kk": "👮 Сіздің учаскелік полиция инспекторыңыз",
    "ru": "👮 Ваш участковый инспектор полиции",
}
INSPECTOR_BUTTON = {"kk": "👮 Учаскелік инспекторым", "ru": "👮 Мой участковый"}


async def lookup(user: Any, lat: float, lon: float) -> list[Any]:
    """Press the menu button, share the location; the card, the contact(s) and the venue."""
    lang = user.language_code
    await user.tap(INSPECTOR_BUTTON[lang])
    prompt = await user.next_message()
    assert "📍" in str(prompt.reply_markup), "a button to send the location"
    await user.send_location(lat, lon)
    return [await user.next_message() for _ in range(3)]


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_each_square_has_its_inspector(tg: FakeTelegram, bot: RunningBot, lang: str) -> None:
    user = tg.user(9701 if lang == "kk" else 9702, first_name="Resident", language_code=lang)
    await onboard(user, lang, consent=None)  # no consent needed to look up an inspector
    for precinct_id, lat, lon, name, phone, point_id in SQUARES:
        card, contact, venue = await lookup(user, lat, lon)
        assert card.text.startswith(CARD_TITLE[lang]), precinct_id
        assert name in card.text
        assert phone[2:5] in card.text.replace(" ", ""), "the phone as text, tappable"
        assert contact.method == "sendContact"
        assert contact.raw["contact"]["phone_number"] == phone
        assert contact.raw["contact"]["first_name"] == name
        assert venue.method == "sendVenue"
        point = bot.app.directory.current.point(point_id)  # type: ignore[union-attr]
        assert venue.raw["venue"]["title"] == point.name(lang)
        assert venue.raw["venue"]["location"]["latitude"] == pytest.approx(point.latitude)
        assert [b["text"] for b in card.buttons] == [
            "📝 Осы жерден хабарлау" if lang == "kk" else "📝 Сообщить об этом месте"
        ]
        assert user.reply_keyboard is not None and any(
            INSPECTOR_BUTTON[lang] in row for row in user.reply_keyboard
        ), "back to the main menu"


async def test_outside_every_square_the_nearest_point_and_emergency_numbers(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    user = tg.user(9703, first_name="Resident", language_code="ru")
    await user.send("/start")
    await user.next_message()
    await user.next_message()
    await user.send_location(42.400, 69.600)  # in Shymkent, in no demo square
    text = await user.next_message()
    venue = await user.next_message()
    assert text.text.startswith("Это место не входит ни в один участок из моего справочника.")
    assert "Ближайший полицейский пункт — в 4,5 км:" in text.text
    assert "102" in text.text and "112" in text.text
    assert venue.raw["venue"]["title"] == "Управление полиции Аль-Фарабийского района (демо)"
    await user.send_location(0.0, 0.0)  # the ocean
    answer = await user.next_message()
    assert answer.text.startswith("Это место вне зоны обслуживания Сақшы")


async def test_the_list_a_typed_name_and_the_deep_link(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(9704, first_name="Resident", language_code="kk")
    await user.send("/start inspector")  # t.me/<bot>?start=inspector, from a poster's QR code
    prompt = await user.next_message()
    assert prompt.text.startswith("👮 Менің учаскелік инспекторым")
    await user.tap("📋 Тізімнен таңдау")
    listing = await user.next_message()
    assert listing.button_texts == [
        "ЖД вокзал",
        "Көксай-1 шағынауданы",
        "МЖК шағынауданы",
        "Юбилейный шағынауданы",
    ]
    await user.press(listing, data=InspectorPickCb(precinct="mzhk"))
    card = await user.next_message()
    assert "Әбдіров Дәурен (демо)" in card.text and card.buttons == [], "no place to report at"
    await user.next_message()  # contact
    await user.next_message()  # venue

    await user.send("/inspector")
    await user.next_message()
    await user.send("көксай")
    card = await user.next_message()
    assert "Оспанов Нұрлан (демо)" in card.text
    await user.next_message()
    await user.next_message()
    await user.send("/inspector")
    await user.next_message()
    await user.send("<b>Марс</b>")
    answer = await user.next_message()
    assert answer.text.startswith("«<b>Марс</b>» деген шағынаудан табылмады.")
    await user.send_sticker()
    assert (await user.next_message()).text.startswith("Геолокацияңызды жіберіңіз")
    # literal payloads on purpose: an old or forged keyboard's data, not the bot's
    query = await user.press_stale(data="in:pick:gone", message=listing)
    assert (await user.answer_of(query))["text"].startswith("Бұл батырма ескірген")


async def test_a_report_made_here_shows_its_precinct_and_inspector(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    user = tg.user(9705, first_name="Aigerim", language_code="kk")
    await onboard(user, "kk")
    card, _, _ = await lookup(user, 42.300, 69.610)
    await user.press(card, data=InspectorReportCb(lat=42.3, lon=69.61))
    await user.press(await user.next_message(), data=CategoryCb(key="noise"))
    await user.next_message()  # what happened?
    await user.send("Түнде вокзал маңында шу")
    assert (await user.next_message()).text.startswith("📍 Орны:"), "the place is already known"
    assert "5" in (await user.next_message()).text, "then the photos step"
    await user.tap("⏭ Өткізіп жіберу")
    await user.press(await user.next_message(), data=ReportStepCb(action="named"))
    await user.next_message()
    await user.tap("⏭ Өткізіп жіберу")
    summary = await user.next_message()
    assert "42.30000, 69.61000" in summary.text
    await user.press(summary, data=ReportStepCb(action="send"))
    await user.next_message(timeout=10)
    post = [m for m in [await staff.next_message(timeout=10) for _ in range(2)]][-1]
    assert "🏘 ЖД вокзал (Әл-Фараби ауданы) · 👮 полиция капитаны Серікбаев Ерлан (демо)" in (
        post.text
    )
    rows = await db_of("SELECT precinct_id, inspector_id FROM reports")
    assert tuple(rows[0]) == ("zhd-vokzal", "demo-ins-1")

    # a typed address cannot be placed: unassigned, for the duty officer to route
    await submit_report(
        user,
        "kk",
        category="litter",
        description="Қоқыс",
        address="Байтұрсынов көшесі 5",
        who="anonymous",
    )
    post = await staff.next_message(timeout=10)
    assert "🏘 ⚠️ Тұрғын жазған мекенжай картада белгіленбеген" in post.text
    assert await eventually(lambda: db_of("SELECT 1 FROM reports WHERE precinct_id IS NULL"))
