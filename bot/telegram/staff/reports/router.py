"""The duty officers' side in the staff group: take, resolve, reject, reopen; officers' words
to residents; /me and /mine."""

from __future__ import annotations

import contextlib

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import CallbackQuery, Message, ReactionTypeEmoji
from aiogram.utils.i18n import gettext as _

from bot.domain.numbers import parse_number
from bot.domain.reports import MAX_NOTE, Action, Status
from bot.services.chats import ChatService
from bot.services.reports import DELIVERED, ActionResult, ReportService, Said
from bot.telegram import texts
from bot.telegram.access import Staff
from bot.telegram.callbacks import SEEN_STATUS, StaffCb
from bot.telegram.editing import set_inline_keyboard
from bot.telegram.report_renderer import REJECT_REASONS, STATUS_NAMES, TelegramReportRenderer

#: buttons that act at once
ACTIONS = {"take": Action.TAKE, "rs_plain": Action.RESOLVE, "reopen": Action.REOPEN}
#: buttons that only change the buttons, for this officer to choose
MENUS = {"reject": "reject", "resolve": "resolve", "back": None}
#: buttons after which the bot asks for a typed note or reason
ASKS = {"rs_note": Action.RESOLVE, "rj_typed": Action.REJECT}


def router() -> Router:
    """Under the staff area (bot.telegram.access): the chat and the role are checked there."""
    r = Router(name="staff")
    pressed = Staff("button {action} on report {report}", where="posts")
    r.callback_query.register(on_button, StaffCb.filter(), pressed)
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


async def on_button(
    query: CallbackQuery,
    callback_data: StaffCb,
    bot: Bot,
    chats: ChatService,
    reports: ReportService,
    renderer: TelegramReportRenderer,
) -> None:
    message = query.message
    assert message is not None  # the staff area's filter
    report = await reports.get(callback_data.report)
    if report is None or not await _posted_here(chats, report.staff_chat_id, message.chat.id):
        await query.answer(texts.stale_button())
        return
    action = callback_data.action
    seen = Status(SEEN_STATUS[callback_data.seen]) if callback_data.seen in SEEN_STATUS else None
    if action == "templates":
        found = await reports.actions.templates_for(report.category)
        if not found:
            await query.answer(texts.templates_none(), show_alert=True)
            return
        await query.answer()
        await set_inline_keyboard(
            bot,
            message.chat.id,
            message.message_id,
            renderer.staff_keyboard(report, "templates", found),
        )
        return
    if action.startswith("tp") and (template_id := parse_number(action[2:])) is not None:
        sent = await reports.actions.send_template(
            report.id, template_id, query.from_user.id, query.from_user.full_name
        )
        if sent is None:
            await query.answer(texts.stale_button())
        else:
            await query.answer(texts.template_sent())
        # the menu of answers: back to the post's own (a message too old to read has none)
        if isinstance(message, Message) and "st:tp" in str(message.reply_markup):
            await set_inline_keyboard(
                bot, message.chat.id, message.message_id, renderer.staff_keyboard(sent or report)
            )
        return
    if action in MENUS:
        # only the buttons change, for this officer to choose: a direct answer
        await query.answer()
        await set_inline_keyboard(
            bot, message.chat.id, message.message_id, renderer.staff_keyboard(report, MENUS[action])
        )
        return
    if action in ASKS:
        result = await reports.conversation.ask(
            report.id,
            ASKS[action],
            officer_id=query.from_user.id,
            officer_name=query.from_user.full_name,
            seen=seen or report.status,
        )
        if result.refused:
            await query.answer(staff_too_late(result, query.from_user.id), show_alert=True)
        else:
            await query.answer(texts.staff_reply_with_text())
        await set_inline_keyboard(
            bot, message.chat.id, message.message_id, renderer.staff_keyboard(result.report)
        )
        return
    if action.startswith("dup") and (original := parse_number(action[3:])) is not None:
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
        return
    reason = None
    if action.startswith("rj_") and action[3:] in REJECT_REASONS:
        step, reason = Action.REJECT, action[3:]
    elif action in ACTIONS:
        step = ACTIONS[action]
    else:
        await query.answer(texts.stale_button())
        return
    result = await reports.actions.act(
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
        message.chat.id,
        message.message_id,
        officer_id=message.from_user.id,
        officer_name=message.from_user.full_name,
        reply_to=reply.message_id if to_bot and reply is not None else None,
        thread_id=thread,
        text=message.text,
        content_type=message.content_type,
    )
    if outcome is Said.NOT_A_REPORT:
        await message.reply(texts.staff_not_a_report_post())
    elif outcome is Said.ERASED:
        await message.reply(texts.staff_resident_erased())
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
