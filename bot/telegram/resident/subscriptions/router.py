"""Following an area: /subscribe (a location or a precinct's name), /subscriptions to see them,
switch each kind of message on or off, or stop following."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import gettext

from bot.domain.numbers import parse_number
from bot.domain.subscriptions import Subscription, SubscriptionKind
from bot.domain.users import User
from bot.services.directory import DirectoryService
from bot.services.subscriptions import SubscriptionService
from bot.telegram import texts
from bot.telegram.buttons import BTN_CANCEL, BTN_SEND_LOCATION, consent_keyboard, main_menu
from bot.telegram.callbacks import SubCb
from bot.telegram.editing import edit_text
from bot.telegram.filters import ButtonFilter
from bot.telegram.states import Onboarding, SubscribeForm

KINDS = tuple(SubscriptionKind)


def router() -> Router:
    r = Router(name="subscriptions")
    r.message.register(begin, Command("subscribe"))
    r.message.register(listing, Command("subscriptions"))
    in_form = StateFilter(SubscribeForm.where)
    r.message.register(cancel, in_form, ButtonFilter(BTN_CANCEL))
    r.message.register(by_location, in_form, F.location)
    r.message.register(by_name, in_form, F.text, ~F.text.startswith("/"))
    r.message.register(expected, in_form, ~F.text.startswith("/"))
    r.callback_query.register(on_button, SubCb.filter())
    return r


async def begin(message: Message, state: FSMContext, user: User) -> None:
    if not user.has_consent:  # the area someone follows says where they live: consent first
        await state.set_state(Onboarding.consent)
        await state.set_data({})
        await message.answer(texts.subscribe_consent_needed())
        await message.answer(texts.consent_question(), reply_markup=consent_keyboard())
        return
    await state.set_state(SubscribeForm.where)
    await state.set_data({})  # nothing of another step (an application draft) stays behind
    keyboard = ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=gettext(BTN_SEND_LOCATION), request_location=True)],
            [KeyboardButton(text=gettext(BTN_CANCEL))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await message.answer(texts.subscribe_ask(), reply_markup=keyboard)


async def cancel(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(texts.subscribe_cancelled(), reply_markup=main_menu())


async def expected(message: Message) -> None:
    await message.answer(texts.subscribe_ask())


async def _follow(
    message: Message, state: FSMContext, user: User, subs: SubscriptionService, precinct: Any
) -> None:
    if await state.get_state() == SubscribeForm.where.state:
        await state.clear()  # a report or an application in progress is left as it is
    added = await subs.subscribe(user.id, precinct.id)
    name = precinct.name(user.language)
    await message.answer(
        texts.subscribed(name) if added else texts.subscribed_already(name),
        reply_markup=main_menu(),
    )


async def by_location(
    message: Message,
    state: FSMContext,
    user: User,
    subscriptions: SubscriptionService,
    directory: DirectoryService,
) -> None:
    assert message.location is not None
    precinct = directory.current.precinct_at(message.location.latitude, message.location.longitude)
    if precinct is None:
        await message.answer(texts.subscribe_no_precinct())
        return
    await _follow(message, state, user, subscriptions, precinct)


async def by_name(
    message: Message,
    state: FSMContext,
    user: User,
    subscriptions: SubscriptionService,
    directory: DirectoryService,
) -> None:
    found = directory.current.find(message.text or "", user.language)
    if not found:
        await message.answer(texts.subscribe_not_found())
        return
    if len(found) == 1:
        await _follow(message, state, user, subscriptions, found[0])
        return
    rows = [
        [
            InlineKeyboardButton(
                text=p.name(user.language), callback_data=SubCb(action="add", value=p.id).pack()
            )
        ]
        for p in found[:8]
    ]
    await message.answer(
        texts.subscribe_which(), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows)
    )


def _card(
    item: Subscription, directory: DirectoryService, user: User
) -> tuple[str, InlineKeyboardMarkup]:
    precinct = directory.current.precinct(item.precinct_id)
    name = precinct.name(user.language) if precinct else item.precinct_id
    names = texts.subscription_kinds()
    buttons = [
        InlineKeyboardButton(
            text=("✅ " if item.wants(kind) else "⬜ ") + names[kind],
            # the state the press asks for, not "the other one": a double tap changes nothing
            callback_data=SubCb(
                action=kind, value=f"{item.id}.{0 if item.wants(kind) else 1}"
            ).pack(),
        )
        for kind in KINDS
    ]
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[b] for b in buttons]
        + [
            [
                InlineKeyboardButton(
                    text=texts.subscription_stop(),
                    callback_data=SubCb(action="remove", value=str(item.id)).pack(),
                )
            ]
        ]
    )
    return texts.subscription_card(name), markup


async def listing(
    message: Message,
    state: FSMContext,
    user: User,
    subscriptions: SubscriptionService,
    directory: DirectoryService,
) -> None:
    if await state.get_state() == SubscribeForm.where.state:
        await state.clear()  # a later location must not quietly add an area
    mine = await subscriptions.mine(user.id)
    if not mine:
        await message.answer(texts.subscriptions_none())
        return
    for item in mine[:20]:
        text, markup = _card(item, directory, user)
        await message.answer(text, reply_markup=markup)


async def on_button(
    query: CallbackQuery,
    callback_data: SubCb,
    state: FSMContext,
    user: User,
    subscriptions: SubscriptionService,
    directory: DirectoryService,
) -> None:
    message = query.message
    if not isinstance(message, Message):
        await query.answer(texts.stale_button())
        return
    if callback_data.action == "add":
        precinct = directory.current.precinct(callback_data.value)
        if precinct is None:
            await query.answer(texts.stale_button())
            return
        await query.answer()
        await edit_text(message, texts.subscribe_which())
        await _follow(message, state, user, subscriptions, precinct)
        return
    number_text, _, wanted = callback_data.value.partition(".")
    number = parse_number(number_text)
    if number is None:
        await query.answer(texts.stale_button())
        return
    if callback_data.action == "remove":
        if await subscriptions.remove(user.id, number):
            await query.answer()
            await edit_text(message, texts.subscription_removed())
        else:
            await query.answer(texts.stale_button())
        return
    current = next((i for i in await subscriptions.mine(user.id) if i.id == number), None)
    if (
        callback_data.action in KINDS
        and wanted in ("0", "1")
        and current is not None
        and int(current.wants(SubscriptionKind(callback_data.action))) == int(wanted)
    ):
        await query.answer()  # a double tap: it is that way already
        return
    if (
        callback_data.action in KINDS
        and wanted in ("0", "1")
        and await subscriptions.switch(user.id, number, callback_data.action, wanted == "1")
    ):
        await query.answer()
        item = next((i for i in await subscriptions.mine(user.id) if i.id == number), None)
        if item is not None:
            text, markup = _card(item, directory, user)
            await edit_text(message, text, markup)
        return
    await query.answer(texts.stale_button())
