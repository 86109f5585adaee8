"""/claim CODE: a caller links, in Telegram, the report an officer took from them by phone or
in person; from then on its updates reach them here. A wrong or used code is refused the same
way, never saying whether a report exists; five wrong codes in an hour, and no more tries."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.domain.users import User
from bot.services.reports import ReportService
from bot.telegram import texts as common
from bot.telegram.resident.claim import texts


def router() -> Router:
    r = Router(name="claim")
    r.message.register(claim, Command("claim"))
    return r


async def claim(
    message: Message, command: CommandObject, user: User, reports: ReportService
) -> None:
    code = "".join(ch for ch in (command.args or "") if ch.isdigit())
    if not code:
        await message.reply(texts.claim_usage())
        return
    if not user.has_consent:
        await message.reply(common.report_consent_needed())
        return
    if reports.submission.claims_left(user.id) <= 0:
        await message.reply(texts.claim_too_many())
        return
    report = await reports.submission.claim(user, code)
    if report is None:
        await message.reply(texts.claim_refused())
    # a claimed report: the bot's message about it comes from the outbox
