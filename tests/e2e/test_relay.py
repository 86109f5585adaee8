"""A relay costs the staff group one message: the words under a header line, or the media with
the header in its caption; two only when they do not fit. The sender learns it arrived from a
👌 on their own message, set once Telegram has taken the relay, never before."""

from __future__ import annotations

from typing import Any

from bot.telegram.callbacks import MyReportsCb
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.fake_telegram.world import BotMessage, FakeUser
from tests.e2e.conftest import STAFF_CHAT, RunningBot
from tests.e2e.scenarios import onboard, submit_report
from tests.e2e.test_staff import staff_post

HEADER = "💬 № 1000 хабарлама бойынша тұрғын жазады:"  # the staff group speaks Kazakh


async def writing(tg: FakeTelegram, bot: RunningBot, user_id: int) -> tuple[FakeUser, BotMessage]:
    """A resident with report 1000 posted, at «✍️ Write to the police officer»."""
    user = tg.user(user_id, first_name="Aliya", language_code="ru")
    await onboard(user, "ru")
    await submit_report(user, "ru")
    post = await staff_post(tg, bot)
    await user.send("/myreports")
    listing = await user.next_message()
    await user.press(listing, data=MyReportsCb(action="open", value=1000))
    await tg.wait_for(lambda: bool(listing.edits), timeout=5)
    await user.press(listing, data=MyReportsCb(action="write", value=1000))
    await user.next_message()  # what to write
    return user, post


async def delivered(tg: FakeTelegram, user: FakeUser, sent: dict[str, Any]) -> bool:
    await tg.wait_for(lambda: (user.id, sent["message_id"]) in tg.reactions, timeout=10)
    return tg.reactions[(user.id, sent["message_id"])] == ["👌"]


async def test_a_resident_s_formatting_arrives_as_written(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    user, post = await writing(tg, bot, 9701)
    staff = tg.group(STAFF_CHAT)
    text = "Машина <А123> стоит на газоне"
    bold = {"type": "bold", "offset": 7, "length": 6}
    sent = await user.send(text, entities=[bold])
    relayed = await staff.next_message(timeout=10)
    assert relayed.method == "sendMessage"
    assert relayed.text == f"{HEADER}\n{text}", "HTML in it is shown, not read as markup"
    shift = len(f"{HEADER}\n".encode("utf-16-le")) // 2  # entity offsets count UTF-16 units
    assert {"type": "bold", "offset": shift + 7, "length": 6} in relayed.entities
    assert relayed.raw["reply_to_message"]["message_id"] == post.message_id
    assert await delivered(tg, user, sent)


async def test_a_photo_carries_the_header_in_its_caption(tg: FakeTelegram, bot: RunningBot) -> None:
    user, _ = await writing(tg, bot, 9702)
    staff = tg.group(STAFF_CHAT)
    before = len(staff.messages)
    sent = await user.send_photo(caption="Вот номер машины")
    assert (await user.next_message()).text.startswith("⏳ Передаём дежурному сотруднику")
    photo = await staff.next_message(timeout=10)
    assert photo.method == "copyMessage" and photo.media == "photo"
    assert photo.text == f"{HEADER}\nВот номер машины"
    assert await delivered(tg, user, sent)
    assert len(staff.messages) == before + 1, "one message in the group"


async def test_what_does_not_fit_goes_as_header_and_copy(tg: FakeTelegram, bot: RunningBot) -> None:
    user, _ = await writing(tg, bot, 9703)
    staff = tg.group(STAFF_CHAT)
    caption = "д" * (1024 - len(HEADER))  # with the header and a line break: 1025
    sent = await user.send_photo(caption=caption)
    await user.next_message()
    header = await staff.next_message(timeout=10)
    copy = await staff.next_message(timeout=10)
    assert (header.method, header.text) == ("sendMessage", HEADER)
    assert (copy.method, copy.media, copy.text) == ("copyMessage", "photo", caption)
    assert await delivered(tg, user, sent), "the mark follows the copy, not the header"


async def test_an_officer_s_document_reaches_the_resident_with_its_caption(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    user = tg.user(9704, first_name="Marat", language_code="ru")
    await onboard(user, "ru")
    await submit_report(user, "ru")
    post = await staff_post(tg, bot)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9705, first_name="Erlan", language_code="kk")
    staff.add_member(officer)
    before = len(user.messages)
    said = await staff.send_document(
        officer, "protocol.pdf", b"%PDF-1.4", caption="Протокол", reply_to=post
    )
    copy = await user.next_message(timeout=10)
    assert copy.method == "copyMessage" and copy.media == "document"
    assert copy.text == "💬 По Вашему сообщению № 1000 пишет дежурный сотрудник полиции:\nПротокол"
    await tg.wait_for(lambda: (STAFF_CHAT, said["message_id"]) in tg.reactions, timeout=10)
    assert tg.reactions[(STAFF_CHAT, said["message_id"])] == ["👌"]
    assert len(user.messages) == before + 1, "one message for the document"
