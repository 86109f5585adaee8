"""The resident's report wizard: category, what happened, where, photos, anonymity, phone,
summary. Every step has Back and Cancel; the draft lives in the FSM (SQLite), so a restart in
the middle keeps it. Only the confirmed, committed report gets a number."""

from __future__ import annotations

import uuid
from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from babel.dates import format_datetime

from bot.config import Settings
from bot.domain.categories import Category
from bot.domain.reports import MAX_DESCRIPTION, MAX_MEDIA, Media, ReportDraft, ServiceArea
from bot.domain.users import User
from bot.services.reports import ReportRefused, ReportService
from bot.telegram import texts
from bot.telegram.buttons import (
    BTN_BACK,
    BTN_CANCEL,
    BTN_DONE,
    BTN_REPORT,
    BTN_SKIP,
    anonymity_keyboard,
    back_cancel_keyboard,
    category_keyboard,
    confirm_keyboard,
    consent_keyboard,
    location_keyboard,
    main_menu,
    media_keyboard,
    phone_keyboard,
)
from bot.telegram.callbacks import CategoryCb, FollowCb, ReportStep, ReportStepCb
from bot.telegram.common.relay import relayed
from bot.telegram.common.render import STATUS_NAMES
from bot.telegram.editing import drop_inline_keyboard
from bot.telegram.filters import ButtonFilter
from bot.telegram.resident.start.router import Onboarding


class ReportForm(StatesGroup):
    category = State()
    description = State()
    location = State()
    media = State()
    anonymity = State()
    phone = State()
    confirm = State()


MAX_ADDRESS = 300


def router() -> Router:
    r = Router(name="report")
    # a command in the middle of a report is not an answer to the step: it goes on to its own
    # feature (/cancel, /help, /inspector, …)
    not_command = ~F.text.startswith("/")
    r.message.register(resident_reply, F.reply_to_message)
    r.message.register(begin, Command("report"))
    r.message.register(begin, ButtonFilter(BTN_REPORT))
    in_report = StateFilter(ReportForm)
    r.message.register(cancel, in_report, ButtonFilter(BTN_CANCEL))
    r.callback_query.register(
        cancel_button, in_report, ReportStepCb.filter(F.action == ReportStep.CANCEL)
    )
    r.message.register(back, in_report, ButtonFilter(BTN_BACK))

    r.callback_query.register(choose_category, ReportForm.category, CategoryCb.filter())
    r.message.register(category_expected, ReportForm.category, not_command)

    r.message.register(describe_text, ReportForm.description, F.text, not_command)
    r.message.register(describe_voice, ReportForm.description, F.voice)
    r.message.register(describe_photo, ReportForm.description, F.photo)
    image_file = F.document.mime_type.startswith("image/")
    r.message.register(image_as_file, ReportForm.description, image_file)
    r.message.register(describe_other, ReportForm.description, not_command)

    r.message.register(late_album_item, ReportForm.location, F.media_group_id, F.photo | F.video)
    r.message.register(got_location, ReportForm.location, F.location)
    r.message.register(got_address, ReportForm.location, F.text, not_command)
    r.message.register(location_other, ReportForm.location, not_command)

    r.message.register(media_done, ReportForm.media, ButtonFilter(BTN_DONE))
    r.message.register(media_done, ReportForm.media, ButtonFilter(BTN_SKIP))
    r.message.register(got_media, ReportForm.media, F.photo | F.video)
    r.message.register(image_as_file, ReportForm.media, image_file)
    r.message.register(media_other, ReportForm.media, not_command)

    r.callback_query.register(
        choose_anonymity,
        ReportForm.anonymity,
        ReportStepCb.filter(F.action.in_({ReportStep.NAMED, ReportStep.ANONYMOUS})),
    )
    r.message.register(anonymity_expected, ReportForm.anonymity, not_command)

    r.message.register(got_phone, ReportForm.phone, F.contact)
    r.message.register(phone_skip, ReportForm.phone, ButtonFilter(BTN_SKIP))
    r.message.register(phone_other, ReportForm.phone, not_command)

    r.callback_query.register(
        send, ReportForm.confirm, ReportStepCb.filter(F.action == ReportStep.SEND)
    )
    r.callback_query.register(follow_instead, ReportForm.confirm, FollowCb.filter())
    r.message.register(confirm_expected, ReportForm.confirm, not_command)
    return r


# --- the steps ------------------------------------------------------------------------------


