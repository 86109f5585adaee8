"""The satisfaction survey after a resolved report: was it solved, a 1-5 rating, a comment.
The first question arrives through the outbox (a follow-up); the rest are immediate answers."""

from __future__ import annotations

from datetime import timedelta

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.domain.users import User
from bot.services.surveys import SOLVED, Answer, SurveyService
from bot.telegram import texts
from bot.telegram.buttons import main_menu
from bot.telegram.callbacks import RATINGS, SurveyCb, SurveyStep
from bot.telegram.editing import edit_text


class SurveyComment(StatesGroup):
    writing = State()  # data: {"report": number}


#: how long the comment step waits for the resident's text
COMMENT_WINDOW = timedelta(hours=12)


def router() -> Router:
    r = Router(name="survey")
    r.callback_query.register(
        solved, SurveyCb.filter((F.step == SurveyStep.SOLVED) & F.value.in_(SOLVED))
    )
    r.callback_query.register(
        rated, SurveyCb.filter((F.step == SurveyStep.RATING) & F.value.in_(RATINGS))
    )
    r.callback_query.register(no_comment, SurveyCb.filter(F.step == SurveyStep.NO_COMMENT))
    r.callback_query.register(stale, SurveyCb.filter())  # last: what matched nothing above
    writing = StateFilter(SurveyComment.writing)
    r.message.register(comment, writing, F.text, ~F.text.startswith("/"))
    r.message.register(comment_expected, writing, ~F.text.startswith("/"))
    return r


def _rating_keyboard(report: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=f"{n} ⭐",
                    callback_data=SurveyCb(
                        step=SurveyStep.RATING, report=report, value=str(n)
                    ).pack(),
                )
                for n in range(1, 6)
            ]
        ]
    )


def _skip_keyboard(report: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=texts.survey_no_comment(),
                    callback_data=SurveyCb(
                        step=SurveyStep.NO_COMMENT, report=report, value="-"
                    ).pack(),
                )
            ]
        ]
    )


async def stale(query: CallbackQuery) -> None:
    await query.answer(texts.stale_button())


async def solved(
    query: CallbackQuery, callback_data: SurveyCb, user: User, surveys: SurveyService
) -> None:
    report = callback_data.report
    outcome, answered = await surveys.answer(user.id, report, "solved", callback_data.value)
    if outcome is Answer.NOT_YOURS:
        await query.answer(texts.stale_button())
        return
    if outcome is not Answer.STORED or answered is None:
        await query.answer(texts.survey_already(), show_alert=outcome is Answer.ALREADY)
        return
    await query.answer()
    if isinstance(query.message, Message):
        text = texts.survey_rate(report, answered.reopened)
        await edit_text(query.message, text, _rating_keyboard(report))


async def rated(
    query: CallbackQuery,
    callback_data: SurveyCb,
    state: FSMContext,
    user: User,
    surveys: SurveyService,
) -> None:
    report = callback_data.report
    outcome, _ = await surveys.answer(user.id, report, "rating", int(callback_data.value))
    if outcome is not Answer.STORED:
        await query.answer(
            texts.stale_button() if outcome is Answer.NOT_YOURS else texts.survey_already()
        )
        return
    await query.answer()
    message = query.message
    if await state.get_state() is not None:
        # in the middle of something else (a new report …): no comment step, no lost draft
        if isinstance(message, Message):
            await edit_text(message, texts.survey_thanks(), None)
        return
    until = (surveys.clock() + COMMENT_WINDOW).isoformat()
    await state.set_state(SurveyComment.writing)
    await state.set_data({"report": report, "until": until})
    if isinstance(message, Message):
        await edit_text(message, texts.survey_comment_ask(report), _skip_keyboard(report))


async def no_comment(query: CallbackQuery, state: FSMContext) -> None:
    await query.answer()
    if await state.get_state() == SurveyComment.writing.state:
        await state.clear()
    if isinstance(query.message, Message):
        await edit_text(query.message, texts.survey_thanks(), None)


async def comment(message: Message, state: FSMContext, user: User, surveys: SurveyService) -> None:
    report = int((await state.get_data()).get("report") or 0)
    await state.clear()
    await surveys.answer(user.id, report, "comment", message.text or "")
    await message.answer(texts.survey_thanks(), reply_markup=main_menu())


async def comment_expected(message: Message) -> None:
    await message.answer(texts.survey_comment_expected())
