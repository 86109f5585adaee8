"""The resident's complaint about a police officer: what happened, named or anonymous, the
summary, «Send». The draft lives in the FSM (SQLite), so a restart keeps it; only the committed
complaint gets a number, and its receipt comes from the outbox. A reply to any of the bot's
messages about a complaint goes to the complaints chat while it is open."""

from __future__ import annotations

import uuid
from html import escape

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.complaints import MAX_COMPLAINT, MIN_COMPLAINT, ComplaintDraft
from bot.domain.users import User
from bot.services.complaints import ComplaintService
from bot.telegram import texts as common
from bot.telegram.buttons import (
    BTN_BACK,
    BTN_CANCEL,
    BTN_COMPLAINT,
    back_cancel_keyboard,
    consent_keyboard,
    main_menu,
)
from bot.telegram.callbacks import ComplaintStep, ComplaintStepCb
from bot.telegram.common.relay import relayed
from bot.telegram.editing import drop_inline_keyboard
from bot.telegram.filters import ButtonFilter
from bot.telegram.resident.complaint import texts
from bot.telegram.resident.start.router import Onboarding


class ComplaintForm(StatesGroup):
    description = State()
    anonymity = State()
    confirm = State()


def router() -> Router:
    r = Router(name="complaint")
    not_command = ~F.text.startswith("/")
    r.message.register(resident_reply, F.reply_to_message)
    r.message.register(begin, Command("complaint"))
    r.message.register(begin, ButtonFilter(BTN_COMPLAINT))
    in_form = StateFilter(ComplaintForm)
    r.message.register(cancel, in_form, ButtonFilter(BTN_CANCEL))
    r.callback_query.register(
        cancel_button, in_form, ComplaintStepCb.filter(F.action == ComplaintStep.CANCEL)
    )
    r.message.register(back, in_form, ButtonFilter(BTN_BACK))
    r.message.register(describe, ComplaintForm.description, F.text, not_command)
    r.message.register(words_only, ComplaintForm.description, not_command)
    r.callback_query.register(
        choose_anonymity,
        ComplaintForm.anonymity,
        ComplaintStepCb.filter(F.action.in_({ComplaintStep.NAMED, ComplaintStep.ANONYMOUS})),
    )
    r.callback_query.register(
        send, ComplaintForm.confirm, ComplaintStepCb.filter(F.action == ComplaintStep.SEND)
    )
    r.message.register(use_buttons, ComplaintForm.anonymity, not_command)
    r.message.register(use_buttons, ComplaintForm.confirm, not_command)
    return r


def _step(text: str, action: ComplaintStep) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=ComplaintStepCb(action=action).pack())


async def begin(
    message: Message, state: FSMContext, user: User, complaints: ComplaintService
) -> None:
    if not complaints.accepted:
        await state.clear()
        await message.answer(texts.not_taken_here(), reply_markup=main_menu())
        return
    if not user.has_consent:
        await state.set_state(Onboarding.consent)
        await state.set_data({"then": "complaint"})
        await message.answer(texts.consent_needed())
        await message.answer(common.consent_question(), reply_markup=consent_keyboard())
        return
    await start_wizard(message, state)


async def start_wizard(message: Message, state: FSMContext) -> None:
    await state.set_state(ComplaintForm.description)
    # one complaint per wizard, however often «Send» is handled
    await state.set_data({"key": uuid.uuid4().hex})
    await message.answer(texts.start(), reply_markup=back_cancel_keyboard())


async def describe(message: Message, state: FSMContext) -> None:
    text = (message.text or "").strip()
    if len(text) < MIN_COMPLAINT:
        await message.answer(texts.too_short(MIN_COMPLAINT))
        return
    if len(text) > MAX_COMPLAINT:
        await message.answer(texts.too_long(MAX_COMPLAINT))
        return
    await state.update_data(description=text)
    await ask_anonymity(message, state)


async def words_only(message: Message) -> None:
    await message.answer(texts.words_only())


async def ask_anonymity(message: Message, state: FSMContext) -> None:
    await state.set_state(ComplaintForm.anonymity)
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [_step(_("👤 Show my name"), ComplaintStep.NAMED)],
            [_step(_("🕶 Anonymously"), ComplaintStep.ANONYMOUS)],
        ]
    )
    await message.answer(texts.ask_anonymity(), reply_markup=keyboard)


async def choose_anonymity(
    query: CallbackQuery, callback_data: ComplaintStepCb, state: FSMContext
) -> None:
    await query.answer()
    await drop_inline_keyboard(query.message)
    anonymous = callback_data.action is ComplaintStep.ANONYMOUS
    await state.update_data(anonymous=anonymous)
    await state.set_state(ComplaintForm.confirm)
    data = await state.get_data()
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [_step(_("✅ Send"), ComplaintStep.SEND)],
            [_step(_(BTN_CANCEL), ComplaintStep.CANCEL)],
        ]
    )
    if isinstance(query.message, Message):
        await query.message.answer(
            texts.summary(escape(str(data.get("description", ""))), anonymous),
            reply_markup=keyboard,
        )


async def send(
    query: CallbackQuery, state: FSMContext, user: User, complaints: ComplaintService
) -> None:
    await query.answer(texts.sending())
    data = await state.get_data()
    # the wizard ends with the complaint's commit (the update's unit of work)
    await state.clear()
    description = str(data.get("description") or "")
    if not description or "key" not in data:  # a draft from an older release: start again
        await drop_inline_keyboard(query.message)
        if isinstance(query.message, Message):
            await query.message.answer(common.stale_button(), reply_markup=main_menu())
        return
    if not complaints.accepted:  # the operator took the complaints chat away meanwhile
        await drop_inline_keyboard(query.message)
        if isinstance(query.message, Message):
            await query.message.answer(texts.not_taken_here(), reply_markup=main_menu())
        return
    draft = ComplaintDraft(description, bool(data.get("anonymous")), str(data["key"]))
    await complaints.submit(user, draft, name=query.from_user.full_name)
    # the receipt with its number comes from the outbox: it survives a crash right here
    await drop_inline_keyboard(query.message)


async def back(message: Message, state: FSMContext) -> None:
    current = await state.get_state()
    if current == ComplaintForm.confirm.state:
        await ask_anonymity(message, state)
    elif current == ComplaintForm.anonymity.state:
        await state.set_state(ComplaintForm.description)
        await message.answer(texts.start(), reply_markup=back_cancel_keyboard())
    else:
        await cancel(message, state)


async def cancel(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(texts.cancelled(), reply_markup=main_menu())


async def cancel_button(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await drop_inline_keyboard(query.message)
    if isinstance(query.message, Message):
        await query.message.answer(texts.cancelled(), reply_markup=main_menu())


async def use_buttons(message: Message) -> None:
    await message.answer(texts.use_buttons())


async def resident_reply(message: Message, complaints: ComplaintService) -> None:
    """The resident answers the supervisors (a reply to a bot message about a complaint)."""
    assert message.reply_to_message is not None
    complaint = await complaints.from_resident(
        message.reply_to_message.message_id, relayed(message)
    )
    if complaint is None:
        raise SkipHandler  # a reply to something else: the other handlers decide
    if not complaint.is_open:
        await message.answer(texts.closed(complaint.id))
    # passed on: the reply gets a 👌 when the complaints chat has it (on delivery)