async def begin(
    message: Message,
    state: FSMContext,
    user: User,
    categories: tuple[Category, ...],
    reports: ReportService,
    preset: tuple[float, float] | None = None,
) -> None:
    """`preset`: the place is already known (from the inspector lookup)."""
    # no police chat would see it: say so, not later
    if not await reports.submission.accepts_reports():
        await state.clear()
        await message.answer(texts.reports_not_accepted_yet(), reply_markup=main_menu())
        return
    if not user.has_consent:
        await state.set_state(Onboarding.consent)
        await state.set_data({"then": "report", "preset": list(preset) if preset else None})
        await message.answer(texts.report_consent_needed())
        await message.answer(texts.consent_question(), reply_markup=consent_keyboard())
        return
    await start_wizard(message, state, user, categories, preset)


async def start_wizard(
    message: Message,
    state: FSMContext,
    user: User,
    categories: tuple[Category, ...],
    preset: tuple[float, float] | None = None,
) -> None:
    await state.set_state(ReportForm.category)
    key = uuid.uuid4().hex  # one report per wizard, however often «Send» is handled
    if preset is None:
        await state.set_data({"draft": {"key": key}})
    else:
        lat, lon = preset
        await state.set_data(
            {"draft": {"latitude": lat, "longitude": lon, "key": key}, "preset": True}
        )
    await message.answer(
        texts.report_start(), reply_markup=category_keyboard(categories, user.language)
    )


async def _draft(state: FSMContext) -> dict[str, Any]:
    data = await state.get_data()
    return dict(data.get("draft") or {})


async def _save(state: FSMContext, **changes: Any) -> None:
    draft = await _draft(state)
    draft.update(changes)
    await state.update_data(draft=draft)


async def ask_description(message: Message, state: FSMContext) -> None:
    await state.set_state(ReportForm.description)
    await message.answer(texts.report_ask_description(), reply_markup=back_cancel_keyboard())


