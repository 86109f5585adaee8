"""Help and privacy: what the bot is for, what it keeps, consent."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from babel.dates import format_datetime

from bot.config import Settings
from bot.domain.users import User
from bot.services.privacy import PrivacyService
from bot.services.users import UserService
from bot.telegram import texts
from bot.telegram.buttons import (
    BTN_HELP,
    BTN_PRIVACY,
    forget_keyboard,
    main_menu,
    privacy_keyboard,
)
from bot.telegram.callbacks import ConsentAction, ConsentCb, ForgetAction, ForgetCb
from bot.telegram.editing import drop_inline_keyboard, edit_text
from bot.telegram.filters import ButtonFilter


def router() -> Router:
    r = Router(name="info")
    r.message.register(show_help, Command("help"))
    r.message.register(show_help, ButtonFilter(BTN_HELP))
    r.message.register(show_privacy, Command("privacy"))
    r.message.register(show_privacy, ButtonFilter(BTN_PRIVACY))
    r.message.register(my_data, Command("mydata"))
    r.message.register(forget_me, Command("forgetme"))
    r.callback_query.register(forget_yes, ForgetCb.filter(F.action == ForgetAction.YES))
    r.callback_query.register(forget_no, ForgetCb.filter(F.action == ForgetAction.NO))
    r.callback_query.register(
        withdraw_consent, ConsentCb.filter(F.action == ConsentAction.WITHDRAW)
    )
    return r


async def my_data(message: Message, user: User, privacy: PrivacyService) -> None:
    """Everything the bot holds about this person, as a JSON file, in their chat only."""
    data = await privacy.document(user.id)
    await message.answer_document(
        BufferedInputFile(data, f"sakshy-mydata-{user.id}.json"), caption=texts.mydata_caption()
    )


async def forget_me(message: Message, user: User, privacy: PrivacyService) -> None:
    """Ask before erasing; say plainly why not when a report is open or they are a helper."""
    check = await privacy.can_forget(user.id)
    if check.open_reports:
        await message.answer(texts.forget_open_reports(list(check.open_reports)))
    elif check.helper:
        await message.answer(texts.forget_helper())
    elif check.open_complaints:
        await message.answer(texts.forget_open_complaints(list(check.open_complaints)))
    else:
        await message.answer(texts.forget_confirm(), reply_markup=forget_keyboard())


async def forget_no(query: CallbackQuery) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await edit_text(query.message, texts.forget_kept())


async def forget_yes(query: CallbackQuery, user: User, privacy: PrivacyService) -> None:
    await query.answer()
    message = query.message if isinstance(query.message, Message) else None
    erased = await privacy.forget(user.id)
    if erased.open_reports:  # a report made since the question
        text = texts.forget_open_reports(list(erased.open_reports))
    elif erased.helper:
        text = texts.forget_helper()
    elif erased.open_complaints:
        text = texts.forget_open_complaints(list(erased.open_complaints))
    else:
        text = texts.forget_done(erased.reports)
    if message is not None:
        await edit_text(message, text)
    else:  # the question is too old to edit: a new message
        await query.bot.send_message(user.id, text)  # type: ignore[union-attr]


async def show_help(message: Message) -> None:
    await message.answer(texts.help_text(), reply_markup=main_menu())


async def show_privacy(message: Message, user: User, settings: Settings) -> None:
    when = None
    if user.has_consent and user.consent_at is not None:
        when = format_datetime(
            user.consent_at, "d MMMM y, HH:mm", tzinfo=settings.zone, locale=user.language
        )
    await message.answer(
        texts.privacy_status(user.has_consent, when),
        reply_markup=privacy_keyboard(user.has_consent),
    )


async def withdraw_consent(query: CallbackQuery, user: User, users: UserService) -> None:
    await query.answer()
    if not await users.withdraw_consent(user.id):
        return  # a second tap: the first one answered and removed the buttons
    await drop_inline_keyboard(query.message)
    if isinstance(query.message, Message):
        await query.message.answer(texts.consent_withdrawn(), reply_markup=main_menu())
