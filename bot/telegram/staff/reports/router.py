"""The duty officers' side in the staff group: take, resolve, reject, reopen; officers' words
to residents; /me and /mine."""

from __future__ import annotations

import contextlib
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message, ReactionTypeEmoji
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from bot.domain.outbox import DELIVERED
from bot.domain.referrals import COMPETENCE
from bot.domain.reports import MAX_NOTE, Action, Report, Status
from bot.services.chats import ChatService
from bot.services.referrals import ReferralService
from bot.services.reports import ActionResult, ReportService, Said
from bot.telegram import texts
from bot.telegram.access import Staff
from bot.telegram.callbacks import (
    SEEN_STATUS,
    StaffAction,
    StaffCb,
    StaffDuplicateCb,
    StaffReferCb,
    StaffRejectCb,
    StaffTemplateCb,
)
from bot.telegram.common.relay import relayed
from bot.telegram.editing import set_inline_keyboard
from bot.telegram.report_renderer import STATUS_NAMES, TelegramReportRenderer
from bot.telegram.staff.callers import texts as caller_texts
from bot.telegram.staff.referrals import texts as referral_texts

#: a staff post's button, whatever its packing (the prefix of each, for the catch-all)
STAFF_BUTTONS = (StaffCb, StaffRejectCb, StaffTemplateCb, StaffDuplicateCb, StaffReferCb)
PostButton = StaffCb | StaffRejectCb | StaffTemplateCb | StaffDuplicateCb | StaffReferCb


def router() -> Router:
    """Under the staff area (bot.telegram.access): the chat and the role are checked there."""
    r = Router(name="staff")
    pressed = Staff("button {action} on report {report}", where="posts")
    on_post = OnItsPost()
    A = StaffAction
    for handler, action in (
        (on_take, A.TAKE),
        (on_resolve_plain, A.RESOLVE_PLAIN),
        (on_reopen, A.REOPEN),
        (on_resolve_menu, A.RESOLVE),
        (on_reject_menu, A.REJECT),
        (on_back, A.BACK),
        (on_templates, A.TEMPLATES),
        (on_resolve_note, A.RESOLVE_NOTE),
        (on_reject_typed, A.REJECT_TYPED),
        (on_refer_menu, A.REFER),
    ):
        r.callback_query.register(handler, StaffCb.filter(F.action == action), pressed, on_post)
    # the audit names a refused press as the old packing did
    rejected = Staff("button rj_{reason} on report {report}", where="posts")
    r.callback_query.register(on_reject_reason, StaffRejectCb.filter(), rejected, on_post)
    template = Staff("button tp{template} on report {report}", where="posts")
    r.callback_query.register(on_template, StaffTemplateCb.filter(), template, on_post)
    refer = Staff("button refer {body} on report {report}", where="posts")
    r.callback_query.register(on_refer, StaffReferCb.filter(), refer, on_post)
    duplicate = Staff("button dup{original} on report {report}", where="posts")
    r.callback_query.register(on_duplicate, StaffDuplicateCb.filter(), duplicate, on_post)
    # last: any other press of these prefixes (a report gone, or posted elsewhere) is stale
    r.callback_query.register(
        stale, F.data.func(_is_post_button), Staff("button on a report", where="posts")
    )
    r.message.register(set_profile, Command("me"), Staff("me", where="posts"))
    r.message.register(held_reports, Command("mine"), Staff("mine", where="posts"))
    # words for a resident: a refusal is silent (officers talk among themselves there too)
    r.message.register(officer_message, ForResident(), Staff(where="posts"))
    r.edited_message.register(officer_edit, Staff(where="posts"))
    return r


def _to_bot(message: Message, bot: Bot) -> bool:
    """A reply to the bot's own message (in a forum topic every message "replies" to the
    topic's creation: that is not one)."""
    reply = message.reply_to_message
    return (
        reply is not None
        and reply.from_user is not None
        and reply.from_user.id == bot.id
        and reply.forum_topic_created is None
    )


