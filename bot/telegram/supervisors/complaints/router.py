"""The complaints chat: the buttons under a complaint's post (take, write, answer) and the
supervisors' replies to the bot's messages there. Only the complaints chat reaches these
handlers (`supervisors_area`, bot/telegram/access.py), and only its members act; the service
checks that the complaint is this chat's and still open."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter
from aiogram.types import CallbackQuery, Message

from bot.domain.complaints import MAX_ANSWER, ComplaintRefused, ComplaintStep
from bot.services.complaints import ANSWER, WRITE, ComplaintService
from bot.telegram.callbacks import ComplaintAction, ComplaintCb
from bot.telegram.common.relay import relayed
from bot.telegram.supervisors.complaints import texts


def router() -> Router:
    r = Router(name="supervisors_complaints")
    r.callback_query.register(on_take, ComplaintCb.filter(F.action == ComplaintAction.TAKE))
    r.callback_query.register(
        on_ask, ComplaintCb.filter(F.action.in_({ComplaintAction.WRITE, ComplaintAction.ANSWER}))
    )
    r.callback_query.register(stale)
    r.message.register(reply, ReplyToBot())
    r.message.register(chat_help, Command("help"))
    return r


async def chat_help(message: Message) -> None:
    await message.reply(texts.chat_help())


def _refusal(step: ComplaintStep) -> str | None:
    if step.refused is ComplaintRefused.CLOSED:
        return texts.already_answered()
    if step.refused is ComplaintRefused.TAKEN:
        return texts.already_taken()
    if step.refused is not None:
        return texts.unknown()
    return None


async def on_take(
    query: CallbackQuery, callback_data: ComplaintCb, complaints: ComplaintService
) -> None:
    assert query.message is not None  # the area's filter
    step = await complaints.take(
        callback_data.complaint, query.message.chat.id, query.from_user.id,
        query.from_user.full_name,
    )  # fmt: skip
    refused = _refusal(step)
    await query.answer(refused or texts.taken(), show_alert=refused is not None)


async def on_ask(
    query: CallbackQuery, callback_data: ComplaintCb, complaints: ComplaintService
) -> None:
    assert query.message is not None
    what = ANSWER if callback_data.action is ComplaintAction.ANSWER else WRITE
    step = await complaints.ask(
        callback_data.complaint, query.message.chat.id, what, query.from_user.id,
        query.from_user.full_name,
    )  # fmt: skip
    refused = _refusal(step)
    await query.answer(refused or texts.reply_with_text(), show_alert=refused is not None)


async def stale(query: CallbackQuery) -> None:
    """Any other press here: not a button this release knows."""
    await query.answer(texts.unknown(), show_alert=True)


class ReplyToBot(Filter):
    """A reply to one of the bot's messages about a complaint: gives the handler
    `complaint_id` and `what` (ANSWER or WRITE)."""

    async def __call__(
        self, message: Message, bot: Bot, complaints: ComplaintService
    ) -> bool | dict[str, object]:
        to = message.reply_to_message
        if to is None or to.from_user is None or to.from_user.id != bot.id:
            return False
        if (message.text or "").startswith("/"):
            return False  # a command in reply is the command's, never words for the resident
        found = await complaints.replied_to(message.chat.id, to.message_id)
        if found is None:
            return False
        return {"complaint_id": found[0], "what": found[1]}


async def reply(
    message: Message, complaint_id: int, what: str, complaints: ComplaintService
) -> None:
    assert message.from_user is not None
    if what == ANSWER:
        text = (message.text or "").strip()
        if not text:
            await message.reply(texts.answer_text_only())
            return
        if len(text) > MAX_ANSWER:
            await message.reply(texts.answer_too_long(MAX_ANSWER))
            return
        step = await complaints.answer(
            complaint_id, message.chat.id, message.from_user.id, message.from_user.full_name,
            text,
        )  # fmt: skip
        await message.reply(_refusal(step) or texts.answered())
        return
    step = await complaints.write(complaint_id, relayed(message))
    refused = _refusal(step)
    if refused is not None:
        await message.reply(refused)
    # passed on: the message gets a 👌 reaction when the resident has it (on delivery)