async def ask_location(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    if data.get("preset") and (data.get("draft") or {}).get("latitude") is not None:
        # the place came with the wizard (the inspector lookup): the step is done once;
        # Back from the next step shows it as usual
        await state.update_data(preset=False)
        await message.answer(texts.report_place_preset())
        await ask_media(message, state)
        return
    await state.set_state(ReportForm.location)
    await message.answer(texts.report_ask_location(), reply_markup=location_keyboard())


async def ask_media(message: Message, state: FSMContext) -> None:
    await state.set_state(ReportForm.media)
    await message.answer(texts.report_ask_media(), reply_markup=media_keyboard())


async def ask_anonymity(message: Message, state: FSMContext) -> None:
    await state.set_state(ReportForm.anonymity)
    await message.answer(texts.report_ask_anonymity(), reply_markup=anonymity_keyboard())


async def ask_phone(message: Message, state: FSMContext) -> None:
    await state.set_state(ReportForm.phone)
    await message.answer(texts.report_ask_phone(), reply_markup=phone_keyboard())


async def ask_confirm(
    message: Message,
    state: FSMContext,
    user: User,
    categories: tuple[Category, ...],
    reports: ReportService,
    settings: Settings,
) -> None:
    """The summary, and open reports of the same kind close by to follow instead."""
    await state.set_state(ReportForm.confirm)
    draft = ReportDraft.from_json(await _draft(state))
    labels = {c.key: c.label(user.language) for c in categories}
    if draft.description:
        description = draft.description
    elif draft.voice_file_id:
        description = texts.report_voice_description()
    else:
        description = texts.report_photo_description()
    if draft.location_verified:
        place = f"📍 {draft.latitude:.5f}, {draft.longitude:.5f}"
    else:
        place = texts.report_typed_place(draft.address or "")
    summary = texts.report_summary(
        category=escape(labels.get(draft.category, draft.category)),
        description=escape(_shorten(description, 500)),
        place=escape(place),
        media=len(draft.media),
        anonymous=draft.anonymous,
        phone=draft.phone is not None,
    )
    keyboard = confirm_keyboard()
    nearby = await reports.submission.nearby(draft)
    if nearby:
        lines = [
            texts.report_nearby_line(
                near.id,
                near.metres,
                _(STATUS_NAMES[near.status]),
                format_datetime(
                    near.created_at, "d MMM, HH:mm", tzinfo=settings.zone, locale=user.language
                ),
            )
            for near in nearby
        ]
        summary += "\n\n" + texts.report_nearby(lines)
        follow = [
            [
                InlineKeyboardButton(
                    text=texts.follow_button(near.id), callback_data=FollowCb(report=near.id).pack()
                )
            ]
            for near in nearby
        ]
        keyboard = InlineKeyboardMarkup(inline_keyboard=follow + keyboard.inline_keyboard)
    await message.answer(summary, reply_markup=keyboard)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    from html import escape as html_escape

    return html_escape(text, quote=False)


# --- handlers --------------------------------------------------------------------------------


async def cancel(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(texts.report_cancelled(), reply_markup=main_menu())


async def cancel_button(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await drop_inline_keyboard(query.message)
    if isinstance(query.message, Message):
        await query.message.answer(texts.report_cancelled(), reply_markup=main_menu())


async def back(
    message: Message, state: FSMContext, user: User, categories: tuple[Category, ...]
) -> None:
    current = await state.get_state()
    previous = {
        ReportForm.description.state: "category",
        ReportForm.location.state: "description",
        ReportForm.media.state: "location",
        ReportForm.anonymity.state: "media",
        ReportForm.phone.state: "anonymity",
        ReportForm.confirm.state: "phone",
    }.get(current or "")
    if previous is None:  # Back from the first step leaves the report
        await cancel(message, state)
    elif previous == "category":
        await state.set_state(ReportForm.category)
        await message.answer(
            texts.report_start(), reply_markup=category_keyboard(categories, user.language)
        )
    elif previous == "description":
        await ask_description(message, state)
    elif previous == "location":
        await ask_location(message, state)
    elif previous == "media":
        await ask_media(message, state)
    elif previous == "anonymity":
        await ask_anonymity(message, state)
    else:
        await ask_phone(message, state)


async def choose_category(
    query: CallbackQuery,
    callback_data: CategoryCb,
    state: FSMContext,
    categories: tuple[Category, ...],
) -> None:
    if callback_data.key not in {c.key for c in categories}:
        await query.answer(texts.stale_button())
        return
    await query.answer()
    await _save(state, category=callback_data.key)
    await drop_inline_keyboard(query.message)
    if isinstance(query.message, Message):
        await ask_description(query.message, state)


async def category_expected(message: Message) -> None:
    await message.answer(texts.report_choose_category())


async def describe_text(message: Message, state: FSMContext) -> None:
    text = message.text or ""
    if len(text) > MAX_DESCRIPTION:
        await message.answer(texts.report_description_too_long(len(text), MAX_DESCRIPTION))
        return
    await _save(state, description=text.strip())
    await ask_location(message, state)


async def describe_voice(message: Message, state: FSMContext) -> None:
    assert message.voice is not None
    await _save(state, voice_file_id=message.voice.file_id)
    await ask_location(message, state)


async def describe_photo(message: Message, state: FSMContext) -> None:
    assert message.photo is not None
    photo = message.photo[-1]
    caption = (message.caption or "")[:MAX_DESCRIPTION]
    await _save(
        state,
        description=caption.strip(),
        media=[["photo", photo.file_id, photo.file_unique_id]],
    )
    await state.update_data(album=message.media_group_id)
    await ask_location(message, state)


async def describe_other(message: Message) -> None:
    await message.answer(texts.report_description_unsupported())


async def late_album_item(message: Message, state: FSMContext) -> None:
    """The rest of an album whose first photo described the violation: keep them (up to the
    limit) without asking anything again; a different album here is not the place."""
    data = await state.get_data()
    if message.media_group_id != data.get("album"):
        await message.answer(texts.report_location_unsupported())
        return
    draft = await _draft(state)
    media = list(draft.get("media") or [])
    if len(media) >= MAX_MEDIA:
        return
    if message.photo:
        media.append(["photo", message.photo[-1].file_id, message.photo[-1].file_unique_id])
    elif message.video:
        media.append(["video", message.video.file_id, message.video.file_unique_id])
    draft["media"] = media
    await state.update_data(draft=draft)


async def got_location(message: Message, state: FSMContext, area: ServiceArea) -> None:
    assert message.location is not None
    lat, lon = message.location.latitude, message.location.longitude
    if not area.contains(lat, lon):
        await message.answer(texts.report_outside_area())
        return
    await _save(state, latitude=lat, longitude=lon, address=None)
    await ask_media(message, state)


async def got_address(message: Message, state: FSMContext) -> None:
    text = (message.text or "").strip()
    if len(text) > MAX_ADDRESS:
        await message.answer(texts.report_address_too_long())
        return
    await _save(state, address=text, latitude=None, longitude=None)
    await ask_media(message, state)


async def location_other(message: Message) -> None:
    await message.answer(texts.report_location_unsupported())


async def got_media(message: Message, state: FSMContext) -> None:
    """Albums arrive as several updates; event isolation hands them over one by one."""
    draft = await _draft(state)
    media = list(draft.get("media") or [])
    data = await state.get_data()
    album = message.media_group_id
    same_album = album is not None and data.get("album") == album
    if len(media) >= MAX_MEDIA:
        if not data.get("limit_told"):
            await state.update_data(limit_told=True)
            await message.answer(texts.report_media_limit())
        return
    if message.photo:
        item = Media("photo", message.photo[-1].file_id, message.photo[-1].file_unique_id)
    else:
        assert message.video is not None
        item = Media("video", message.video.file_id, message.video.file_unique_id)
    media.append([item.kind, item.file_id, item.file_unique_id])
    draft["media"] = media
    await state.update_data(draft=draft, album=album)
    if not same_album:  # one answer per album, not one per photo
        await message.answer(texts.report_media_added(len(media)))


async def media_done(message: Message, state: FSMContext) -> None:
    await state.update_data(album=None, limit_told=False)
    await ask_anonymity(message, state)


async def image_as_file(message: Message) -> None:
    """A picture sent as a file keeps what the camera wrote in it (often where it was taken):
    it is not kept; sent as a photo, Telegram strips all that."""
    await message.answer(texts.report_image_as_file())


async def media_other(message: Message) -> None:
    await message.answer(texts.report_media_unsupported())


async def choose_anonymity(
    query: CallbackQuery, callback_data: ReportStepCb, state: FSMContext
) -> None:
    await query.answer()
    await _save(state, anonymous=callback_data.action is ReportStep.ANONYMOUS)
    await drop_inline_keyboard(query.message)
    if isinstance(query.message, Message):
        await ask_phone(query.message, state)


async def anonymity_expected(message: Message) -> None:
    await message.answer(texts.report_choose_anonymity(), reply_markup=anonymity_keyboard())


async def got_phone(
    message: Message,
    state: FSMContext,
    user: User,
    categories: tuple[Category, ...],
    reports: ReportService,
    settings: Settings,
) -> None:
    assert message.contact is not None
    if message.from_user is None or message.contact.user_id != message.from_user.id:
        await message.answer(texts.report_own_phone_only())
        return
    phone = message.contact.phone_number
    await _save(state, phone=phone if phone.startswith("+") else f"+{phone}")
    await ask_confirm(message, state, user, categories, reports, settings)


async def phone_skip(
    message: Message,
    state: FSMContext,
    user: User,
    categories: tuple[Category, ...],
    reports: ReportService,
    settings: Settings,
) -> None:
    await _save(state, phone=None)
    await ask_confirm(message, state, user, categories, reports, settings)


async def phone_other(message: Message) -> None:
    await message.answer(texts.report_own_phone_only())


async def follow_instead(
    query: CallbackQuery, callback_data: FollowCb, state: FSMContext, user: User,
    reports: ReportService,
) -> None:  # fmt: skip
    """Follow an open report shown under the summary instead of sending this one."""
    draft = ReportDraft.from_json(await _draft(state))
    if not await reports.submission.follow_instead(user, callback_data.report, draft):
        await query.answer(texts.report_follow_gone(callback_data.report), show_alert=True)
        return
    await state.clear()
    await query.answer()
    await drop_inline_keyboard(query.message)
    if isinstance(query.message, Message):
        await query.message.answer(
            texts.report_followed(callback_data.report), reply_markup=main_menu()
        )


async def confirm_expected(message: Message) -> None:
    await message.answer(texts.report_confirm_expected(), reply_markup=confirm_keyboard())


async def send(query: CallbackQuery, state: FSMContext, user: User, reports: ReportService) -> None:
    # Answer the button first: Telegram wants it within seconds, the commit may queue.
    await query.answer(texts.report_sending())
    draft = ReportDraft.from_json(await _draft(state))
    # the wizard ends with the report's commit (the update's unit of work): a kill after it
    # leaves neither a «Send» to replay nor a finished wizard waiting at its last step
    await state.clear()
    try:
        await reports.submission.submit(
            user,
            draft,
            name=None if draft.anonymous else query.from_user.full_name,
            username=None if draft.anonymous else query.from_user.username,
        )
    except ReportRefused as refused:
        await drop_inline_keyboard(query.message)
        if isinstance(query.message, Message):
            if refused.reason == "open":
                text = texts.report_refused_open(refused.limit or 0)
            elif refused.reason == "hourly":
                text = texts.report_refused_hourly(refused.limit or 0)
            elif refused.reason == "no_staff":
                text = texts.reports_not_accepted_yet()
            else:
                text = texts.report_consent_needed()
            await query.message.answer(text, reply_markup=main_menu())
        return
    # The receipt with its number comes from the outbox: it survives a crash right here.
    await drop_inline_keyboard(query.message)


async def resident_reply(message: Message, user: User, reports: ReportService) -> None:
    """The resident answers an officer's relayed message: it goes back to the staff group."""
    assert message.reply_to_message is not None
    report = await reports.conversation.relay_from_resident(
        message.reply_to_message.message_id, relayed(message)
    )
    if report is None:
        raise SkipHandler  # a reply to something else: the other handlers decide
    # no answer now: the reply gets a 👌 when the staff group has it (outbox, on delivery)
