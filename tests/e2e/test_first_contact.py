"""A resident's first conversation, in Kazakh, in Russian, and in a language we do not speak."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from bot.domain.users import CONSENT_VERSION
from bot.telegram.callbacks import ConsentCb, LanguageCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import RunningBot
from tests.e2e.scenarios import onboard

WELCOME = {"kk": "Сәлеметсіз бе!", "ru": "Здравствуйте!"}
PICK = {"kk": "Бот тілін таңдаңыз:", "ru": "Выберите язык бота:"}
HELP_BUTTON = {"kk": "ℹ️ Анықтама", "ru": "ℹ️ Справка"}


@pytest.mark.parametrize(
    ("language_code", "expected"), [("kk", "kk"), ("ru", "ru"), ("en", "kk"), (None, "kk")]
)
async def test_first_contact_speaks_the_users_language(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, language_code: str | None, expected: str
) -> None:
    user = tg.user(5001, first_name="Aigerim", language_code=language_code)
    await user.send("/start")
    welcome = await user.next_message()
    assert welcome.text.startswith(WELCOME[expected])
    assert "102" in welcome.text and "112" in welcome.text
    assert user.reply_keyboard is not None
    assert HELP_BUTTON[expected] in [label for row in user.reply_keyboard for label in row]
    picker = await user.next_message()
    assert picker.text == PICK[expected]
    assert sorted(b["callback_data"] for b in picker.buttons) == [
        LanguageCb(code="kk").pack(),
        LanguageCb(code="ru").pack(),
    ]
    rows = await db_of("SELECT language, language_chosen, consent_version FROM users WHERE id=5001")
    assert [tuple(r) for r in rows] == [(expected, 0, None)]


async def test_choosing_a_language_then_consent(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(5002, first_name="Ivan", language_code="kk")
    await user.send("/start")
    await user.next_message()
    picker = await user.next_message()
    query = await user.press(picker, data=LanguageCb(code="ru"))
    assert (await user.answer_of(query))["text"] == "Язык переключён: теперь общаемся на русском."
    switched = await user.next_message()
    assert switched.text == "Язык переключён: теперь общаемся на русском."
    assert ["ℹ️ Справка", "🌐 Язык"] in user.reply_keyboard
    consent = await user.next_message()
    assert consent.text.startswith("Согласие на обработку персональных данных")
    assert "Казахстане" in consent.text
    await user.press(consent, text="✅ Даю согласие")
    thanks = await user.next_message()
    assert thanks.text.startswith("Спасибо. Ваше согласие получено.")
    rows = await db_of("SELECT language, language_chosen, consent_version FROM users WHERE id=5002")
    assert [tuple(r) for r in rows] == [("ru", 1, CONSENT_VERSION)]
    events = await db_of("SELECT action, version FROM consent_events WHERE user_id=5002")
    assert [tuple(r) for r in events] == [("given", CONSENT_VERSION)]


async def test_declining_consent_keeps_only_id_and_language(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(5003, first_name="Dana", language_code="kk")
    consent = await onboard(user, "kk", consent=None)
    await user.press(consent, text="Қазір емес")
    reply = await user.next_message()
    assert reply.text.startswith("Түсінікті. Мен тек Telegram id нөміріңізді")
    rows = await db_of("SELECT consent_version FROM users WHERE id=5003")
    assert rows[0][0] is None


async def test_help_explains_and_names_the_emergency_numbers(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    user = tg.user(5004, first_name="Asel", language_code="ru")
    await user.send("/help")
    reply = await user.next_message()
    assert reply.text.startswith("Сақшы связывает жителей с местной полицейской службой.")
    assert "В экстренной ситуации звоните 102 (полиция) или 112." in reply.text
    assert {"bold"} <= {e["type"] for e in reply.entities}


async def test_language_switch_keeps_old_keyboard_working(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    user = tg.user(5005, first_name="Nurlan", language_code="kk")
    await user.send("/help")
    await user.next_message()
    old_keyboard = user.reply_keyboard
    assert old_keyboard is not None and old_keyboard[2][0] == "ℹ️ Анықтама"
    await user.send("/language")
    picker = await user.next_message()
    await user.press(picker, data=LanguageCb(code="ru"))
    assert (await user.next_message()).text == "Язык переключён: теперь общаемся на русском."
    assert (await user.next_message()).text.startswith("Согласие на обработку")
    await user.send("/cancel")
    await user.next_message()
    # the Kazakh label of a keyboard sent before the switch still works, answered in Russian
    await user.send("ℹ️ Анықтама")
    reply = await user.next_message()
    assert reply.text.startswith("Сақшы связывает жителей")


async def test_privacy_shows_consent_date_in_almaty_time(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    user = tg.user(5006, first_name="Aliya", language_code="ru")
    await onboard(user, "ru", consent="yes")
    await user.tap("🔒 Мои данные")
    status = await user.next_message()
    (given_at,) = (await db_of("SELECT consent_at FROM users WHERE id=5006"))[0]
    local = datetime.fromisoformat(given_at).astimezone(ZoneInfo("Asia/Almaty"))
    month = format_date(local, "MMMM", locale="ru")  # e.g. «ноября», the genitive
    expected = f"Вы дали согласие {local.day} {month} {local.year}, {local:%H:%M}."
    assert expected in status.text
    assert [b["text"] for b in status.buttons] == ["Отозвать согласие"]
    await user.press(status, text="Отозвать согласие")
    assert (
        await user.next_message()
    ).text == "Согласие отозвано. Теперь я храню только Ваш Telegram id и язык."


@pytest.mark.parametrize(
    ("lang", "report", "calls"),
    [
        ("kk", "📝 Хабарлама жіберу", "дереу <b>102</b> немесе <b>112</b>"),
        ("ru", "📝 Сообщить о нарушении", "немедленно звоните <b>102</b> или <b>112</b>"),
    ],
)
async def test_someone_in_danger_sees_the_emergency_numbers_before_the_consent_text(
    tg: FakeTelegram, bot: RunningBot, lang: str, report: str, calls: str
) -> None:
    user = tg.user(5010, first_name="Aruzhan", language_code=lang)
    consent = await onboard(user, lang, consent=None)
    await user.press(consent, data=ConsentCb(action="no"))
    await user.next_message()
    await user.tap(report)  # the first report, no consent yet
    first = await user.next_message()
    assert first.html.startswith("🚨") and calls in first.html, first.html
    question = await user.next_message()
    assert question.buttons, "then the consent question, with its buttons"
    assert "102" not in question.text


async def test_a_first_report_command_shows_the_emergency_numbers_first(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    user = tg.user(5011, first_name="Timur", language_code="ru")
    await user.send("/report")  # the very first message: no /start, no consent
    first = await user.next_message()
    assert first.html.startswith("🚨") and "<b>102</b> или <b>112</b>" in first.html
    assert (await user.next_message()).text.startswith("Согласие на обработку")


async def test_the_welcome_and_the_description_offer_the_inspector_lookup_as_it_is(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    """The inspector's button is under the first message: no "coming soon" about it."""
    for user_id, lang, inspector in ((5012, "kk", "инспектор"), (5013, "ru", "инспектор")):
        user = tg.user(user_id, first_name="Ainur", language_code=lang)
        await user.send("/start")
        welcome = await user.next_message()
        assert inspector in welcome.text and ("жақында" not in welcome.text), welcome.text
        assert "скоро" not in welcome.text
        assert any("👮" in label for row in user.reply_keyboard or [] for label in row)
        await tg.wait_for(lambda lang=lang: lang in tg.descriptions, timeout=5)
        described = tg.descriptions[lang]
        assert inspector in described and "жақында" not in described
        assert "скоро" not in described
