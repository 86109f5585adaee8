"""Vetting public helpers in the staff group: the buttons under an application, the typed
registration or reason asked for by the bot, and the full IIN for administrators only."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.domain.helpers import HelperAction, HelperStatus
from bot.services.chats import ChatService
from bot.services.desk import DeskService
from bot.services.directory import DirectoryService
from bot.services.helpers import HelperService
from bot.telegram import texts
from bot.telegram.callbacks import HelperCb
from bot.telegram.helper_render import SEEN_HELPER, HelperTelegramRenderer
from bot.telegram.staff import AdminGate, StaffGate, parse_number, staff_here, staff_pressed

log = logging.getLogger(__name__)

ACTS = {
    "check": HelperAction.CHECK,
    "activate": HelperAction.ACTIVATE,
    "suspend": HelperAction.SUSPEND,
    "resume": HelperAction.RESUME,
    "retire": HelperAction.RETIRE,
}
ASKS: dict[str, HelperAction | None] = {
    "register": HelperAction.REGISTER,
    "reject": HelperAction.REJECT,
    "ask": None,  # a question for the applicant
}
REGISTRATION = re.compile(r"^\s*(\S{1,40})\s+(\d{2}\.\d{2}\.\d{4})\s*$")


def router() -> Router:
    r = Router(name="helpers_staff")
    groups = F.chat.type.in_({"group", "supergroup"})
    r.callback_query.register(
        on_button, F.message.chat.type.in_({"group", "supergroup"}), HelperCb.filter()
    )
    r.message.register(listing, groups, Command("helpers"))
    r.message.register(card, groups, Command("helper"))
    r.message.register(typed_answer, groups, F.reply_to_message)
    return r


async def listing(
    message: Message,
    command: CommandObject,
    bot: Bot,
    chats: ChatService,
    staff_gate: StaffGate,
    desk: DeskService,
    helpers: HelperService,
    helper_renderer: HelperTelegramRenderer,
    directory: DirectoryService,
) -> None:
    """/helpers: counts per precinct and state; /helpers [status] [precinct]: the people."""
    if not await staff_here(message, bot, chats, staff_gate, desk, "helpers"):
        return
    words = (command.args or "").split()
    statuses = {s.value for s in HelperStatus}
    status = precinct = None
    for word in words[:2]:
        if word.lower() in statuses and status is None:
            status = word.lower()
        elif directory.current.precinct(word) is not None and precinct is None:
            precinct = word
        else:
            await message.reply(texts.helpers_usage())
            return
    if len(words) > 2:
        await message.reply(texts.helpers_usage())
        return
    if status is None and precinct is None:
        total, counts = await helpers.overview()
        await message.reply(helper_renderer.overview(total, counts))
        return
    found, total = await helpers.listing(status, precinct)
    await message.reply(helper_renderer.listing(found, total, status, precinct))


async def card(
    message: Message,
    command: CommandObject,
    bot: Bot,
    chats: ChatService,
    staff_gate: StaffGate,
    desk: DeskService,
    helpers: HelperService,
    helper_renderer: HelperTelegramRenderer,
) -> None:
    """/helper N: one application or helper, with the audit of who changed what."""
    if not await staff_here(message, bot, chats, staff_gate, desk, "helper"):
        return
    number = parse_number(command.args or "")
    helper = await helpers.get(number) if number is not None else None
    if helper is None:
        await message.reply(texts.helper_not_found())
        return
    await message.reply(
        helper_renderer.card(helper, await helpers.history(helper["id"])),
        reply_markup=helper_renderer.keyboard_markup(helper),
    )


async def on_button(
    query: CallbackQuery,
    callback_data: HelperCb,
    bot: Bot,
    chats: ChatService,
    staff_gate: StaffGate,
    admins: AdminGate,
    helpers: HelperService,
    desk: DeskService,
) -> None:
    message = query.message
    if message is None or not await chats.is_main_staff_chat(message.chat.id):
        await query.answer(texts.stale_button())
        return
    what = f"button {callback_data.action} on helper {callback_data.helper}"
    if not await staff_pressed(query, message.chat.id, bot, staff_gate, desk, what):
        return
    action = callback_data.action
    if action == "iin":
        if not await admins.is_admin(bot, query.from_user.id):
            log.warning("full IIN refused to %s (not an admin)", query.from_user.id)
            await query.answer(texts.helper_iin_admins_only(), show_alert=True)
            return
        iin = await helpers.reveal_iin(
            callback_data.helper,
            officer_id=query.from_user.id,
            officer_name=query.from_user.full_name,
        )
        # an alert is shown to the one who pressed, and to nobody else
        await query.answer(
            texts.helper_iin_alert(iin) if iin else texts.stale_button(), show_alert=True
        )
        return
    seen = SEEN_HELPER.get(callback_data.seen)
    if action in ASKS:
        current = await helpers.get(callback_data.helper)
        if current is None or seen is None or current["status"] != seen:
            await query.answer(texts.staff_changed_meanwhile(), show_alert=True)
            return
        asked = await helpers.ask(
            callback_data.helper,
            ASKS[action],
            officer_id=query.from_user.id,
            officer_name=query.from_user.full_name,
            chat_id=message.chat.id,
            reply_to=message.message_id,
        )
        await query.answer(
            texts.staff_reply_with_text() if asked else texts.staff_changed_meanwhile()
        )
        return
    if action not in ACTS or seen is None or await helpers.get(callback_data.helper) is None:
        await query.answer(texts.stale_button())  # forged, or of no application there is
        return
    result = await helpers.act(
        callback_data.helper,
        ACTS[action],
        officer_id=query.from_user.id,
        officer_name=query.from_user.full_name,
        seen=HelperStatus(seen),
    )
    if result.changed:
        await query.answer(texts.staff_done())
    elif result.refused == "own application":
        await query.answer(texts.helper_own_application(), show_alert=True)
    else:
        await query.answer(texts.staff_changed_meanwhile(), show_alert=True)


async def typed_answer(
    message: Message,
    bot: Bot,
    chats: ChatService,
    staff_gate: StaffGate,
    helpers: HelperService,
) -> None:
    """A reply to the bot's request for a registration or a reason; anything else goes on."""
    reply = message.reply_to_message
    if (
        reply is None
        or message.from_user is None
        or reply.from_user is None
        or reply.from_user.id != bot.id
    ):
        raise SkipHandler
    if not await chats.is_main_staff_chat(message.chat.id):
        raise SkipHandler
    asked = await helpers.asked(message.chat.id, reply.message_id)
    if asked is None:
        raise SkipHandler  # a report's request, or a reply to a post: the staff router's
    if not await staff_gate.is_staff(bot, message.from_user.id, message.chat.id):
        return
    helper_id, action, status = asked
    text = (message.text or "").strip()
    if not text:
        await message.reply(texts.staff_note_must_be_text())
        return
    if action is None:
        sent = await helpers.question(
            helper_id,
            text[:1000],
            officer_id=message.from_user.id,
            officer_name=message.from_user.full_name,
        )
        if sent is None:
            await message.reply(texts.staff_changed_meanwhile())
        return
    registration = None
    if action is HelperAction.REGISTER:
        match = REGISTRATION.match(text)
        day = None
        if match:
            try:
                day = datetime.strptime(match.group(2), "%d.%m.%Y").date()
            except ValueError:
                day = None
        if match is None or day is None:
            await message.reply(texts.helper_registration_format())
            return
        registration = (match.group(1), day.isoformat())
    result = await helpers.act(
        helper_id,
        action,
        officer_id=message.from_user.id,
        officer_name=message.from_user.full_name,
        note=text[:500] if action is HelperAction.REJECT else None,
        registration=registration,
        seen=HelperStatus(status),
    )
    if result.refused == "own application":
        await message.reply(texts.helper_own_application())
    elif not result.changed:
        await message.reply(texts.staff_changed_meanwhile())
