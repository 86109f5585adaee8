"""Vetting public helpers in the staff group: the buttons under an application, the typed
registration or reason asked for by the bot, and the full IIN for administrators only."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import CallbackQuery, Message

from bot.domain.helpers import HelperAction, HelperStatus
from bot.services.directory import DirectoryService
from bot.services.helpers import HelperService
from bot.telegram import texts
from bot.telegram.access import Staff
from bot.telegram.callbacks import HelperCb, HelperPress
from bot.telegram.staff.helpers.render import SEEN_HELPER, TelegramHelperRenderer
from bot.telegram.staff_members import parse_number

log = logging.getLogger(__name__)

P = HelperPress
#: buttons that act at once
ACTS = {
    P.CHECK: HelperAction.CHECK,
    P.ACTIVATE: HelperAction.ACTIVATE,
    P.SUSPEND: HelperAction.SUSPEND,
    P.RESUME: HelperAction.RESUME,
    P.RETIRE: HelperAction.RETIRE,
}
#: buttons after which the bot asks for a typed answer
ASKS: dict[HelperPress, HelperAction | None] = {
    P.REGISTER: HelperAction.REGISTER,
    P.REJECT: HelperAction.REJECT,
    P.ASK: None,  # a question for the applicant
}
REGISTRATION = re.compile(r"^\s*(\S{1,40})\s+(\d{2}\.\d{2}\.\d{4})\s*$")


def router() -> Router:
    """Under the staff area (bot.telegram.access): the chat and the role are checked there;
    the full IIN is for the group's administrators."""
    r = Router(name="helpers_staff")
    pressed = "button {action} on helper {helper}"
    iin = Staff(pressed, where="main", admin=texts.helper_iin_admins_only)
    r.callback_query.register(reveal_iin, HelperCb.filter(F.action == P.IIN), iin)
    staff = Staff(pressed, where="main")
    for handler, press in (
        (on_check, P.CHECK),
        (on_activate, P.ACTIVATE),
        (on_suspend, P.SUSPEND),
        (on_resume, P.RESUME),
        (on_retire, P.RETIRE),
        (on_register, P.REGISTER),
        (on_reject, P.REJECT),
        (on_ask, P.ASK),
    ):
        r.callback_query.register(handler, HelperCb.filter(F.action == press), staff)
    # last: any other press of this prefix is stale
    r.callback_query.register(
        stale,
        F.data.startswith(HelperCb.__prefix__ + ":"),
        Staff("button on a helper", where="main"),
    )
    r.message.register(listing, Command("helpers"), Staff("helpers"))
    r.message.register(card, Command("helper"), Staff("helper"))
    # the answer to the bot's request: a refusal is silent, as for any words in the group
    r.message.register(typed_answer, Staff(where="main"), AnswerToRequest())
    return r


class AnswerToRequest(Filter):
    """A reply to the bot's request for a registration, a reason or a question (anything
    else goes on: a report's request or a reply to a post is the staff router's). Gives the
    handler `asked`: the helper, the action and the status the request was made in."""

    async def __call__(
        self, message: Message, bot: Bot, helpers: HelperService
    ) -> bool | dict[str, Any]:
        reply = message.reply_to_message
        if reply is None or reply.from_user is None or reply.from_user.id != bot.id:
            return False
        asked = await helpers.asked(message.chat.id, reply.message_id)
        return False if asked is None else {"asked": asked}


async def listing(
    message: Message,
    command: CommandObject,
    helpers: HelperService,
    helper_renderer: TelegramHelperRenderer,
    directory: DirectoryService,
) -> None:
    """/helpers: counts per precinct and state; /helpers [status] [precinct]: the people."""
    words = (command.args or "").split()
    statuses = {s.value for s in HelperStatus}
    status: HelperStatus | None = None
    precinct: str | None = None
    for word in words[:2]:
        if word.lower() in statuses and status is None:
            status = HelperStatus(word.lower())
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
    helpers: HelperService,
    helper_renderer: TelegramHelperRenderer,
) -> None:
    """/helper N: one application or helper, with the audit of who changed what."""
    number = parse_number(command.args or "")
    helper = await helpers.get(number) if number is not None else None
    if helper is None:
        await message.reply(texts.helper_not_found())
        return
    await message.reply(
        helper_renderer.card(helper, await helpers.history(helper.id)),
        reply_markup=helper_renderer.keyboard_markup(helper),
    )