class ForResident(Filter):
    """An officer's words for a report's resident: written in a report's topic, or in reply
    to the bot's post or request. Commands go on to the routers after this one; a message
    starting with // stays among staff."""

    async def __call__(self, message: Message, bot: Bot) -> bool:
        said = message.text or message.caption or ""
        if said.startswith("/") or message.from_user is None or message.from_user.is_bot:
            return False
        return _to_bot(message, bot) or (
            bool(message.is_topic_message) and message.message_thread_id is not None
        )


class OnItsPost(Filter):
    """The press is on the post of a report that exists, in the chat it was posted to: gives
    the handler `report`, and `seen`, the status the post showed (otherwise the catch-all
    answers stale). Follows the callback data's filter, which gives it `callback_data`."""

    async def __call__(
        self,
        query: CallbackQuery,
        callback_data: PostButton,
        chats: ChatService,
        reports: ReportService,
    ) -> bool | dict[str, Any]:
        if query.message is None:
            return False
        report = await reports.get(callback_data.report)
        if report is None or not await _posted_here(
            chats, report.staff_chat_id, query.message.chat.id
        ):
            return False
        return {"report": report, "seen": Status(SEEN_STATUS[callback_data.seen])}


def _is_post_button(data: str) -> bool:
    return any(data.startswith(kind.__prefix__ + ":") for kind in STAFF_BUTTONS)


async def stale(query: CallbackQuery) -> None:
    await query.answer(texts.stale_button())


async def _act(
    query: CallbackQuery,
    reports: ReportService,
    report: Report,
    step: Action,
    seen: Status,
    reason: str | None = None,
) -> None:
    """A button that acts at once: done, or who was faster."""
    result = await reports.lifecycle.act(
        report.id,
        step,
        officer_id=query.from_user.id,
        officer_name=query.from_user.full_name,
        reason=reason,
        seen=seen,
    )
    if result.changed:
        await query.answer(texts.staff_done())
    else:
        await query.answer(staff_too_late(result, query.from_user.id), show_alert=True)


async def on_take(
    query: CallbackQuery, reports: ReportService, report: Report, seen: Status
) -> None:
    await _act(query, reports, report, Action.TAKE, seen)


async def on_resolve_plain(
    query: CallbackQuery, reports: ReportService, report: Report, seen: Status
) -> None:
    await _act(query, reports, report, Action.RESOLVE, seen)


async def on_reopen(
    query: CallbackQuery, reports: ReportService, report: Report, seen: Status
) -> None:
    await _act(query, reports, report, Action.REOPEN, seen)


async def on_reject_reason(
    query: CallbackQuery,
    callback_data: StaffRejectCb,
    reports: ReportService,
    report: Report,
    seen: Status,
) -> None:
    await _act(query, reports, report, Action.REJECT, seen, reason=callback_data.reason.value)


async def _menu(
    query: CallbackQuery,
    bot: Bot,
    renderer: TelegramReportRenderer,
    report: Report,
    menu: str | None,
) -> None:
    """Only the buttons change, for this officer to choose: a direct answer."""
    assert query.message is not None  # OnItsPost
    await query.answer()
    await set_inline_keyboard(
        bot,
        query.message.chat.id,
        query.message.message_id,
        renderer.staff_keyboard(report, menu),
    )


async def on_refer_menu(
    query: CallbackQuery,
    bot: Bot,
    renderer: TelegramReportRenderer,
    referrals: ReferralService,
    report: Report,
) -> None:
    """The outside bodies to choose from (only the buttons change)."""
    assert query.message is not None  # OnItsPost
    found = referrals.active()
    if not found:
        await query.answer(referral_texts.no_bodies_to_refer(), show_alert=True)
        return
    await query.answer()
    await set_inline_keyboard(
        bot,
        query.message.chat.id,
        query.message.message_id,
        renderer.staff_keyboard(report, "refer", bodies=found),
    )


async def on_refer(
    query: CallbackQuery,
    callback_data: StaffReferCb,
    referrals: ReferralService,
    report: Report,
    seen: Status,
) -> None:
    """One tap: referred as outside the police's competence (the usual words)."""
    step = await referrals.refer(
        report.id,
        callback_data.body,
        COMPETENCE,
        query.from_user.id,
        query.from_user.full_name,
        seen=seen,
    )
    if step.refused is not None:
        await query.answer(
            referral_texts.refer_refused(step.refused.value, report.id), show_alert=True
        )
        return
    found = referrals.body(callback_data.body)
    name = found.name(get_i18n().current_locale) if found else callback_data.body
    await query.answer(referral_texts.referred(report.id, name))


