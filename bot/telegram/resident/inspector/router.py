"""My district inspector: from a shared location (or a microdistrict from the list, or its typed
name) to the inspector's card, a contact the resident can save and call, and the police point
on the map. `/inspector`, the menu button, a deep link (`?start=inspector`), or just a location
sent outside any conversation."""

from __future__ import annotations

import math

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from bot.domain.categories import Category
from bot.domain.reports import ServiceArea
from bot.domain.users import User
from bot.services.directory import DirectoryService, Found
from bot.services.reports import ReportService
from bot.services.subscriptions import SubscriptionService
from bot.telegram import texts
from bot.telegram.buttons import (
    BTN_CANCEL,
    BTN_INSPECTOR,
    BTN_PICK_FROM_LIST,
    inspector_place_keyboard,
    main_menu,
)
from bot.telegram.callbacks import InspectorPageCb, InspectorPickCb, InspectorReportCb
from bot.telegram.editing import drop_inline_keyboard
from bot.telegram.filters import ButtonFilter, OnMessage
from bot.telegram.resident.inspector.cards import contact_of, inspector_card, outside_card, venue_of


class InspectorLookup(StatesGroup):
    place = State()  # waiting for a location, a microdistrict from the list, or its name


PER_PAGE = 8


def router() -> Router:
    r = Router(name="inspector")
    r.message.register(ask_place, Command("inspector"))
    r.message.register(ask_place, ButtonFilter(BTN_INSPECTOR))
    looking = StateFilter(InspectorLookup.place)
    r.message.register(cancel, looking, ButtonFilter(BTN_CANCEL))
    r.message.register(show_list, looking, ButtonFilter(BTN_PICK_FROM_LIST))
    # a location is an answer in the lookup, and outside any conversation too
    r.message.register(by_location, StateFilter(None, InspectorLookup.place), F.location)
    r.message.register(by_name, looking, F.text)
    r.message.register(place_expected, looking)
    on_list = OnMessage()
    r.callback_query.register(show_page, on_list, InspectorPageCb.filter())
    r.callback_query.register(pick, on_list, InspectorPickCb.filter())
    r.callback_query.register(report_here, on_list, InspectorReportCb.filter())
    # last: what matched nothing above, and an old "in:…" string no translation could read
    r.callback_query.register(stale, F.data.startswith(STALE_PREFIXES))
    return r


#: this feature's callback data, and the packing before 0.1.0 ("in:<action>:<value>")
STALE_PREFIXES = tuple(
    f"{prefix}:"
    for prefix in (
        "in",
        InspectorPickCb.__prefix__,
        InspectorPageCb.__prefix__,
        InspectorReportCb.__prefix__,
    )
)


async def ask_place(message: Message, state: FSMContext, directory: DirectoryService) -> None:
    if directory.current.empty:
        await state.clear()
        await message.answer(texts.inspector_not_loaded(), reply_markup=main_menu())
        return
    await state.set_state(InspectorLookup.place)
    await state.set_data({})
    await message.answer(texts.inspector_ask(), reply_markup=inspector_place_keyboard())


