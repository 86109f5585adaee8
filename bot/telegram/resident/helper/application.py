"""Becoming a public helper: what the role is, consent, then name, date of birth, IIN, phone
(the user's own contact), precincts, availability and a note; a summary to confirm. Back and
Cancel at every step; the draft lives in the FSM (SQLite), so a restart keeps it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
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
from babel.dates import format_date

from bot.config import Settings
from bot.domain.directory_file import normalise_phone
from bot.domain.helpers import (
    BANDS,
    ENDED,
    MAX_PRECINCTS,
    HelperDraft,
    full_name_ok,
    iin_birth_date,
    iin_problem,
)
from bot.domain.numbers import parse_number
from bot.domain.users import User
from bot.services.directory import DirectoryService
from bot.services.helpers import ApplicationRefused, HelperService
from bot.telegram import texts
from bot.telegram.buttons import (
    BTN_BACK,
    BTN_CANCEL,
    BTN_SHARE_PHONE,
    BTN_SKIP,
    BTN_VOLUNTEER,
    main_menu,
)
from bot.telegram.callbacks import HelperApplicationAction as Do
from bot.telegram.callbacks import HelperApplicationCb
from bot.telegram.editing import (
    clear_inline_keyboard,
    drop_inline_keyboard,
    set_inline_keyboard,
)
from bot.telegram.filters import ButtonFilter, OnMessage


class HelperForm(StatesGroup):
    consent = State()
    name = State()
    birth = State()
    iin = State()
    phone = State()
    precincts = State()
    availability = State()
    note = State()
    confirm = State()


ORDER = [
    HelperForm.name,
    HelperForm.birth,
    HelperForm.iin,
    HelperForm.phone,
    HelperForm.precincts,
    HelperForm.availability,
    HelperForm.note,
    HelperForm.confirm,
]
MAX_HELPER_NOTE = 500


def router() -> Router:
    not_command_text = ~F.text.startswith("/")
    r = Router(name="helper_application")
    r.message.register(applicant_answer, F.reply_to_message, F.text, not_command_text)
    r.message.register(begin, Command("volunteer"))
    r.message.register(begin, ButtonFilter(BTN_VOLUNTEER))
    in_form = StateFilter(HelperForm)
    not_command = ~F.text.startswith("/")
    r.message.register(cancel, in_form, ButtonFilter(BTN_CANCEL))
    r.message.register(back, in_form, ButtonFilter(BTN_BACK))
    on = r.callback_query.register
    on(on_cancel, _pressed(Do.CANCEL), in_form, OnMessage())
    on(on_consent, _pressed(Do.CONSENT), HelperForm.consent, _newest)
    on(on_precinct, _pressed(Do.PRECINCT), HelperForm.precincts, _newest)
    on(on_page, _pressed(Do.PAGE), HelperForm.precincts, _newest)
    on(on_precincts_done, _pressed(Do.PRECINCTS_DONE), HelperForm.precincts, _newest)
    on(on_day, _pressed(Do.DAY), HelperForm.availability, _newest)
    on(on_band, _pressed(Do.BAND), HelperForm.availability, _newest)
    on(on_availability_done, _pressed(Do.AVAILABILITY_DONE), HelperForm.availability, _newest)
    on(on_send, _pressed(Do.SEND), HelperForm.confirm, _newest)
    on(stale, HelperApplicationCb.filter())  # the wrong step or an old keyboard: last
    r.message.register(got_name, HelperForm.name, F.text, not_command)
    r.message.register(got_birth, HelperForm.birth, F.text, not_command)
    r.message.register(got_iin, HelperForm.iin, F.text, not_command)
    r.message.register(got_phone, HelperForm.phone, F.contact)
    r.message.register(got_precinct_location, HelperForm.precincts, F.location)
    r.message.register(skip_note, HelperForm.note, ButtonFilter(BTN_SKIP))
    r.message.register(got_note, HelperForm.note, F.text, not_command)
    r.message.register(step_expected, in_form, not_command)
    return r


def _back_cancel(*extra: list[KeyboardButton]) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[*extra, [KeyboardButton(text=_t(BTN_BACK)), KeyboardButton(text=_t(BTN_CANCEL))]],
        resize_keyboard=True,
        is_persistent=True,
    )


def _t(msgid: str) -> str:
    return gettext(msgid)


async def _data(state: FSMContext) -> dict[str, Any]:
    return dict((await state.get_data()).get("helper") or {})


async def _save(state: FSMContext, **changes: Any) -> None:
    data = await _data(state)
    data.update(changes)
    await state.update_data(helper=data)


async def applicant_answer(message: Message, user: User, helpers: HelperService) -> None:
    """The applicant answers the police's question (a reply to it)."""
    assert message.reply_to_message is not None
    helper = await helpers.answer(
        user.id,
        message.reply_to_message.message_id,
        (message.text or "")[:1000],
        message.message_id,
    )
    if helper is None:
        raise SkipHandler  # a reply to something else
    await message.answer(texts.helper_answer_sent(helper.id))


