"""First contact and bad input, in-process: /language, a sticker in the wizard, huge text."""

from __future__ import annotations

from bot.testing.fake_telegram import FakeTelegram
from bot.testing.inprocess import InProcessBot
from tests.e2e.scenarios import onboard


async def test_language_switch_holds_for_later_messages(
    tg: FakeTelegram, bot: InProcessBot
) -> None:
    user = tg.user(9501, first_name="Asel", language_code="kk")
    await onboard(user, "kk")
    await user.send("/language")
    await user.press(await user.next_message(), text="🇷🇺 Русский")
    switched = await user.next_message()
    await user.send("/help")
    help_text = await user.next_message()
    assert switched.text == "Язык переключён: теперь общаемся на русском."
    assert "/report: сообщить о мелком нарушении" in help_text.text


async def test_a_sticker_in_the_wizard_gets_a_clear_answer(
    tg: FakeTelegram, bot: InProcessBot
) -> None:
    user = tg.user(9502, first_name="Erlan", language_code="kk")
    await onboard(user, "kk")
    await user.send("/report")
    step1 = await user.next_message()
    await user.send_sticker()
    answer = await user.next_message()
    assert answer.text and answer.text != step1.text