async def cancel(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(texts.cancelled(), reply_markup=main_menu())


async def place_expected(message: Message) -> None:
    await message.answer(texts.inspector_place_expected(), reply_markup=inspector_place_keyboard())


async def by_location(
    message: Message,
    state: FSMContext,
    user: User,
    directory: DirectoryService,
    subscriptions: SubscriptionService,
    area: ServiceArea,
) -> None:
    assert message.location is not None
    lat, lon = message.location.latitude, message.location.longitude
    await state.clear()
    if directory.current.empty:
        await message.answer(texts.inspector_not_loaded(), reply_markup=main_menu())
        return
    if not area.contains(lat, lon):
        await message.answer(texts.inspector_outside_area(), reply_markup=main_menu())
        return
    await answer(message, directory.lookup(lat, lon), user.language, (lat, lon), subscriptions)


async def by_name(
    message: Message,
    state: FSMContext,
    user: User,
    directory: DirectoryService,
    subscriptions: SubscriptionService,
) -> None:
    """No geocoder offline: a typed name is matched against the microdistricts' names."""
    text = (message.text or "").strip()
    matches = directory.current.find(text[:100], user.language)
    if len(matches) == 1:
        await state.clear()
        found = directory.of_precinct(matches[0].id)
        assert found is not None
        await answer(message, found, user.language, None, subscriptions)
    elif matches:
        await message.answer(
            texts.inspector_choose(), reply_markup=_list(matches, user.language, 0, False)
        )
    else:
        await message.answer(
            texts.inspector_not_found(text[:100]), reply_markup=inspector_place_keyboard()
        )


async def show_list(message: Message, user: User, directory: DirectoryService) -> None:
    await message.answer(
        texts.inspector_choose(),
        reply_markup=_list(list(directory.current.precincts), user.language, 0, True),
    )


def _list(precincts: list, locale: str, page: int, paged: bool) -> InlineKeyboardMarkup:
    ordered = sorted(precincts, key=lambda p: (p.district(locale), p.name(locale)))
    shown = ordered[page * PER_PAGE : (page + 1) * PER_PAGE] if paged else ordered[:PER_PAGE]
    rows = [
        [
            InlineKeyboardButton(
                text=p.name(locale), callback_data=InspectorPickCb(precinct=p.id).pack()
            )
        ]
        for p in shown
    ]
    if paged:
        nav = []
        if page > 0:
            nav.append(
                InlineKeyboardButton(text="⬅️", callback_data=InspectorPageCb(page=page - 1).pack())
            )
        if (page + 1) * PER_PAGE < len(ordered):
            nav.append(
                InlineKeyboardButton(text="➡️", callback_data=InspectorPageCb(page=page + 1).pack())
            )
        if nav:
            rows.append(nav)
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def stale(query: CallbackQuery) -> None:
    await query.answer(texts.stale_button())


async def show_page(
    query: CallbackQuery,
    callback_data: InspectorPageCb,
    message: Message,
    user: User,
    directory: DirectoryService,
) -> None:
    await query.answer()
    page = min(callback_data.page, 10_000)
    markup = _list(list(directory.current.precincts), user.language, page, True)
    if markup.inline_keyboard:
        await message.edit_reply_markup(reply_markup=markup)


async def pick(
    query: CallbackQuery,
    callback_data: InspectorPickCb,
    message: Message,
    state: FSMContext,
    user: User,
    directory: DirectoryService,
    subscriptions: SubscriptionService,
) -> None:
    found = directory.of_precinct(callback_data.precinct)
    if found is None:  # the directory changed since the list was shown
        await query.answer(texts.stale_button())
        return
    await query.answer()
    await drop_inline_keyboard(message)
    if await state.get_state() == InspectorLookup.place.state:
        await state.clear()  # any other conversation (a report being written) goes on
    await answer(message, found, user.language, None, subscriptions)


async def report_here(
    query: CallbackQuery,
    callback_data: InspectorReportCb,
    message: Message,
    state: FSMContext,
    user: User,
    area: ServiceArea,
    categories: tuple[Category, ...],
    reports: ReportService,
) -> None:
    place = (callback_data.lat, callback_data.lon)
    if not all(math.isfinite(v) for v in place) or not area.contains(*place):
        await query.answer(texts.stale_button())
        return
    await query.answer()
    from bot.telegram.resident.report.router import begin  # the wizard, with the place set

    await begin(message, state, user, categories, reports, preset=place)


async def answer(
    message: Message,
    found: Found,
    locale: str,
    place: tuple[float, float] | None,
    subscriptions: SubscriptionService | None = None,
) -> None:
    """The card (with the precinct's published priorities), each inspector as a contact to
    save, and the police point on the map."""
    if found.precinct is None:
        text = outside_card(found, locale)
        if found.point is None:
            await message.answer(text, reply_markup=main_menu())
            return
        await message.answer(text)
        await message.answer_venue(**venue_of(found.point, locale), reply_markup=main_menu())
        return
    report_here = None
    if place is not None:
        report_here = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=texts.inspector_report_here(),
                        callback_data=InspectorReportCb(
                            lat=round(place[0], 5), lon=round(place[1], 5)
                        ).pack(),
                    )
                ]
            ]
        )
    published = (
        await subscriptions.priorities_of(found.precinct.id) if subscriptions is not None else []
    )
    await message.answer(inspector_card(found, locale, published), reply_markup=report_here)
    last = len(found.inspectors) - 1 if found.point is None else -1
    for n, inspector in enumerate(found.inspectors):
        await message.answer_contact(
            **contact_of(inspector), reply_markup=main_menu() if n == last else None
        )
    if found.point is not None:
        await message.answer_venue(**venue_of(found.point, locale), reply_markup=main_menu())
