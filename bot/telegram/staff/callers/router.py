"""/phone and /walkin: a duty officer files a report for a caller, from the staff group or a
precinct's chat. Every problem of the form is named at once; a good form gives the officer the
caller's one-time claim code to read out."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.config import Settings
from bot.domain.categories import Category
from bot.domain.phone_reports import Channel, parse_phone_form, shown_code
from bot.services.reports import ReportRefused, ReportService
from bot.telegram import texts as common
from bot.telegram.access import Staff
from bot.telegram.staff.callers import texts


def router() -> Router:
    r = Router(name="staff_callers")
    r.message.register(phone, Command("phone", "walkin"), Staff("phone", where="posts"))
    return r


async def phone(
    message: Message,
    command: CommandObject,
    reports: ReportService,
    categories: tuple[Category, ...],
    settings: Settings,
) -> None:
    assert message.from_user is not None
    channel = Channel.WALKIN if command.command == "walkin" else Channel.PHONE
    if not (command.args or "").strip():
        codes = ", ".join(f"<code>{c.key}</code>" for c in categories)
        await message.reply(texts.caller_form().format(codes=codes))
        return
    form = parse_phone_form(command.args or "", {c.key for c in categories}, settings.area)
    if form.draft is None:
        await message.reply(
            texts.caller_problems([(code, escape(detail)) for code, detail in form.problems])
        )
        return
    try:
        report, code = await reports.submission.for_caller(
            form.draft,
            form.name,
            channel.value,
            settings.staff_language,
            message.from_user.id,
            message.from_user.full_name,
        )
    except ReportRefused:
        await message.reply(common.reports_not_accepted_yet())
        return
    await message.reply(texts.caller_filed(report.id, shown_code(code)))
