"""Whatever the bot does not understand gets a short answer in the user's language."""

from __future__ import annotations

import asyncio

from bot.telegram.callbacks import CategoryCb, LanguageCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import RunningBot
from tests.e2e.scenarios import onboard

NOT_UNDERSTOOD_KK = "Кешіріңіз, түсінбедім."
UNSUPPORTED_KK = "Мұнда хабардың бұл түрін қабылдай алмаймын."
CONSENT_REMINDER_RU = (
    "Пожалуйста, ответьте кнопками ниже: Вы согласны на обработку своих персональных данных? "
    "Чтобы вернуться в меню, отправьте /cancel."
)


async def test_idle_state_answers_every_kind_of_input(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(6001, first_name="Erlan", language_code="kk")
    await user.send("/help")  # not a first contact any more
    await user.next_message()
    await user.send("hello?")
    reply = await user.next_message()
    assert reply.text.startswith(NOT_UNDERSTOOD_KK)
    assert user.reply_keyboard is not None, "the way back: the main menu"
    for send in (
        user.send_sticker,
        user.send_voice,
        lambda: user.send_document(file_name="x.pdf"),
        lambda: user.send_photo(),
        lambda: user.send_contact(phone_number="+77011234567", first_name="Erlan"),
        user.send_video,
    ):
        await send()
        assert (await user.next_message()).text.startswith(UNSUPPORTED_KK)
    # a location outside any conversation asks for the district inspector there
    await user.send_location(43.3, 69.6)
    assert (await user.next_message()).text.startswith("Бұл жер Сақшы қызмет көрсететін аумақтан")


async def test_html_laden_and_huge_text_is_answered_safely(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    user = tg.user(6002, first_name="<b>Evil</b>", language_code="ru")
    await user.send("/help")
    await user.next_message()
    await user.send("<script>alert('x')</script> & </b>" * 100)
    reply = await user.next_message()
    assert reply.text.startswith("Извините, я не понимаю.")
    await user.send("ж" * 4096)
    assert (await user.next_message()).text.startswith("Извините, я не понимаю.")


async def test_consent_state_reminds_what_it_waits_for(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(6003, first_name="Oleg", language_code="ru")
    await onboard(user, "ru", consent=None)
    await user.send_sticker()
    reminder = await user.next_message()
    assert reminder.text == CONSENT_REMINDER_RU
    assert [b["callback_data"] for b in reminder.buttons] == ["consent:yes", "consent:no"]
    await user.send("что?")
    assert (await user.next_message()).text == CONSENT_REMINDER_RU
    # commands and menu buttons still work mid-conversation
    await user.tap("ℹ️ Справка")
    assert (await user.next_message()).text.startswith("Сақшы связывает жителей")
    await user.send("/cancel")
    assert (await user.next_message()).text == "Действие отменено. Вот главное меню."
    await user.send("что?")
    assert (await user.next_message()).text.startswith("Извините, я не понимаю.")


async def test_cancel_with_nothing_to_cancel(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(6004, first_name="Zhanna", language_code="kk")
    await user.send("/cancel")
    assert (await user.next_message()).text == "Тоқтататын әрекет жоқ. Міне, басты мәзір."


async def test_edited_message_gets_an_answer(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(6005, first_name="Timur", language_code="kk")
    await user.send("/help")
    await user.next_message()
    sent = await user.send("сәлем")
    await user.next_message()
    await user.edit(sent, "сәлеметсіз бе")
    reply = await user.next_message()
    assert reply.text == "Өңделген хабарларды оқымаймын. Оның орнына жаңа хабар жіберіңіз."


async def test_stale_and_unknown_buttons_are_answered(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(6006, first_name="Saule", language_code="ru")
    await user.send("/help")
    old = await user.next_message()
    # a button of a feature that no longer exists, on a message from long ago
    # literal payloads on purpose: an old or forged keyboard's data, not the bot's
    query = await user.press_stale(data="report:take:999", message=old)
    answer = await user.answer_of(query)
    assert answer["text"] == "Эта кнопка устарела. Воспользуйтесь меню ниже."
    assert (await user.next_message()).text.startswith("Главное меню.")
    query = await user.press_stale(data="lang:en", message=old)
    assert (await user.answer_of(query))["text"] == "Эта кнопка устарела. Воспользуйтесь меню ниже."
    # a callback with no message at all (inline mode) is answered too
    query = await user.press_stale(data="consent:maybe")
    assert (await user.answer_of(query))["text"] == "Эта кнопка устарела. Воспользуйтесь меню ниже."


async def test_first_language_choice_via_command_leads_to_consent(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    user = tg.user(6007, first_name="Marat", language_code="kk")
    await user.send("/language")
    await user.press(await user.next_message(), data=LanguageCb(code="ru"))
    await user.next_message()
    assert (await user.next_message()).text.startswith("Согласие на обработку")
    await user.send("???")
    assert (await user.next_message()).text == CONSENT_REMINDER_RU


async def test_first_words_that_are_not_start_get_the_welcome(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    user = tg.user(6008, first_name="Asem", language_code="kk")
    await user.send("Сәлем! Участковый кім?")
    assert (await user.next_message()).text.startswith("Сәлеметсіз бе!")
    assert (await user.next_message()).text == "Бот тілін таңдаңыз:"
    await user.send("Сәлем!")
    assert (await user.next_message()).text.startswith("Кешіріңіз, түсінбедім.")


async def test_a_flood_is_slowed_down_politely_and_once(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(7951, first_name="Fast", language_code="ru")
    await onboard(user, "ru")
    # a fresh guard with a full bucket of 3 that refills once in 100 Telegram minutes (6 s
    # here): how fast the 8 messages are handled cannot change what is let through
    await bot.restart(flood_burst=3, flood_per_minute=0.01)
    user.unread()
    before = len(user.messages)
    for n in range(8):  # at once
        await user.send(f"раз {n}")
    query = await user.press_stale("lang:ru")  # a press in the flood is still answered
    await tg.wait_for(lambda: len(user.messages) >= before + 4, timeout=5)  # 3 answers, 1 "slow"
    await asyncio.sleep(0.3)  # and nothing more (a wait for nothing: not scaled)
    texts = [m.text for m in user.unread()]
    slow = "Слишком много сразу. Пожалуйста, подождите немного и продолжайте."
    assert texts.count(slow) == 1, texts
    assert len([t for t in texts if t != slow]) == 3, "the first three are answered"
    assert (await user.answer_of(query))["text"] == slow


async def test_a_picture_sent_as_a_file_is_not_kept(tg: FakeTelegram, bot: RunningBot) -> None:
    user = tg.user(7961, first_name="Exif", language_code="kk")
    await onboard(user, "kk")
    await user.send("/report")
    await user.press(await user.next_message(), data=CategoryCb(key="noise"))
    await user.next_message()  # describe it
    await user.send_document(file_name="IMG_2041.JPG")
    told = await user.next_message()
    assert told.text.startswith("Суретті файл ретінде емес, фото ретінде жіберіңіз")
    await user.send("Түнде көршілер шулайды")
    await user.next_message()  # where
    await user.send("Тұран 12")
    await user.next_message()  # photos
    await user.send_document(file_name="scan.png")
    assert (await user.next_message()).text.startswith("Суретті файл ретінде емес")
    await user.send_document(file_name="notes.pdf")
    assert not (await user.next_message()).text.startswith("Суретті файл"), "not a picture"
