"""First conversation: greeting, language choice, consent."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.domain.categories import Category
from bot.domain.users import LOCALES, User
from bot.services.users import UserService
from bot.telegram import texts
from bot.telegram.buttons import (
    BTN_LANGUAGE,
    BTN_MENU,
    consent_keyboard,
    language_keyboard,
    main_menu,
)
from bot.telegram.callbacks import ConsentAction, ConsentCb, LanguageCb
from bot.telegram.editing import drop_inline_keyboard
from bot.telegram.filters import ButtonFilter
from bot.telegram.resident.inspector import router as inspector


class Onboarding(StatesGroup):
    consent = State()


def router() -> Router:
    r = Router(name="start")

    # t.me/<bot>?start=inspector (a QR code on a precinct's poster): straight to the lookup
    r.message.register(
        inspector.ask_place, CommandStart(deep_link=True, magic=F.args == "inspector")
    )
    r.message.register(start, CommandStart())
    r.message.register(ask_language, Command("language"))
    r.message.register(ask_language, ButtonFilter(BTN_LANGUAGE))
    r.message.register(show_menu, ButtonFilter(BTN_MENU))
    r.message.register(cancel, Command("cancel"))
    r.callback_query.register(choose_language, LanguageCb.filter(F.code.in_(LOCALES)))
    r.callback_query.register(stale, LanguageCb.filter())  # a language no longer offered
    r.callback_query.register(consent_yes, ConsentCb.filter(F.action == ConsentAction.YES))
    r.callback_query.register(consent_no, ConsentCb.filter(F.action == ConsentAction.NO))
    return r


async def start(message: Message, state: FSMContext, user: User) -> None:
    await state.clear()
    await message.answer(
        texts.welcome() + "\n\n" + texts.emergency_note(), reply_markup=main_menu()
    )
    if not user.language_chosen:
        await message.answer(texts.choose_language(), reply_markup=language_keyboard())
    elif user.should_be_asked_consent:
        await _ask_consent(message, state)


async def ask_language(message: Message) -> None:
    await message.answer(texts.choose_language(), reply_markup=language_keyboard())


async def show_menu(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(texts.main_menu_hint(), reply_markup=main_menu())


async def cancel(message: Message, state: FSMContext) -> None:
    text = texts.cancelled() if await state.get_state() else texts.nothing_to_cancel()
    await state.clear()
    await message.answer(text, reply_markup=main_menu())


async def choose_language(
    query: CallbackQuery,
    callback_data: LanguageCb,
    state: FSMContext,
    user: User,
    users: UserService,
    i18n: I18n,
) -> None:
    first_choice = not user.language_chosen
    user = await users.set_language(user.id, callback_data.code)
    with i18n.use_locale(user.language):
        await query.answer(texts.language_set())
        await drop_inline_keyboard(query.message)
        if isinstance(query.message, Message):
            await query.message.answer(texts.language_set(), reply_markup=main_menu())
            if first_choice and user.should_be_asked_consent:
                await _ask_consent(query.message, state)


async def stale(query: CallbackQuery) -> None:
    await query.answer(texts.stale_button())


async def _ask_consent(message: Message, state: FSMContext) -> None:
    await state.set_state(Onboarding.consent)
    await message.answer(texts.consent_question(), reply_markup=consent_keyboard())


async def consent_yes(
    query: CallbackQuery,
    state: FSMContext,
    user: User,
    users: UserService,
    categories: tuple[Category, ...],
) -> None:
    data = await state.get_data()
    then, preset = data.get("then"), data.get("preset")
    message = await _consent_answered(
        query, state, await users.give_consent(user.id), texts.consent_given()
    )
    if message is not None and then == "report":
        from bot.telegram.resident.report.router import start_wizard  # the step asked for consent

        user = await users.get_required(user.id)
        place = (float(preset[0]), float(preset[1])) if preset else None
        await start_wizard(message, state, user, categories, place)
    elif message is not None and then == "complaint":
        from bot.telegram.resident.complaint.router import start_wizard as complaint_wizard

        await complaint_wizard(message, state)


async def consent_no(
    query: CallbackQuery, state: FSMContext, user: User, users: UserService
) -> None:
    await _consent_answered(
        query, state, await users.decline_consent(user.id), texts.consent_declined()
    )


async def _consent_answered(
    query: CallbackQuery, state: FSMContext, changed: bool, reply: str
) -> Message | None:
    """What both answers do: end the question's step, say so once (a second tap changes
    nothing and the first removed the buttons). The message to go on in, if any."""
    await state.clear()
    await query.answer()
    if not changed:
        return None
    await drop_inline_keyboard(query.message)
    if not isinstance(query.message, Message):
        return None
    await query.message.answer(reply, reply_markup=main_menu())
    return query.message
