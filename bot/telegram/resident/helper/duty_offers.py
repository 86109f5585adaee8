"""The helper's side of duties: Accept and Decline under an offer, Withdraw, «I am here» and
«Check out», a location shared while on duty, and /myduties."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.domain.duties import Duty, DutyStatus, OfferState, may_withdraw
from bot.domain.users import User
from bot.services.duties import Answer, CheckIn, DutyService
from bot.telegram import texts
from bot.telegram.callbacks import DutyAction, DutyCb
from bot.telegram.editing import drop_inline_keyboard, edit_text
from bot.telegram.filters import OnMessage
from bot.telegram.staff.duties.render import TelegramDutyRenderer


def router() -> Router:
    r = Router(name="duties")
    on = r.callback_query.register
    on(on_accept, DutyCb.filter(F.action == DutyAction.ACCEPT), OnMessage())
    on(on_decline, DutyCb.filter(F.action == DutyAction.DECLINE), OnMessage())
    on(on_withdraw, DutyCb.filter(F.action == DutyAction.WITHDRAW), OnMessage())
    on(on_here, DutyCb.filter(F.action == DutyAction.HERE), OnMessage())
    on(on_out, DutyCb.filter(F.action == DutyAction.OUT), OnMessage())
    on(stale, DutyCb.filter())  # anything else of this prefix, last
    r.message.register(mine, Command("myduties"))
    r.message.register(located, F.location)
    return r


async def stale(query: CallbackQuery) -> None:
    await query.answer(texts.stale_button())


def _withdraw_keyboard(duty_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=texts.duty_withdraw_button(),
                    callback_data=DutyCb(action=DutyAction.WITHDRAW, duty=duty_id).pack(),
                )
            ]
        ]
    )


async def on_accept(
    query: CallbackQuery,
    message: Message,
    callback_data: DutyCb,
    user: User,
    duties: DutyService,
    duty_renderer: TelegramDutyRenderer,
) -> None:
    await _answer(query, message, callback_data.duty, user, duties, duty_renderer, accept=True)


async def on_decline(
    query: CallbackQuery,
    message: Message,
    callback_data: DutyCb,
    user: User,
    duties: DutyService,
    duty_renderer: TelegramDutyRenderer,
) -> None:
    await _answer(query, message, callback_data.duty, user, duties, duty_renderer, accept=False)


async def _answer(
    query: CallbackQuery,
    message: Message,
    duty_id: int,
    user: User,
    duties: DutyService,
    duty_renderer: TelegramDutyRenderer,
    *,
    accept: bool,
) -> None:
    """Accept or Decline under an offer: the offer is edited to say what was chosen, or the
    refusal is shown in an alert."""
    outcome = await duties.answer(user.id, duty_id, accept=accept)
    duty = outcome.duty
    if outcome.answer in (Answer.ACCEPTED, Answer.DECLINED) and duty is not None:
        await query.answer()
        body = duty_renderer.offer_text(duty, user.language)
        if outcome.answer is Answer.ACCEPTED:
            if may_withdraw(duties.clock(), duty.starts_at, duties.rules.withdraw_hours):
                note = texts.duty_accepted(duties.rules.withdraw_hours)
                keyboard = _withdraw_keyboard(duty_id)
            else:  # too close to the start to give the seat back through the bot
                note, keyboard = texts.duty_accepted_late(duty.leader_phone), None
            await edit_text(message, body + "\n\n" + note, keyboard)
        else:
            await edit_text(message, body + "\n\n" + texts.duty_declined())
        return
    await query.answer(
        _refusal(outcome.answer, outcome.duty, outcome.other, duties), show_alert=True
    )
    if (
        outcome.answer in (Answer.FULL, Answer.OVER, Answer.STALE, Answer.NOT_ACTIVE)
        and not outcome.outbox_edits
    ):
        await drop_inline_keyboard(message)


async def on_withdraw(
    query: CallbackQuery,
    message: Message,
    callback_data: DutyCb,
    user: User,
    duties: DutyService,
    duty_renderer: TelegramDutyRenderer,
) -> None:
    outcome = await duties.withdraw(user.id, callback_data.duty)
    if outcome.answer is Answer.WITHDRAWN and outcome.duty is not None:
        await query.answer()
        body = duty_renderer.offer_text(outcome.duty, user.language)
        await edit_text(message, body + "\n\n" + texts.duty_withdrawn())
        return
    await query.answer(_refusal(outcome.answer, outcome.duty, None, duties), show_alert=True)
    if outcome.answer in (Answer.OVER, Answer.STALE):
        await drop_inline_keyboard(message)


async def on_here(
    query: CallbackQuery, message: Message, callback_data: DutyCb, user: User, duties: DutyService
) -> None:
    """«I am here» under the check-in prompt."""
    result, _duty = await duties.check_in(user.id, callback_data.duty)
    if result is CheckIn.NOT_YET:
        await query.answer(texts.duty_check_in_not_yet(), show_alert=True)
        return
    await query.answer()
    await drop_inline_keyboard(message)
    if result is CheckIn.DONE:
        await message.answer(texts.duty_checked_in(callback_data.duty))
    elif result is CheckIn.ALREADY:
        await message.answer(texts.duty_already_here())
    else:
        await message.answer(texts.duty_nothing_now())


async def on_out(
    query: CallbackQuery, message: Message, callback_data: DutyCb, user: User, duties: DutyService
) -> None:
    """«Check out» at the end of a duty."""
    minutes, _duty = await duties.check_out(user.id, callback_data.duty)
    await query.answer()
    await drop_inline_keyboard(message)
    if minutes is None:
        await message.answer(texts.duty_nothing_to_check_out())
    else:
        await message.answer(texts.duty_checked_out(texts.duration(minutes)))


def _refusal(answer: Answer, duty: Duty | None, other: int | None, duties: DutyService) -> str:
    if answer is Answer.FULL:
        return texts.duty_full()
    if answer is Answer.ALREADY:
        return texts.duty_already_yours()
    if answer is Answer.COLLIDES:
        return texts.duty_collides(other or 0)
    if answer is Answer.TOO_LATE and duty is not None:
        return texts.duty_too_late(duties.rules.withdraw_hours, duty.leader_phone)
    if answer is Answer.OVER:
        return texts.duty_over()
    if answer is Answer.NOT_ACTIVE:
        return texts.duty_not_active()
    return texts.stale_button()


async def located(
    message: Message, user: User, duties: DutyService, duty_renderer: TelegramDutyRenderer
) -> None:
    """A location from a helper on duty now is their check-in place; anyone else's goes on to
    the inspector lookup."""
    assert message.location is not None
    found = await duties.located(user.id, message.location.latitude, message.location.longitude)
    if found is None:
        raise SkipHandler
    duty, metres = found
    if metres > duties.rules.radius_m:
        place = duty_renderer.place(duty, user.language)
        await message.answer(texts.duty_far(metres, duties.rules.radius_m, place))
    else:
        await message.answer(texts.duty_near(metres))


async def mine(
    message: Message, user: User, duties: DutyService, duty_renderer: TelegramDutyRenderer
) -> None:
    """/myduties: the duties this person took, upcoming first, and the hours served."""
    rows = await duties.mine(user.id)
    if not rows:
        await message.answer(texts.duty_none_mine())
        return
    now = duties.clock()
    upcoming = [r for r in rows if r.duty.ends_at > now and r.duty.status is DutyStatus.OPEN]
    past = [r for r in rows if r not in upcoming]
    lines = []
    if upcoming:
        lines.append(texts.duty_upcoming_title())
        for row in reversed(upcoming):
            lines.append(f"• № {row.duty.id} · {duty_renderer.when(row.duty, user.language)}")
    if past:
        lines.append(texts.duty_past_title())
        for row in past:
            if row.duty.status is DutyStatus.CANCELLED:
                what = texts.duty_state_cancelled()
            elif row.state is OfferState.NO_SHOW:
                what = texts.duty_state_no_show()
            else:
                what = texts.duration(row.minutes or 0)
            duty = row.duty
            lines.append(f"• № {duty.id} · {duty_renderer.when(duty, user.language)} · {what}")
    total = await duties.minutes_served(user.id)
    lines.append("")
    lines.append(texts.duty_total(texts.duration(total)))
    await message.answer("\n".join(lines))
