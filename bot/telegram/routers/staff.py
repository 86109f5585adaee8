"""The duty officers' side in the staff group: take, resolve, reject, reopen; /me."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.domain.reports import Action, Status
from bot.services.chats import ChatService
from bot.services.reports import ReportService
from bot.telegram import texts
from bot.telegram.callbacks import SEEN_STATUS, StaffCb
from bot.telegram.editing import set_inline_keyboard
from bot.telegram.render import REJECT_REASONS, TelegramReportRenderer
from bot.telegram.staff import StaffGate

ACTIONS = {"take": Action.TAKE, "resolve": Action.RESOLVE, "reopen": Action.REOPEN}


def router() -> Router:
    r = Router(name="staff")
    groups = F.message.chat.type.in_({"group", "supergroup"})
    r.callback_query.register(on_button, groups, StaffCb.filter())
    r.message.register(set_profile, F.chat.type.in_({"group", "supergroup"}), Command("me"))
    r.message.register(officer_reply, F.chat.type.in_({"group", "supergroup"}), F.reply_to_message)
    return r


async def on_button(
    query: CallbackQuery,
    callback_data: StaffCb,
    bot: Bot,
    chats: ChatService,
    staff_gate: StaffGate,
    reports: ReportService,
    renderer: TelegramReportRenderer,
) -> None:
    message = query.message
    if message is None or not await chats.is_staff_chat(message.chat.id):
        await query.answer(texts.stale_button())
        return
    if not await staff_gate.is_staff(bot, query.from_user.id):
        await query.answer(texts.staff_only(), show_alert=True)
        return
    report = await reports.get(callback_data.report)
    if report is None:
        await query.answer(texts.stale_button())
        return
    action = callback_data.action
    if action in ("reject", "back"):
        # only the buttons change, for this officer to choose a reason: a direct answer
        await query.answer()
        await set_inline_keyboard(
            bot,
            message.chat.id,
            message.message_id,
            renderer.staff_keyboard(report, reasons=action == "reject"),
        )
        return
    reason = None
    if action.startswith("rj_") and action[3:] in REJECT_REASONS:
        step, reason = Action.REJECT, action[3:]
    elif action in ACTIONS:
        step = ACTIONS[action]
    else:
        await query.answer(texts.stale_button())
        return
    result = await reports.act(
        report.id,
        step,
        officer_id=query.from_user.id,
        officer_name=query.from_user.full_name,
        reason=reason,
        seen=Status(SEEN_STATUS[callback_data.seen]) if callback_data.seen in SEEN_STATUS else None,
    )
    if result.changed:
        await query.answer(texts.staff_done())
    else:
        await query.answer(texts.staff_changed_meanwhile(), show_alert=True)


async def set_profile(
    message: Message,
    command: CommandObject,
    bot: Bot,
    chats: ChatService,
    staff_gate: StaffGate,
    reports: ReportService,
) -> None:
    if message.from_user is None or not await chats.is_staff_chat(message.chat.id):
        return
    if not await staff_gate.is_staff(bot, message.from_user.id):
        await message.reply(texts.staff_only())
        return
    parts = (command.args or "").split()
    if len(parts) < 2 or len(" ".join(parts)) > 80:
        await message.reply(texts.staff_me_usage())
        return
    rank, surname = " ".join(parts[:-1]), parts[-1]
    await reports.set_staff_profile(message.from_user.id, rank, surname)
    await message.reply(texts.staff_me_saved(rank, surname))


async def officer_reply(
    message: Message,
    bot: Bot,
    chats: ChatService,
    staff_gate: StaffGate,
    reports: ReportService,
) -> None:
    """An officer replies to a report post (or to the resident's relayed words): the message
    goes to the resident. A message starting with // stays among staff."""
    reply_to = message.reply_to_message
    said = message.text or message.caption or ""
    if said.startswith("/") and not said.startswith("//"):
        raise SkipHandler  # a command (in any group), for the routers after this one
    if reply_to is None or message.from_user is None:
        return
    if not await chats.is_staff_chat(message.chat.id):
        return
    if reply_to.from_user is None or reply_to.from_user.id != bot.id:
        return  # officers talking among themselves
    if reply_to.forum_topic_created is not None:
        return  # in a bot-created topic every message "replies" to its creation
    if said.startswith("//"):
        return
    if not await staff_gate.is_staff(bot, message.from_user.id):
        return
    report = await reports.relay_from_officer(
        message.chat.id, reply_to.message_id, message.message_id, message.from_user.id
    )
    if report is None:
        await message.reply(texts.staff_not_a_report_post())