async def reveal_iin(query: CallbackQuery, callback_data: HelperCb, helpers: HelperService) -> None:
    """The full IIN, to an administrator (the staff area's guard checked that)."""
    iin = await helpers.reveal_iin(
        callback_data.helper,
        officer_id=query.from_user.id,
        officer_name=query.from_user.full_name,
    )
    # an alert is shown to the one who pressed, and to nobody else
    await query.answer(
        texts.helper_iin_alert(iin) if iin else texts.stale_button(), show_alert=True
    )


async def stale(query: CallbackQuery) -> None:
    await query.answer(texts.stale_button())


async def _ask(
    query: CallbackQuery, callback_data: HelperCb, helpers: HelperService, press: HelperPress
) -> None:
    """The bot asks for a typed answer, in reply to the application's post."""
    message = query.message
    assert message is not None  # the staff area's filter
    seen = SEEN_HELPER.get(callback_data.seen)
    current = await helpers.get(callback_data.helper)
    if current is None or seen is None or current.status != seen:
        await query.answer(texts.staff_changed_meanwhile(), show_alert=True)
        return
    asked = await helpers.ask(
        callback_data.helper,
        ASKS[press],
        officer_id=query.from_user.id,
        officer_name=query.from_user.full_name,
        chat_id=message.chat.id,
        reply_to=message.message_id,
    )
    await query.answer(texts.staff_reply_with_text() if asked else texts.staff_changed_meanwhile())


async def on_register(
    query: CallbackQuery, callback_data: HelperCb, helpers: HelperService
) -> None:
    await _ask(query, callback_data, helpers, P.REGISTER)


async def on_reject(query: CallbackQuery, callback_data: HelperCb, helpers: HelperService) -> None:
    await _ask(query, callback_data, helpers, P.REJECT)


async def on_ask(query: CallbackQuery, callback_data: HelperCb, helpers: HelperService) -> None:
    await _ask(query, callback_data, helpers, P.ASK)


async def _act(
    query: CallbackQuery, callback_data: HelperCb, helpers: HelperService, press: HelperPress
) -> None:
    """A button that acts at once: done, or why not."""
    seen = SEEN_HELPER.get(callback_data.seen)
    if seen is None or await helpers.get(callback_data.helper) is None:
        await query.answer(texts.stale_button())  # forged, or of no application there is
        return
    result = await helpers.act(
        callback_data.helper,
        ACTS[press],
        officer_id=query.from_user.id,
        officer_name=query.from_user.full_name,
        seen=seen,
    )
    if result.changed:
        await query.answer(texts.staff_done())
    elif result.refused == "own application":
        await query.answer(texts.helper_own_application(), show_alert=True)
    else:
        await query.answer(texts.staff_changed_meanwhile(), show_alert=True)


async def on_check(query: CallbackQuery, callback_data: HelperCb, helpers: HelperService) -> None:
    await _act(query, callback_data, helpers, P.CHECK)


async def on_activate(
    query: CallbackQuery, callback_data: HelperCb, helpers: HelperService
) -> None:
    await _act(query, callback_data, helpers, P.ACTIVATE)


async def on_suspend(query: CallbackQuery, callback_data: HelperCb, helpers: HelperService) -> None:
    await _act(query, callback_data, helpers, P.SUSPEND)


async def on_resume(query: CallbackQuery, callback_data: HelperCb, helpers: HelperService) -> None:
    await _act(query, callback_data, helpers, P.RESUME)


async def on_retire(query: CallbackQuery, callback_data: HelperCb, helpers: HelperService) -> None:
    await _act(query, callback_data, helpers, P.RETIRE)


async def typed_answer(
    message: Message, helpers: HelperService, asked: tuple[int, HelperAction | None, str]
) -> None:
    """A reply to the bot's request for a registration, a reason or a question."""
    assert message.from_user is not None  # the staff area's guard
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
