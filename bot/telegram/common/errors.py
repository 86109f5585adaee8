"""One error router: log, tell the user in their language that nothing was lost, never leak."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import I18n

from bot.domain.users import pick_language
from bot.services.inbox import Inbox
from bot.services.incidents import IncidentService
from bot.services.users import UserService
from bot.telegram import texts

log = logging.getLogger(__name__)


def router() -> Router:
    r = Router(name="errors")
    r.errors.register(on_error)
    return r


async def on_error(
    event: ErrorEvent,
    bot: Bot,
    users: UserService,
    incidents: IncidentService,
    i18n: I18n,
    inbox: Inbox,
) -> None:
    await _on_error(event, bot, users, incidents, i18n)
    # recorded: not replayed. If recording failed, it stays waiting for the next start.
    await asyncio.shield(inbox.handled(event.update.update_id))


async def _on_error(
    event: ErrorEvent, bot: Bot, users: UserService, incidents: IncidentService, i18n: I18n
) -> None:
    update = event.update
    exc = event.exception
    message = update.message or update.edited_message
    query = update.callback_query
    tg_user = (message.from_user if message else None) or (query.from_user if query else None)
    chat = message.chat if message else (query.message.chat if query and query.message else None)

    private = chat is None or chat.type == "private"
    if isinstance(exc, TelegramForbiddenError) and tg_user is not None and private:
        log.info("update %s: user %s is unreachable (%s)", update.update_id, tg_user.id, exc)
        await users.mark_unreachable(tg_user.id)
        return
    log.error(
        "update %s failed: %s: %s",
        update.update_id,
        type(exc).__name__,
        exc,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    stored = await users.get(tg_user.id) if tg_user else None
    kept = await incidents.keep_failed_update(
        update.update_id,
        tg_user.id if tg_user else None,
        chat.id if chat else None,
        # aiogram's Default placeholders have no JSON form: keep them out, keep the rest
        update.model_dump(
            mode="json", exclude_none=True, by_alias=True, fallback=lambda _value: None
        ),
        exc,
        has_consent=stored is not None and stored.has_consent,
    )
    if tg_user is None:
        return
    locale = (
        stored.language if stored else pick_language(tg_user.language_code, i18n.default_locale)
    )
    with i18n.context(), i18n.use_locale(locale):
        text = texts.something_went_wrong() if kept else texts.something_went_wrong_resend()
        try:
            if query is not None:
                short = texts.something_went_wrong_short() if kept else texts.try_again_short()
                await query.answer(short, show_alert=True)
            elif chat is not None and chat.type == "private":
                await bot.send_message(chat.id, text)
        except TelegramForbiddenError:
            await users.mark_unreachable(tg_user.id)
        except TelegramAPIError as second:
            log.warning(
                "update %s: could not tell the user about the error: %s", update.update_id, second
            )
