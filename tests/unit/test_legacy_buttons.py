"""The legacy-button mechanism: an old packing is rewritten before the filters read it.

Each feature that changed a packing proves its own old strings end to end; this file checks
the mechanism with a made-up packing, through a real Dispatcher."""

from __future__ import annotations

from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.telegram.legacy_buttons import LEGACY, Legacy, LegacyButtons, table, translate


class NewCb(CallbackData, prefix="zz"):
    action: str
    item: int


def old_to_new(parts: list[str]) -> str | None:
    # before: "zz:<action><item>", e.g. "zz:take12"
    if len(parts) != 1 or not parts[0][:4].isalpha() or not parts[0][4:].isdecimal():
        return None
    return NewCb(action=parts[0][:4], item=int(parts[0][4:])).pack()


TABLE = table(Legacy("zz", old_to_new, since="0.1.0", remove_after="0.2.0"))


def test_an_old_string_is_translated_and_a_new_one_left_alone() -> None:
    assert translate("zz:take12", TABLE) == "zz:take:12"
    assert translate("zz:take:12", TABLE) is None  # already new
    assert translate("zz:nonsense", TABLE) is None  # not of the old shape: stale, as before
    assert translate("yy:take12", TABLE) is None  # another prefix


def test_every_entry_names_its_releases() -> None:
    for entries in LEGACY.values():
        for entry in entries:
            assert entry.since and entry.remove_after > entry.since


async def test_a_press_of_an_old_button_reaches_the_new_handler() -> None:
    seen: list[NewCb] = []
    router = Router()

    @router.callback_query(NewCb.filter(F.action == "take"))
    async def on_take(query: CallbackQuery, callback_data: NewCb) -> None:
        seen.append(callback_data)

    dp = Dispatcher()
    dp.callback_query.outer_middleware(LegacyButtons(TABLE))
    dp.include_router(router)
    chat = Chat(id=5, type="private")
    user = User(id=5, is_bot=False, first_name="A")
    message = Message(message_id=1, date=0, chat=chat)
    bot = Bot("42:TEST")  # never called: the handler makes no request
    for n, data in enumerate(("zz:take12", "zz:take:13", "zz:broken")):
        query = CallbackQuery(
            id=str(n), from_user=user, chat_instance="c", message=message, data=data
        )
        await dp.feed_update(bot, Update(update_id=n + 1, callback_query=query))
    await bot.session.close()
    assert seen == [NewCb(action="take", item=12), NewCb(action="take", item=13)]