async def on_resolve_menu(
    query: CallbackQuery, bot: Bot, renderer: TelegramReportRenderer, report: Report
) -> None:
    await _menu(query, bot, renderer, report, "resolve")


async def on_reject_menu(
    query: CallbackQuery, bot: Bot, renderer: TelegramReportRenderer, report: Report
) -> None:
    await _menu(query, bot, renderer, report, "reject")


async def on_back(
    query: CallbackQuery, bot: Bot, renderer: TelegramReportRenderer, report: Report
) -> None:
    await _menu(query, bot, renderer, report, None)


async def _ask(
    query: CallbackQuery,
    bot: Bot,
    reports: ReportService,
    renderer: TelegramReportRenderer,
    report: Report,
    step: Action,
    seen: Status,
) -> None:
    """The bot asks for a typed note or reason: a reply to its request completes the step."""
    assert query.message is not None  # OnItsPost
    result = await reports.conversation.ask(
        report.id,
        step,
        officer_id=query.from_user.id,
        officer_name=query.from_user.full_name,
        seen=seen,
    )
    if result.refused:
        await query.answer(staff_too_late(result, query.from_user.id), show_alert=True)
    else:
        await query.answer(texts.staff_reply_with_text())
    await set_inline_keyboard(
        bot,
        query.message.chat.id,
        query.message.message_id,
        renderer.staff_keyboard(result.report),
    )


async def on_resolve_note(
    query: CallbackQuery,
    bot: Bot,
    reports: ReportService,
    renderer: TelegramReportRenderer,
    report: Report,
    seen: Status,
) -> None:
    await _ask(query, bot, reports, renderer, report, Action.RESOLVE, seen)


async def on_reject_typed(
    query: CallbackQuery,
    bot: Bot,
    reports: ReportService,
    renderer: TelegramReportRenderer,
    report: Report,
    seen: Status,
) -> None:
    await _ask(query, bot, reports, renderer, report, Action.REJECT, seen)


async def on_templates(
    query: CallbackQuery,
    bot: Bot,
    reports: ReportService,
    renderer: TelegramReportRenderer,
    report: Report,
) -> None:
    """The menu of ready answers for the report's category."""
    assert query.message is not None  # OnItsPost
    found = await reports.actions.templates_for(report.category)
    if not found:
        await query.answer(texts.templates_none(), show_alert=True)
        return
    await query.answer()
    await set_inline_keyboard(
        bot,
        query.message.chat.id,
        query.message.message_id,
        renderer.staff_keyboard(report, "templates", found),
    )


async def on_template(
    query: CallbackQuery,
    callback_data: StaffTemplateCb,
    bot: Bot,
    reports: ReportService,
    renderer: TelegramReportRenderer,
    report: Report,
) -> None:
    """A ready answer goes to the resident; the post gets its own buttons back."""
    message = query.message
    assert message is not None  # OnItsPost
    sent = await reports.actions.send_template(
        report.id, callback_data.template, query.from_user.id, query.from_user.full_name
    )
    if sent is None:
        await query.answer(texts.stale_button())
    else:
        await query.answer(texts.template_sent())
    # the menu of answers: back to the post's own (a message too old to read has none)
    if isinstance(message, Message) and _shows(message, StaffTemplateCb):
        await set_inline_keyboard(
            bot, message.chat.id, message.message_id, renderer.staff_keyboard(sent or report)
        )


def _shows(message: Message, kind: type[CallbackData]) -> bool:
    """The message's buttons include one of this kind."""
    markup = message.reply_markup
    return markup is not None and any(
        (button.callback_data or "").startswith(kind.__prefix__ + ":")
        for row in markup.inline_keyboard
        for button in row
    )


async def on_duplicate(
    query: CallbackQuery,
    callback_data: StaffDuplicateCb,
    reports: ReportService,
    report: Report,
    seen: Status,
) -> None:
    original = callback_data.original
    marked = await reports.actions.mark_duplicate(
        report.id, original, query.from_user.id, query.from_user.full_name, seen
    )
    if marked is None:
        await query.answer(texts.stale_button())
    elif marked.changed:
        await query.answer(texts.staff_done())
    elif marked.refused == "original closed":
        await query.answer(texts.duplicate_original_closed(original), show_alert=True)
    else:
        await query.answer(staff_too_late(marked, query.from_user.id), show_alert=True)


