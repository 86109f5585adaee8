"""Following an area: /subscribe (a location or a precinct's name), /subscriptions to see them,
switch each kind of message on or off, or stop following."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import gettext

from bot.domain.subscriptions import Subscription, SubscriptionKind
from bot.domain.users import User
from bot.services.directory import DirectoryService
from bot.services.subscriptions import SubscriptionService
from bot.telegram import texts
from bot.telegram.buttons import BTN_CANCEL, BTN_SEND_LOCATION, consent_keyboard, main_menu
from bot.telegram.callbacks import SubAddCb, SubRemoveCb, SubSwitchCb
from bot.telegram.editing import edit_text
from bot.telegram.filters import ButtonFilter, OnMessage
from bot.telegram.resident.start.router import Onboarding


class SubscribeForm(StatesGroup):
    where = State()  # a location or a precinct's name


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
    on_card = OnMessage()
    r.callback_query.register(add, on_card, SubAddCb.filter())
    r.callback_query.register(switch, on_card, SubSwitchCb.filter())
    r.callback_query.register(remove, on_card, SubRemoveCb.filter())
    # last: what matched nothing above, and an old "sb:…" string no translation could read
    r.callback_query.register(stale, F.data.startswith(STALE_PREFIXES))
    return r


#: this feature's callback data, and the packing before 0.1.0 ("sb:<action>:<value>")
STALE_PREFIXES = tuple(
    f"{prefix}:"
    for prefix in ("sb", SubAddCb.__prefix__, SubSwitchCb.__prefix__, SubRemoveCb.__prefix__)
)


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
                text=p.name(user.language), callback_data=SubAddCb(precinct=p.id).pack()
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
            callback_data=SubSwitchCb(
                kind=kind, subscription=item.id, on=not item.wants(kind)
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
                    callback_data=SubRemoveCb(subscription=item.id).pack(),
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


async def stale(query: CallbackQuery) -> None:
    await query.answer(texts.stale_button())


async def add(
    query: CallbackQuery,
    callback_data: SubAddCb,
    message: Message,
    state: FSMContext,
    user: User,
    subscriptions: SubscriptionService,
    directory: DirectoryService,
) -> None:
    precinct = directory.current.precinct(callback_data.precinct)
    if precinct is None:
        await query.answer(texts.stale_button())
        return
    await query.answer()
    await edit_text(message, texts.subscribe_which())
    await _follow(message, state, user, subscriptions, precinct)


async def remove(
    query: CallbackQuery,
    callback_data: SubRemoveCb,
    message: Message,
    user: User,
    subscriptions: SubscriptionService,
) -> None:
    if not await subscriptions.remove(user.id, callback_data.subscription):
        await query.answer(texts.stale_button())
        return
    await query.answer()
    await edit_text(message, texts.subscription_removed())


async def switch(
    query: CallbackQuery,
    callback_data: SubSwitchCb,
    message: Message,
    user: User,
    subscriptions: SubscriptionService,
    directory: DirectoryService,
) -> None:
    number, kind, on = callback_data.subscription, callback_data.kind, callback_data.on
    current = next((i for i in await subscriptions.mine(user.id) if i.id == number), None)
    if current is not None and current.wants(kind) == on:
        await query.answer()  # a double tap: it is that way already
        return
    if not await subscriptions.switch(user.id, number, kind, on):
        await query.answer(texts.stale_button())
        return
    await query.answer()
    item = next((i for i in await subscriptions.mine(user.id) if i.id == number), None)
    if item is not None:
        text, markup = _card(item, directory, user)
        await edit_text(message, text, markup)
