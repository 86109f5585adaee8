"""/profile: a public helper's own card (state, registration, precincts, when they are free,
hours served), with «✏️ Change when I am free» and «🏁 Step down»."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.domain.helpers import BANDS, Helper, HelperAction, HelperStatus
from bot.domain.numbers import parse_number
from bot.domain.users import User
from bot.services.directory import DirectoryService
from bot.services.duties import DutyService
from bot.services.helpers import HelperService
from bot.telegram import texts
from bot.telegram.callbacks import ProfileAction, ProfileCb
from bot.telegram.editing import edit_text

STEP_DOWN_FROM = (HelperStatus.REGISTERED, HelperStatus.ACTIVE, HelperStatus.SUSPENDED)


def router() -> Router:
    r = Router(name="helper_profile")
    r.message.register(show, Command("profile"))
    on = r.callback_query.register
    on(on_edit, ProfileCb.filter(F.action == ProfileAction.EDIT), _own_card)
    on(on_show, ProfileCb.filter(F.action == ProfileAction.SHOW), _own_card)
    on(on_day, ProfileCb.filter(F.action == ProfileAction.DAY), _own_card)
    on(on_band, ProfileCb.filter(F.action == ProfileAction.BAND), _own_card)
    on(on_retire, ProfileCb.filter(F.action == ProfileAction.RETIRE), _own_card, _may_step_down)
    on(
        on_retire_yes,
        ProfileCb.filter(F.action == ProfileAction.RETIRE_YES),
        _own_card,
        _may_step_down,
    )
    on(stale, ProfileCb.filter())  # anything else of this prefix, or of no helper: last
    return r


async def _own_card(
    query: CallbackQuery, user: User, helpers: HelperService
) -> dict[str, Any] | bool:
    """Filter of every press here: the card is still readable and its owner is a helper
    (not stepped down); the message and the helper are passed on as `message` and `helper`."""
    if not isinstance(query.message, Message):
        return False
    helper = await helpers.current_of(user.id)
    if helper is None or helper.ended:
        return False
    return {"message": query.message, "helper": helper}


def _may_step_down(query: CallbackQuery, helper: Helper) -> bool:
    return helper.status in STEP_DOWN_FROM


async def stale(query: CallbackQuery) -> None:
    await query.answer(texts.stale_button())


async def _card(
    helper: Helper, directory: DirectoryService, locale: str, duties: DutyService
) -> str:
    precincts = []
    for precinct_id in helper.precincts:
        precinct = directory.current.precinct(precinct_id)
        precincts.append(precinct.name(locale) if precinct else precinct_id)
    days = [texts.helper_day_names()[d] for d in helper.days]
    bands = [texts.helper_band_names().get(b, b) for b in helper.bands]
    return texts.helper_profile(
        helper.id,
        texts.helper_status_name(helper.status),
        helper.registration_number,
        ", ".join(precincts),
        ", ".join(days),
        ", ".join(bands),
        texts.duration(await duties.minutes_served(helper.user_id)),
    )


def _keyboard(helper: Helper, editing: bool) -> InlineKeyboardMarkup:
    if editing:
        days = set(helper.days)
        bands = set(helper.bands)
        names = texts.helper_day_names()
        band_names = texts.helper_band_names()
        return InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=("✅" if n in days else "") + names[n],
                        callback_data=ProfileCb(action=ProfileAction.DAY, value=str(n)).pack(),
                    )
                    for n in range(7)
                ],
                [
                    InlineKeyboardButton(
                        text=("✅ " if b in bands else "") + band_names[b],
                        callback_data=ProfileCb(action=ProfileAction.BAND, value=b).pack(),
                    )
                    for b in BANDS
                ],
                [
                    InlineKeyboardButton(
                        text=texts.helper_done(),
                        callback_data=ProfileCb(action=ProfileAction.SHOW).pack(),
                    )
                ],
            ]
        )
    rows = [
        [
            InlineKeyboardButton(
                text=texts.helper_edit_availability(),
                callback_data=ProfileCb(action=ProfileAction.EDIT).pack(),
            )
        ]
    ]
    if helper.status in STEP_DOWN_FROM:
        rows.append(
            [
                InlineKeyboardButton(
                    text=texts.helper_step_down(),
                    callback_data=ProfileCb(action=ProfileAction.RETIRE).pack(),
                )
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def show(
    message: Message,
    user: User,
    helpers: HelperService,
    directory: DirectoryService,
    duties: DutyService,
) -> None:
    helper = await helpers.current_of(user.id)
    if helper is None or helper.ended:
        await message.answer(texts.helper_no_profile())
        return
    await message.answer(
        await _card(helper, directory, user.language, duties), reply_markup=_keyboard(helper, False)
    )


async def on_day(
    query: CallbackQuery,
    message: Message,
    helper: Helper,
    callback_data: ProfileCb,
    user: User,
    helpers: HelperService,
    directory: DirectoryService,
    duties: DutyService,
) -> None:
    day = parse_number(callback_data.value, high=6)
    if day is None:
        await query.answer(texts.stale_button())
        return
    days = [d for d in helper.days if d != day] if day in helper.days else [*helper.days, day]
    await _set_availability(query, message, user, helpers, directory, duties, days, helper.bands)


async def on_band(
    query: CallbackQuery,
    message: Message,
    helper: Helper,
    callback_data: ProfileCb,
    user: User,
    helpers: HelperService,
    directory: DirectoryService,
    duties: DutyService,
) -> None:
    band = callback_data.value
    if band not in BANDS:
        await query.answer(texts.stale_button())
        return
    bands = (
        [b for b in helper.bands if b != band] if band in helper.bands else [*helper.bands, band]
    )
    await _set_availability(query, message, user, helpers, directory, duties, helper.days, bands)


async def _set_availability(
    query: CallbackQuery,
    message: Message,
    user: User,
    helpers: HelperService,
    directory: DirectoryService,
    duties: DutyService,
    days: Sequence[int],
    bands: Sequence[str],
) -> None:
    updated = await helpers.set_availability(user.id, list(days), list(bands))
    if updated is None:
        await query.answer(texts.helper_choose_availability(), show_alert=True)
        return
    await query.answer()
    await edit_text(
        message, await _card(updated, directory, user.language, duties), _keyboard(updated, True)
    )


async def on_edit(
    query: CallbackQuery,
    message: Message,
    helper: Helper,
    user: User,
    directory: DirectoryService,
    duties: DutyService,
) -> None:
    """«✏️ Change when I am free»: the card with the days and bands to tick."""
    await query.answer()
    await edit_text(
        message, await _card(helper, directory, user.language, duties), _keyboard(helper, True)
    )


async def on_show(
    query: CallbackQuery,
    message: Message,
    helper: Helper,
    user: User,
    directory: DirectoryService,
    duties: DutyService,
) -> None:
    """Done editing, or «no» to stepping down: the card as /profile shows it."""
    await query.answer()
    await edit_text(
        message, await _card(helper, directory, user.language, duties), _keyboard(helper, False)
    )


async def on_retire(query: CallbackQuery, message: Message) -> None:
    """One more tap: stepping down cannot be undone (applying again has a cool-down)."""
    await query.answer()
    confirm = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=texts.helper_step_down_yes(),
                    callback_data=ProfileCb(action=ProfileAction.RETIRE_YES).pack(),
                )
            ],
            [
                InlineKeyboardButton(
                    text=texts.helper_step_down_no(),
                    callback_data=ProfileCb(action=ProfileAction.SHOW).pack(),
                )
            ],
        ]
    )
    await edit_text(message, texts.helper_step_down_confirm(), confirm)


async def on_retire_yes(
    query: CallbackQuery,
    message: Message,
    helper: Helper,
    user: User,
    helpers: HelperService,
    directory: DirectoryService,
    duties: DutyService,
) -> None:
    result = await helpers.act(helper.id, HelperAction.RETIRE, officer_id=user.id, officer_name="—")
    await query.answer()
    if result.changed:
        await edit_text(message, await _card(result.helper, directory, user.language, duties), None)
