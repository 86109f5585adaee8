"""/myreports: the resident's reports with their status and history; withdraw while new."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from babel.dates import format_datetime

from bot.config import Settings
from bot.domain.reports import Report, Status
from bot.domain.users import User
from bot.services.reports import ReportService
from bot.telegram import texts
from bot.telegram.buttons import (
    BTN_BACK,
    BTN_CANCEL,
    BTN_MY_REPORTS,
    back_cancel_keyboard,
    main_menu,
)
from bot.telegram.callbacks import MyReportsAction, MyReportsCb
from bot.telegram.common.relay import relayed
from bot.telegram.editing import edit_text
from bot.telegram.filters import ButtonFilter, OnMessage
from bot.telegram.report_renderer import REJECT_REASONS, STATUS_NAMES, TelegramReportRenderer


class ReportChat(StatesGroup):
    writing = State()  # data: {"report": number}


PER_PAGE = 5


def router() -> Router:
    r = Router(name="my_reports")
    r.message.register(show_list, Command("myreports"))
    r.message.register(show_list, ButtonFilter(BTN_MY_REPORTS))
    r.callback_query.register(start_writing, MyReportsCb.filter(F.action == MyReportsAction.WRITE))
    on_list = OnMessage()
    r.callback_query.register(
        show_page, on_list, MyReportsCb.filter(F.action == MyReportsAction.PAGE)
    )
    r.callback_query.register(
        open_card, on_list, MyReportsCb.filter(F.action == MyReportsAction.OPEN)
    )
    r.callback_query.register(
        withdraw, on_list, MyReportsCb.filter(F.action == MyReportsAction.WITHDRAW)
    )
    r.callback_query.register(stale, MyReportsCb.filter())  # last: what matched nothing above
    writing = StateFilter(ReportChat.writing)
    r.message.register(stop_writing, writing, ButtonFilter(BTN_CANCEL))
    r.message.register(stop_writing, writing, ButtonFilter(BTN_BACK))
    # a command is not words for the officer: it goes on to its own feature
    r.message.register(
        write, writing, (F.text & ~F.text.startswith("/")) | F.photo | F.voice | F.video
    )
    r.message.register(write_unsupported, writing)
    return r


async def start_writing(
    query: CallbackQuery, callback_data: MyReportsCb, state: FSMContext
) -> None:
    await query.answer()
    await state.set_state(ReportChat.writing)
    await state.set_data({"report": callback_data.value})
    if isinstance(query.message, Message):
        await query.message.answer(
            texts.write_to_officer_prompt(callback_data.value), reply_markup=back_cancel_keyboard()
        )


async def write(message: Message, state: FSMContext, user: User, reports: ReportService) -> None:
    data = await state.get_data()
    number = int(data.get("report", 0))
    album = message.media_group_id
    if album is None:
        await state.clear()
    else:
        # an album arrives as several messages: stay in this step for its other items
        await state.update_data(album=album)
    same_album = album is not None and data.get("album") == album
    report = await reports.conversation.write_to_staff(
        number, relayed(message), header=not same_album
    )
    if same_album:
        return  # one header and one answer per album
    if report is None:
        await state.clear()
        await message.answer(texts.write_not_possible(), reply_markup=main_menu())
        return
    # queued, not yet delivered: the message gets a 👌 when the staff group has it
    await message.answer(texts.relay_queued(report.id), reply_markup=main_menu())


async def stop_writing(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(texts.cancelled(), reply_markup=main_menu())


async def write_unsupported(message: Message) -> None:
    await message.answer(texts.write_unsupported())


def _line(report: Report, renderer: TelegramReportRenderer, locale: str) -> str:
    status = _(STATUS_NAMES[report.status])
    return f"№ {report.id} · {renderer.category_label(report.category, locale)} · {status}"


async def _list_view(
    user: User, reports: ReportService, renderer: TelegramReportRenderer, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    items, total = await reports.resident.mine(user.id, page, PER_PAGE)
    if total == 0:
        return texts.my_reports_none(), None
    pages = (total + PER_PAGE - 1) // PER_PAGE
    rows = [
        [
            InlineKeyboardButton(
                text=_line(report, renderer, user.language)[:60],
                callback_data=MyReportsCb(action=MyReportsAction.OPEN, value=report.id).pack(),
            )
        ]
        for report in items
    ]
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                text="◀️",
                callback_data=MyReportsCb(action=MyReportsAction.PAGE, value=page - 1).pack(),
            )
        )
    if page + 1 < pages:
        nav.append(
            InlineKeyboardButton(
                text="▶️",
                callback_data=MyReportsCb(action=MyReportsAction.PAGE, value=page + 1).pack(),
            )
        )
    if nav:
        rows.append(nav)
    return texts.my_reports_header(page + 1, pages), InlineKeyboardMarkup(inline_keyboard=rows)


async def show_list(
    message: Message, user: User, reports: ReportService, renderer: TelegramReportRenderer
) -> None:
    text, markup = await _list_view(user, reports, renderer, 0)
    await message.answer(text, reply_markup=markup)


async def stale(query: CallbackQuery) -> None:
    await query.answer(texts.stale_button())


async def show_page(
    query: CallbackQuery,
    callback_data: MyReportsCb,
    message: Message,
    user: User,
    reports: ReportService,
    renderer: TelegramReportRenderer,
) -> None:
    await query.answer()
    text, markup = await _list_view(user, reports, renderer, callback_data.value)
    await edit_text(message, text, markup)


async def open_card(
    query: CallbackQuery,
    callback_data: MyReportsCb,
    message: Message,
    user: User,
    reports: ReportService,
    renderer: TelegramReportRenderer,
    settings: Settings,
) -> None:
    found = await reports.resident.card(user.id, callback_data.value)
    if found is None:  # not theirs (a forged number), or gone
        await query.answer(texts.stale_button())
        return
    await query.answer()
    await _show_card(message, found, user, renderer, settings)


async def withdraw(
    query: CallbackQuery,
    callback_data: MyReportsCb,
    message: Message,
    user: User,
    reports: ReportService,
    renderer: TelegramReportRenderer,
    settings: Settings,
) -> None:
    result = await reports.resident.withdraw(user.id, callback_data.value)
    if result is None:
        await query.answer(texts.stale_button())
        return
    if not result.changed:
        # taken meanwhile: say so; the card stays as it is (an identical edit is refused)
        await query.answer(texts.my_report_cannot_withdraw(), show_alert=True)
        return
    await query.answer(texts.my_report_withdrawn(result.report.id))
    found = await reports.resident.card(user.id, callback_data.value)
    if found is not None:
        await _show_card(message, found, user, renderer, settings)


async def _show_card(
    message: Message,
    found: tuple[Report, list[dict[str, object]]],
    user: User,
    renderer: TelegramReportRenderer,
    settings: Settings,
) -> None:
    report, history = found
    lines = [
        f"<b>{escape(_line(report, renderer, user.language))}</b>",
    ]
    if report.description:
        description = report.description
        lines.append(
            "📝 " + escape(description if len(description) <= 300 else description[:299] + "…")
        )
    term = renderer.resident_term(report, user.language)
    if term is not None:
        lines.append(term)
    for event in history:
        when = format_datetime(
            datetime.fromisoformat(str(event["at"])),
            "d MMM, HH:mm",
            tzinfo=settings.zone,
            locale=user.language,
        )
        line = f"• {when}: {texts.history_event(str(event['action']))}"
        note = event["note"]
        if event["action"] in ("resolve", "reject") and note:
            note = str(note)
            if note in REJECT_REASONS:
                note = _(REJECT_REASONS[note])
            else:
                note = escape(note if len(note) <= 300 else note[:299] + "…")
            line += f" ({note})"
        lines.append(line)
    rows = []
    if report.status in (Status.NEW, Status.TAKEN):
        rows.append(
            [
                InlineKeyboardButton(
                    text=texts.write_button(),
                    callback_data=MyReportsCb(action=MyReportsAction.WRITE, value=report.id).pack(),
                )
            ]
        )
    if report.status is Status.NEW:
        rows.append(
            [
                InlineKeyboardButton(
                    text=texts.withdraw_button(),
                    callback_data=MyReportsCb(
                        action=MyReportsAction.WITHDRAW, value=report.id
                    ).pack(),
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                text=texts.back_to_list(),
                callback_data=MyReportsCb(action=MyReportsAction.PAGE, value=0).pack(),
            )
        ]
    )
    await edit_text(message, "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows))
