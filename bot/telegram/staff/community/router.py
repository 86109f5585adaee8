"""Community surveys in the staff group: /survey and a form makes a draft (both languages shown
side by side, with how many it would reach) that a member sends or discards; /survey lists
them, /survey N shows the results so far, /survey N csv gives them as a table, /survey N close
ends one early."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, FSInputFile, Message

from bot.config import Settings
from bot.domain.community import parse_form
from bot.services.community import CommunitySurveyService
from bot.services.desk import DeskService
from bot.services.directory import DirectoryService
from bot.telegram import texts
from bot.telegram.access import Staff
from bot.telegram.callbacks import SurveyDraftAction, SurveyDraftCb
from bot.telegram.editing import edit_text
from bot.telegram.staff.community.render import TelegramCommunityRenderer
from bot.telegram.staff_members import parse_number

log = logging.getLogger(__name__)


def router() -> Router:
    """Under the staff area (bot.telegram.access): the chat and the role are checked there."""
    r = Router(name="community_staff")
    r.message.register(survey, Command("survey"), Staff("survey"))
    pressed = Staff("survey_{action}", where="main")
    send, discard = SurveyDraftAction.SEND, SurveyDraftAction.DISCARD
    r.callback_query.register(on_send, SurveyDraftCb.filter(F.action == send), pressed)
    r.callback_query.register(on_discard, SurveyDraftCb.filter(F.action == discard), pressed)
    # last: any other press of this prefix is stale
    r.callback_query.register(
        stale, F.data.startswith(SurveyDraftCb.__prefix__ + ":"), Staff("survey", where="main")
    )
    return r


async def survey(
    message: Message,
    command: CommandObject,
    desk: DeskService,
    community: CommunitySurveyService,
    community_renderer: TelegramCommunityRenderer,
    directory: DirectoryService,
    settings: Settings,
) -> None:
    assert message.from_user is not None
    args = (command.args or "").strip()
    if not args:
        await _list(message, community, community_renderer, settings)
        return
    words = args.split()
    number = parse_number(words[0].lstrip("№#")) if len(words) <= 2 else None
    if number is None and len(words) <= 2 and words[0].lstrip("№#").isdigit():
        await message.reply(texts.survey_not_found())  # a number no survey can have
        return
    if number is not None:
        action = words[1].lower() if len(words) == 2 else ""
        if action == "close":
            closed = await community.close(number, message.from_user.full_name)
            if closed:
                await desk.audited(
                    message.from_user.id,
                    message.from_user.full_name,
                    message.chat.id,
                    "survey_close",
                    str(number),
                )
            reply = texts.survey_closed_by_staff(number) if closed else texts.survey_not_open()
            await message.reply(reply)
            return
        if action in ("", "csv"):
            await (_csv if action else _results)(
                message, number, community, community_renderer, directory, settings
            )
            return
    result = parse_form(
        args, community.clock(), settings.zone, {p.id for p in directory.current.precincts}
    )
    if result.draft is None:
        await message.reply(texts.survey_form_problems(result.problems))
        return
    draft, audience = await community.draft(
        result.draft, message.chat.id, message.from_user.id, message.from_user.full_name
    )
    text, markup = community_renderer.preview(draft, audience)
    await message.reply(text, reply_markup=markup)


async def _list(
    message: Message,
    community: CommunitySurveyService,
    renderer: TelegramCommunityRenderer,
    settings: Settings,
) -> None:
    items = await community.recent()
    lines = [texts.survey_form()]
    if items:
        lines += ["", texts.survey_list_title()]
        language = settings.staff_language
        lines += [
            texts.survey_list_line(item, language, renderer.until(item, language)) for item in items
        ]
    for part in texts.chunks("\n".join(lines)):
        await message.reply(part)


async def _results(
    message: Message,
    number: int,
    community: CommunitySurveyService,
    renderer: TelegramCommunityRenderer,
    directory: DirectoryService,
    settings: Settings,
) -> None:
    results = await community.results(number)
    if results is None:
        await message.reply(texts.survey_not_found())
        return
    if results.total.answered:
        try:
            png = await asyncio.to_thread(renderer.chart, results)
        except Exception:  # the figures still go, as text
            log.exception("survey %s: the chart cannot be drawn", number)
        else:
            await message.reply_photo(
                BufferedInputFile(png, f"survey_{number}.png"), caption=renderer.headline(results)
            )
    for part in texts.chunks(renderer.results_text(results)):
        await message.reply(part)


async def _csv(
    message: Message,
    number: int,
    community: CommunitySurveyService,
    renderer: TelegramCommunityRenderer,
    directory: DirectoryService,
    settings: Settings,
) -> None:
    def area_name(precinct_id: str) -> str:
        precinct = directory.current.precinct(precinct_id)
        return precinct.name(settings.staff_language) if precinct else precinct_id

    with tempfile.TemporaryDirectory(prefix="sakshy-survey-") as folder:
        path = Path(folder) / f"sakshy_survey_{number}.csv"
        written = await community.write_csv(number, path, area_name, renderer.min_answers)
        if written is None:
            await message.reply(texts.survey_not_found())
            return
        await message.reply_document(FSInputFile(path), caption=texts.survey_csv_caption(number))


async def stale(query: CallbackQuery) -> None:
    await query.answer(texts.stale_button())


async def on_discard(
    query: CallbackQuery,
    callback_data: SurveyDraftCb,
    desk: DeskService,
    community: CommunitySurveyService,
) -> None:
    message = query.message
    assert isinstance(message, Message)  # the staff area's filter
    number, who = callback_data.survey, query.from_user
    if await community.discard(number):
        await query.answer()
        await desk.audited(who.id, who.full_name, message.chat.id, "survey_discard", str(number))
        await edit_text(message, texts.survey_discarded(number))
    else:
        await query.answer(texts.survey_draft_gone(), show_alert=True)


async def on_send(
    query: CallbackQuery,
    callback_data: SurveyDraftCb,
    desk: DeskService,
    community: CommunitySurveyService,
    community_renderer: TelegramCommunityRenderer,
) -> None:
    message = query.message
    assert isinstance(message, Message)  # the staff area's filter
    number, who = callback_data.survey, query.from_user
    outcome = await community.send(number, who.id, who.full_name)
    if outcome == "gone":
        await query.answer(texts.survey_draft_gone(), show_alert=True)
        return
    if outcome == "ended":
        await query.answer(texts.survey_draft_too_late(), show_alert=True)
        return
    if outcome == "night":
        await query.answer(texts.survey_draft_night(), show_alert=True)
        return
    await query.answer()
    await desk.audited(who.id, who.full_name, message.chat.id, "survey_send", str(number))
    sent = await community.get(number)
    assert sent is not None
    await edit_text(message, community_renderer.sent(sent, who.full_name))