async def begin(
    message: Message,
    state: FSMContext,
    user: User,
    helpers: HelperService,
    settings: Settings,
    directory: DirectoryService,
) -> None:
    current = await state.get_state()
    resumed = next((step for step in ORDER if step.state == current), None)
    if resumed is not None:  # the application is under way: go on where it stopped
        await ask(message, state, resumed, directory, user)
        return
    status = await helpers.status_of(user.id)
    if status is not None and status not in ENDED:
        await message.answer(texts.helper_already(status), reply_markup=main_menu())
        return
    wait = await helpers.may_apply(user.id)
    if wait is not None:  # say so before seven steps, not after them
        day = format_date(wait.astimezone(settings.zone), "d MMMM y", locale=user.language)
        await message.answer(texts.helper_refused("cooldown", [], day), reply_markup=main_menu())
        return
    await state.set_state(HelperForm.consent)
    await state.set_data({})
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=texts.helper_agree(),
                    callback_data=HelperApplicationCb(action=Do.CONSENT, value="yes").pack(),
                )
            ],
            [
                InlineKeyboardButton(
                    text=_t(BTN_CANCEL), callback_data=HelperApplicationCb(action=Do.CANCEL).pack()
                )
            ],
        ]
    )
    sent = await message.answer(texts.helper_intro(), reply_markup=keyboard)
    await _save(state, kb=sent.message_id)


