"""An outside body's chat: the buttons under a referred report's post (accept, answer,
close) and the answer written in reply to the bot's question. Any member of the body's chat
acts for the body; the service checks that the referral is this body's and still open."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.services.referrals import MAX_ANSWER, ReferralService, Refused, Step
from bot.telegram.callbacks import BodyAction, BodyCb
from bot.telegram.partner.referrals import texts


def router() -> Router:
    """Under the partner area (bot.telegram.access): the body's chat is checked there."""
    r = Router(name="partner_referrals")
    r.callback_query.register(on_accept, BodyCb.filter(F.action == BodyAction.ACCEPT))
    r.callback_query.register(on_answer, BodyCb.filter(F.action == BodyAction.ANSWER))
    r.callback_query.register(on_close, BodyCb.filter(F.action == BodyAction.CLOSE))
    r.callback_query.register(stale)
    r.message.register(answer, AnswerToBot())
    return r


def _refusal(step: Step) -> str | None:
    if step.refused is Refused.CLOSED:
        return texts.already_closed()
    if step.refused is not None:
        return texts.not_this_chat()
    return None


async def on_accept(
    query: CallbackQuery, callback_data: BodyCb, referrals: ReferralService
) -> None:
    assert query.message is not None  # the area's filter
    step = await referrals.accept(
        callback_data.referral, query.message.chat.id, query.from_user.id,
        query.from_user.full_name,
    )  # fmt: skip
    refused = _refusal(step)
    await query.answer(refused or texts.accepted(), show_alert=refused is not None)


async def on_answer(
    query: CallbackQuery, callback_data: BodyCb, referrals: ReferralService
) -> None:
    assert query.message is not None
    step = await referrals.ask_answer(callback_data.referral, query.message.chat.id)
    refused = _refusal(step)
    await query.answer(refused or texts.reply_with_answer(), show_alert=refused is not None)


async def on_close(query: CallbackQuery, callback_data: BodyCb, referrals: ReferralService) -> None:
    assert query.message is not None
    step = await referrals.finish(
        callback_data.referral, query.message.chat.id, query.from_user.id,
        query.from_user.full_name, None,
    )  # fmt: skip
    refused = _refusal(step)
    await query.answer(refused or texts.closed(), show_alert=refused is not None)


async def stale(query: CallbackQuery) -> None:
    """Any other press here: not a button this release knows."""
    await query.answer(texts.already_closed(), show_alert=True)


class AnswerToBot(Filter):
    """A reply to the bot's question for an appeal's answer: gives the handler `referral_id`."""

    async def __call__(
        self, message: Message, bot: Bot, referrals: ReferralService
    ) -> bool | dict[str, int]:
        reply = message.reply_to_message
        if reply is None or reply.from_user is None or reply.from_user.id != bot.id:
            return False
        referral_id = await referrals.asked(message.chat.id, reply.message_id)
        return False if referral_id is None else {"referral_id": referral_id}


async def answer(message: Message, referral_id: int, referrals: ReferralService) -> None:
    assert message.from_user is not None
    text = (message.text or "").strip()
    if not text:
        await message.reply(texts.answer_text_only())
        return
    if len(text) > MAX_ANSWER:
        await message.reply(texts.answer_too_long(MAX_ANSWER))
        return
    step = await referrals.finish(
        referral_id, message.chat.id, message.from_user.id, message.from_user.full_name, text
    )
    await message.reply(_refusal(step) or texts.answered())