async def _posted_here(chats: ChatService, report_chat: int | None, chat_id: int) -> bool:
    """A report is acted on where its post is: a precinct's chat only on its own reports (the
    staff group keeps its reports across Telegram's move to a new id)."""
    if report_chat == chat_id:
        return True
    return (
        report_chat is not None
        and await chats.is_main_staff_chat(chat_id)
        and await chats.is_main_staff_chat(report_chat)
    )


def staff_too_late(result: ActionResult, officer_id: int, *, markup: bool = False) -> str:
    """Someone was faster: who, and what the report is now (plain text for a button's alert,
    `markup` for a message)."""
    status = _(STATUS_NAMES[result.report.status])
    if result.by_id == officer_id:
        return texts.staff_already(result.report.id, status)
    if result.by:
        # an alert holds 200 characters, and a Telegram name up to 129
        name = result.by if len(result.by) <= 40 else result.by[:39] + "…"
        return texts.staff_changed_by(name, result.report.id, status, markup=markup)
    return texts.staff_changed_meanwhile()


async def set_profile(message: Message, command: CommandObject, reports: ReportService) -> None:
    assert message.from_user is not None  # the staff area's guard
    parts = (command.args or "").split()
    if len(parts) < 2 or len(" ".join(parts)) > 80:
        await message.reply(texts.staff_me_usage())
        return
    rank, surname = " ".join(parts[:-1]), parts[-1]
    await reports.actions.set_staff_profile(message.from_user.id, rank, surname)
    await message.reply(texts.staff_me_saved(rank, surname))


async def held_reports(
    message: Message, reports: ReportService, renderer: TelegramReportRenderer
) -> None:
    """/mine: the reports this officer has taken and not closed, with links to their posts."""
    assert message.from_user is not None  # the staff area's guard
    held = await reports.actions.held_by(message.from_user.id)
    await message.reply(renderer.held_list(held))


async def officer_message(message: Message, bot: Bot, reports: ReportService) -> None:
    """An officer writes in a report's topic, or replies to a report's post (or to anything
    the bot posted for it): the message goes to the resident (see ForResident). A reply to
    the bot's request for a note or a reason completes that action."""
    assert message.from_user is not None  # ForResident
    reply = message.reply_to_message
    to_bot = _to_bot(message, bot)
    thread = message.message_thread_id if message.is_topic_message else None

    outcome, result = await reports.conversation.from_officer(
        relayed(message),
        officer_id=message.from_user.id,
        officer_name=message.from_user.full_name,
        reply_to=reply.message_id if to_bot and reply is not None else None,
        thread_id=thread,
        text=message.text,
    )
    if outcome is Said.NOT_A_REPORT:
        await message.reply(texts.staff_not_a_report_post())
    elif outcome is Said.ERASED:
        await message.reply(texts.staff_resident_erased())
    elif outcome is Said.OFFLINE:
        await message.reply(caller_texts.caller_not_in_telegram())
    elif outcome is Said.NOT_TEXT:
        await message.reply(texts.staff_note_must_be_text())
    elif outcome is Said.TOO_LONG:
        await message.reply(texts.staff_note_too_long(MAX_NOTE))
    elif outcome is Said.CHANGED and result is not None:
        await message.reply(staff_too_late(result, message.from_user.id, markup=True))
    elif outcome is Said.ACTED:
        # the post shows the new status; the note itself gets a mark, not another message
        with contextlib.suppress(TelegramAPIError):
            await bot.set_message_reaction(
                message.chat.id, message.message_id, [ReactionTypeEmoji(emoji=DELIVERED)]
            )


async def officer_edit(message: Message, reports: ReportService) -> None:
    """Telegram cannot change a copy the resident already has: say so, under the edit."""
    number = await reports.conversation.relayed_to_resident(message.chat.id, message.message_id)
    if number is not None:
        await message.reply(texts.staff_edit_not_relayed(number))
