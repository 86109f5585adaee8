"""/profile: a public helper's own card (state, registration, precincts, when they are free,
hours served), with «✏️ Change when I am free» and «🏁 Step down»."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.domain.helpers import BANDS, Helper, HelperAction, HelperStatus
from bot.domain.users import User
from bot.services.directory import DirectoryService
from bot.services.duties import DutyService
from bot.services.helpers import HelperService
from bot.telegram import texts
from bot.telegram.callbacks import ProfileCb
from bot.telegram.editing import edit_text

STEP_DOWN_FROM = (HelperStatus.REGISTERED, HelperStatus.ACTIVE, HelperStatus.SUSPENDED)


def router() -> Router:
    r = Router(name="helper_profile")
    r.message.register(show, Command("profile"))
    r.callback_query.register(on_button, ProfileCb.filter())
    return r


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
                        callback_data=ProfileCb(action="day", value=str(n)).pack(),
                    )
                    for n in range(7)
                ],
                [
                    InlineKeyboardButton(
                        text=("✅ " if b in bands else "") + band_names[b],
                        callback_data=ProfileCb(action="band", value=b).pack(),
                    )
                    for b in BANDS
                ],
                [
                    InlineKeyboardButton(
                        text=texts.helper_done(), callback_data=ProfileCb(action="show").pack()
                    )
                ],
            ]
        )
    rows = [
        [
            InlineKeyboardButton(
                text=texts.helper_edit_availability(),
                callback_data=ProfileCb(action="edit").pack(),
            )
        ]
    ]
    if helper.status in STEP_DOWN_FROM:
        rows.append(
            [
                InlineKeyboardButton(
                    text=texts.helper_step_down(), callback_data=ProfileCb(action="retire").pack()
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


async def on_button(
    query: CallbackQuery,
    callback_data: ProfileCb,
    user: User,
    helpers: HelperService,
    directory: DirectoryService,
    duties: DutyService,
) -> None:
    message = query.message
    helper = await helpers.current_of(user.id)
    if not isinstance(message, Message) or helper is None or helper.ended:
        await query.answer(texts.stale_button())
        return
    action = callback_data.action
    if action in ("day", "band"):
        days = list(helper.days)
        bands = list(helper.bands)
        if action == "day" and callback_data.value.isdecimal() and int(callback_data.value) < 7:
            value = int(callback_data.value)
            days = [d for d in days if d != value] if value in days else [*days, value]
        elif action == "band" and callback_data.value in BANDS:
            value_b = callback_data.value
            bands = [b for b in bands if b != value_b] if value_b in bands else [*bands, value_b]
        else:
            await query.answer(texts.stale_button())
            return
        updated = await helpers.set_availability(user.id, days, bands)
        if updated is None:
            await query.answer(texts.helper_choose_availability(), show_alert=True)
            return
        await query.answer()
        await edit_text(
            message,
            await _card(updated, directory, user.language, duties),
            _keyboard(updated, True),
        )
        return
    if action == "edit":
        await query.answer()
        await edit_text(
            message, await _card(helper, directory, user.language, duties), _keyboard(helper, True)
        )
        return
    if action == "show":
        await query.answer()
        await edit_text(
            message, await _card(helper, directory, user.language, duties), _keyboard(helper, False)
        )
        return
    if action == "retire" and helper.status in STEP_DOWN_FROM:
        # one more tap: stepping down cannot be undone (applying again has a cool-down)
        await query.answer()
        confirm = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=texts.helper_step_down_yes(),
                        callback_data=ProfileCb(action="retire_yes").pack(),
                    )
                ],
                [
                    InlineKeyboardButton(
                        text=texts.helper_step_down_no(),
                        callback_data=ProfileCb(action="show").pack(),
                    )
                ],
            ]
        )
        await edit_text(message, texts.helper_step_down_confirm(), confirm)
        return
    if action == "retire_yes" and helper.status in STEP_DOWN_FROM:
        result = await helpers.act(
            helper.id, HelperAction.RETIRE, officer_id=user.id, officer_name="—"
        )
        await query.answer()
        if result.changed:
            await edit_text(
                message, await _card(result.helper, directory, user.language, duties), None
            )
        return
    await query.answer(texts.stale_button())