async def cancel(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(texts.helper_cancelled(), reply_markup=main_menu())


async def ask(
    message: Message, state: FSMContext, step: Any, directory: DirectoryService, user: User
) -> None:
    """Show step `step` (and remember it)."""
    await state.set_state(step)
    data = await _data(state)
    if step == HelperForm.name:
        await message.answer(texts.helper_ask_name(), reply_markup=_back_cancel())
    elif step == HelperForm.birth:
        await message.answer(texts.helper_ask_birth(), reply_markup=_back_cancel())
    elif step == HelperForm.iin:
        await message.answer(texts.helper_ask_iin(), reply_markup=_back_cancel())
    elif step == HelperForm.phone:
        share = [KeyboardButton(text=_t(BTN_SHARE_PHONE), request_contact=True)]
        await message.answer(texts.helper_ask_phone(), reply_markup=_back_cancel(share))
    elif step == HelperForm.precincts:
        await message.answer(texts.helper_ask_precincts(), reply_markup=_back_cancel())
        sent = await message.answer(
            texts.helper_precincts_list(), reply_markup=_precinct_keyboard(data, directory, user)
        )
        await _save(state, kb=sent.message_id)
    elif step == HelperForm.availability:
        sent = await message.answer(
            texts.helper_ask_availability(), reply_markup=_availability_keyboard(data)
        )
        await _save(state, kb=sent.message_id)
    elif step == HelperForm.note:
        skip = [KeyboardButton(text=_t(BTN_SKIP))]
        await message.answer(texts.helper_ask_note(), reply_markup=_back_cancel(skip))
    else:
        sent = await message.answer(texts.helper_summary(data), reply_markup=_confirm_keyboard())
        await _save(state, kb=sent.message_id)


PRECINCTS_PER_PAGE = 8


def _precinct_keyboard(
    data: dict[str, Any], directory: DirectoryService, user: User
) -> InlineKeyboardMarkup:
    """The directory's precincts, eight to a page, the chosen ones ticked."""
    chosen = set(data.get("precincts") or [])
    everything = sorted(directory.current.precincts, key=lambda p: p.name(user.language))
    pages = max(1, -(-len(everything) // PRECINCTS_PER_PAGE))
    page = min(max(int(data.get("page") or 0), 0), pages - 1)
    shown = everything[page * PRECINCTS_PER_PAGE : (page + 1) * PRECINCTS_PER_PAGE]
    rows = [
        [
            InlineKeyboardButton(
                text=("✅ " if p.id in chosen else "") + p.name(user.language),
                callback_data=HelperApplicationCb(action=Do.PRECINCT, value=p.id).pack(),
            )
        ]
        for p in shown
    ]
    if pages > 1:
        rows.append(
            [
                InlineKeyboardButton(
                    text=text,
                    callback_data=HelperApplicationCb(action=Do.PAGE, value=str(to)).pack(),
                )
                for text, to in (
                    ("◀️", (page - 1) % pages),
                    (f"{page + 1} / {pages}", page),
                    ("▶️", (page + 1) % pages),
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                text=texts.helper_done() + (f" ({len(chosen)})" if chosen else ""),
                callback_data=HelperApplicationCb(action=Do.PRECINCTS_DONE).pack(),
            )
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _availability_keyboard(data: dict[str, Any]) -> InlineKeyboardMarkup:
    days = set(data.get("days") or [])
    bands = set(data.get("bands") or [])
    day_names = texts.helper_day_names()
    band_names = texts.helper_band_names()
    rows = [
        [
            InlineKeyboardButton(
                text=("✅" if n in days else "") + day_names[n],
                callback_data=HelperApplicationCb(action=Do.DAY, value=str(n)).pack(),
            )
            for n in range(7)
        ],
        [
            InlineKeyboardButton(
                text=("✅ " if band in bands else "") + band_names[band],
                callback_data=HelperApplicationCb(action=Do.BAND, value=band).pack(),
            )
            for band in BANDS
        ],
        [
            InlineKeyboardButton(
                text=texts.helper_done(),
                callback_data=HelperApplicationCb(action=Do.AVAILABILITY_DONE).pack(),
            )
        ],
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _confirm_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=texts.helper_send(),
                    callback_data=HelperApplicationCb(action=Do.SEND).pack(),
                )
            ],
            [
                InlineKeyboardButton(
                    text=_t(BTN_CANCEL), callback_data=HelperApplicationCb(action=Do.CANCEL).pack()
                )
            ],
        ]
    )


async def back(
    message: Message, state: FSMContext, directory: DirectoryService, user: User
) -> None:
    current = await state.get_state()
    index = next((n for n, s in enumerate(ORDER) if s.state == current), None)
    if index is None or index == 0:
        await cancel(message, state)
        return
    await ask(message, state, ORDER[index - 1], directory, user)


async def step_expected(message: Message, state: FSMContext) -> None:
    current = await state.get_state()
    if current == HelperForm.phone.state:
        await message.answer(texts.helper_phone_button())
    elif current in (
        HelperForm.consent.state,
        HelperForm.precincts.state,
        HelperForm.availability.state,
        HelperForm.confirm.state,
    ):
        await message.answer(texts.helper_use_buttons_here())
    else:
        await message.answer(texts.helper_text_expected())


async def got_name(
    message: Message, state: FSMContext, directory: DirectoryService, user: User
) -> None:
    name = " ".join((message.text or "").split())
    if not full_name_ok(name):
        await message.answer(texts.helper_bad_name())
        return
    await _save(state, full_name=name)
    await ask(message, state, HelperForm.birth, directory, user)


async def got_birth(
    message: Message,
    state: FSMContext,
    directory: DirectoryService,
    user: User,
    settings: Settings,
    helpers: HelperService,
) -> None:
    try:
        born = datetime.strptime((message.text or "").strip(), "%d.%m.%Y").date()
    except ValueError:
        await message.answer(texts.helper_bad_birth())
        return
    today = helpers.clock().astimezone(settings.zone).date()
    if born > today:
        await message.answer(texts.helper_birth_future())
        return
    if helpers.too_young(born, today):
        await message.answer(texts.helper_too_young(helpers.rules.min_age))
        return
    await _save(state, birth_date=born.isoformat())
    await ask(message, state, HelperForm.iin, directory, user)


async def got_iin(
    message: Message, state: FSMContext, directory: DirectoryService, user: User
) -> None:
    iin = "".join((message.text or "").split())
    problem = iin_problem(iin)
    if problem is not None:
        await message.answer(texts.helper_bad_iin(problem))
        return
    data = await _data(state)
    if iin_birth_date(iin) != date.fromisoformat(data.get("birth_date", "1900-01-01")):
        await message.answer(texts.helper_iin_birth_mismatch())
        return
    await _save(state, iin=iin)
    await ask(message, state, HelperForm.phone, directory, user)


async def got_phone(
    message: Message, state: FSMContext, directory: DirectoryService, user: User
) -> None:
    contact = message.contact
    assert contact is not None
    if message.from_user is None or contact.user_id != message.from_user.id:
        await message.answer(texts.helper_not_own_contact())
        return
    phone = normalise_phone(contact.phone_number)
    if phone is None:
        await message.answer(texts.helper_bad_phone())
        return
    await _save(state, phone=phone)
    await ask(message, state, HelperForm.precincts, directory, user)


async def got_precinct_location(
    message: Message, state: FSMContext, directory: DirectoryService, user: User
) -> None:
    assert message.location is not None
    precinct = directory.current.precinct_at(message.location.latitude, message.location.longitude)
    if precinct is None:
        await message.answer(texts.helper_no_precinct_there())
        return
    data = await _data(state)
    chosen = list(data.get("precincts") or [])
    if precinct.id not in chosen:
        if len(chosen) >= MAX_PRECINCTS:
            await message.answer(texts.helper_too_many_precincts(MAX_PRECINCTS))
            return
        chosen.append(precinct.id)
    data["precincts"] = chosen
    sent = await message.answer(
        texts.helper_precinct_added(precinct.name(user.language)),
        reply_markup=_precinct_keyboard(data, directory, user),
    )
    await _save(state, precincts=chosen, kb=sent.message_id)
    if isinstance(data.get("kb"), int):  # one live list: the older one loses its buttons
        await clear_inline_keyboard(message.bot, message.chat.id, data["kb"])  # type: ignore[arg-type]


async def got_note(
    message: Message, state: FSMContext, directory: DirectoryService, user: User
) -> None:
    text = (message.text or "").strip()
    if len(text) > MAX_HELPER_NOTE:
        await message.answer(texts.helper_note_too_long(MAX_HELPER_NOTE))
        return
    await _save(state, note=text)
    await ask(message, state, HelperForm.confirm, directory, user)


async def skip_note(
    message: Message, state: FSMContext, directory: DirectoryService, user: User
) -> None:
    await _save(state, note="")
    await ask(message, state, HelperForm.confirm, directory, user)


def _step_of(problem: str) -> Any:
    """The wizard step that answers for an application problem code."""
    if problem == "name":
        return HelperForm.name
    if problem in ("birth_future", "too_young"):
        return HelperForm.birth
    if problem.startswith("iin_"):
        return HelperForm.iin
    if problem == "phone":
        return HelperForm.phone
    if problem == "precincts":
        return HelperForm.precincts
    return HelperForm.availability


def _pressed(action: Do) -> CallbackQueryFilter:
    return HelperApplicationCb.filter(F.action == action)


async def _newest(query: CallbackQuery, state: FSMContext) -> dict[str, Message] | bool:
    """Filter of every wizard button but Cancel: it is under the newest keyboard the wizard
    drew (a keyboard from an earlier step or an earlier list does not count)."""
    message = query.message
    if isinstance(message, Message) and message.message_id == (await _data(state)).get("kb"):
        return {"message": message}
    return False


async def stale(query: CallbackQuery, state: FSMContext) -> None:
    """A press no step takes: answered as stale, and an old keyboard loses its buttons."""
    await query.answer(texts.stale_button())
    message = query.message
    if isinstance(message, Message) and message.message_id != (await _data(state)).get("kb"):
        await drop_inline_keyboard(message)


async def on_cancel(query: CallbackQuery, message: Message, state: FSMContext) -> None:
    await query.answer()
    await drop_inline_keyboard(message)
    await cancel(message, state)


async def on_consent(
    query: CallbackQuery,
    message: Message,
    state: FSMContext,
    user: User,
    directory: DirectoryService,
    helpers: HelperService,
) -> None:
    await query.answer()
    await drop_inline_keyboard(message)
    await _save(state, consent_at=helpers.clock().isoformat())
    await ask(message, state, HelperForm.name, directory, user)


async def _redraw_precincts(
    query: CallbackQuery,
    message: Message,
    data: dict[str, Any],
    directory: DirectoryService,
    user: User,
) -> None:
    markup = _precinct_keyboard(data, directory, user).model_dump(mode="json", exclude_none=True)
    await set_inline_keyboard(query.bot, message.chat.id, message.message_id, markup)  # type: ignore[arg-type]


async def on_precinct(
    query: CallbackQuery,
    message: Message,
    callback_data: HelperApplicationCb,
    state: FSMContext,
    user: User,
    directory: DirectoryService,
) -> None:
    """A precinct in the list: ticked, or unticked if it was."""
    data = await _data(state)
    chosen = list(data.get("precincts") or [])
    if callback_data.value in chosen:
        chosen.remove(callback_data.value)
    elif directory.current.precinct(callback_data.value) is None:
        await query.answer(texts.stale_button())
        return
    elif len(chosen) >= MAX_PRECINCTS:
        await query.answer(texts.helper_too_many_precincts(MAX_PRECINCTS), show_alert=True)
        return
    else:
        chosen.append(callback_data.value)
    await query.answer()
    await _save(state, precincts=chosen)
    data["precincts"] = chosen
    await _redraw_precincts(query, message, data, directory, user)


async def on_page(
    query: CallbackQuery,
    message: Message,
    callback_data: HelperApplicationCb,
    state: FSMContext,
    user: User,
    directory: DirectoryService,
) -> None:
    await query.answer()
    data = await _data(state)
    data["page"] = int(callback_data.value) if callback_data.value.isdecimal() else 0
    await _save(state, page=data["page"])
    await _redraw_precincts(query, message, data, directory, user)


async def on_precincts_done(
    query: CallbackQuery,
    message: Message,
    state: FSMContext,
    user: User,
    directory: DirectoryService,
) -> None:
    if not (await _data(state)).get("precincts"):
        await query.answer(texts.helper_choose_a_precinct(), show_alert=True)
        return
    await query.answer()
    await drop_inline_keyboard(message)
    await ask(message, state, HelperForm.availability, directory, user)


async def on_day(
    query: CallbackQuery, message: Message, callback_data: HelperApplicationCb, state: FSMContext
) -> None:
    day = parse_number(callback_data.value, high=6)
    if day is None:
        await query.answer(texts.stale_button())
        return
    await _toggle(query, message, state, "days", day)


async def on_band(
    query: CallbackQuery, message: Message, callback_data: HelperApplicationCb, state: FSMContext
) -> None:
    if callback_data.value not in BANDS:
        await query.answer(texts.stale_button())
        return
    await _toggle(query, message, state, "bands", callback_data.value)


async def _toggle(
    query: CallbackQuery, message: Message, state: FSMContext, key: str, value: Any
) -> None:
    """A day or a band in the availability keyboard: ticked, or unticked if it was."""
    data = await _data(state)
    chosen = list(data.get(key) or [])
    if value in chosen:
        chosen.remove(value)
    else:
        chosen.append(value)
    await query.answer()
    await _save(state, **{key: sorted(chosen) if key == "days" else chosen})
    data[key] = chosen
    markup = _availability_keyboard(data).model_dump(mode="json", exclude_none=True)
    await set_inline_keyboard(query.bot, message.chat.id, message.message_id, markup)  # type: ignore[arg-type]


async def on_availability_done(
    query: CallbackQuery,
    message: Message,
    state: FSMContext,
    user: User,
    directory: DirectoryService,
) -> None:
    data = await _data(state)
    if not data.get("days") or not data.get("bands"):
        await query.answer(texts.helper_choose_availability(), show_alert=True)
        return
    await query.answer()
    await drop_inline_keyboard(message)
    await ask(message, state, HelperForm.note, directory, user)


async def on_send(
    query: CallbackQuery,
    message: Message,
    state: FSMContext,
    user: User,
    directory: DirectoryService,
    helpers: HelperService,
    settings: Settings,
) -> None:
    """Send on the summary: the application is made, or refused with the reason."""
    data = await _data(state)
    draft = HelperDraft(
        full_name=data.get("full_name", ""),
        birth_date=date.fromisoformat(data.get("birth_date", "1900-01-01")),
        iin=data.get("iin", ""),
        phone=data.get("phone", ""),
        precincts=tuple(data.get("precincts") or ()),
        days=tuple(data.get("days") or ()),
        bands=tuple(data.get("bands") or ()),
        note=data.get("note", ""),
    )
    today = helpers.clock().astimezone(settings.zone).date()
    consent = data.get("consent_at")
    try:
        helper = await helpers.apply(
            user, draft, today, datetime.fromisoformat(consent) if consent else None
        )
    except ApplicationRefused as exc:
        await query.answer()
        await drop_inline_keyboard(message)
        if exc.reason == "problems":  # rules changed meanwhile: fix that step, keep the rest
            known = {p.id for p in directory.current.precincts}
            await _save(state, precincts=[p for p in draft.precincts if p in known], page=0)
            await message.answer(texts.helper_problem(exc.problems[0], helpers.rules.min_age))
            await ask(message, state, _step_of(exc.problems[0]), directory, user)
            return
        await state.clear()
        until = (
            format_date(exc.until.astimezone(settings.zone), "d MMMM y", locale=user.language)
            if exc.until
            else None
        )
        await message.answer(
            texts.helper_refused(exc.reason, exc.problems, until), reply_markup=main_menu()
        )
        return
    await query.answer()
    await state.clear()
    await drop_inline_keyboard(message)
    await message.answer(texts.helper_received(helper.id), reply_markup=main_menu())
