"""A resident's answer to a community survey: one per person, changeable until the end."""

from __future__ import annotations

from dataclasses import replace

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.domain.community import SurveyRecipient, SurveyStatus
from bot.domain.users import User
from bot.services.community import Answer, CommunitySurveyService
from bot.telegram import texts
from bot.telegram.callbacks import CommunityCb
from bot.telegram.editing import edit_text
from bot.telegram.staff.community.render import TelegramCommunityRenderer


def router() -> Router:
    r = Router(name="community")
    r.callback_query.register(on_answer, CommunityCb.filter())
    return r


async def on_answer(
    query: CallbackQuery,
    callback_data: CommunityCb,
    user: User,
    community: CommunitySurveyService,
    community_renderer: TelegramCommunityRenderer,
) -> None:
    outcome = await community.answer(user.id, callback_data.survey, callback_data.option)
    if outcome.answer is Answer.NOT_YOURS or outcome.survey is None:
        await query.answer(texts.stale_button())
        return
    # an ended survey keeps no link to whom it was sent for: shown in the presser's language
    recipient = outcome.recipient or SurveyRecipient(
        outcome.survey.id, user.id, None, user.language
    )
    notes = {
        Answer.STORED: texts.csurvey_thanks(),
        Answer.CHANGED: texts.csurvey_changed(),
        Answer.SAME: texts.csurvey_same(),
        Answer.CLOSED: texts.csurvey_closed(),
    }
    await query.answer(notes[outcome.answer])
    if outcome.answer is Answer.SAME or not isinstance(query.message, Message):
        return
    survey = outcome.survey
    if outcome.answer is Answer.CLOSED:
        # its end time has passed: shown as ended, no buttons
        survey = replace(survey, status=SurveyStatus.CLOSED)
    text, markup = community_renderer.resident_view(survey, recipient, outcome.option)
    await edit_text(query.message, text, markup)
