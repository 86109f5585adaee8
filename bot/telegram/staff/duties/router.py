"""Duties in the staff group: /duty (the form, or a duty's card), /cancelduty, /hours and
/noshow. The work is DutyService's; this only reads the command and words the answer."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from babel.dates import format_date

from bot.config import Settings
from bot.domain.duties import changed_form, form_of, parse_form
from bot.domain.users import User
from bot.services.directory import DirectoryService
from bot.services.duties import DutyService
from bot.telegram import texts
from bot.telegram.access import Staff
from bot.telegram.staff.duties.render import TelegramDutyRenderer
from bot.telegram.staff_members import parse_number

PHONES = {"phones", "телефондар", "телефоны"}
log = logging.getLogger(__name__)
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
HOURS = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?$")


def router() -> Router:
    """Under the staff area (bot.telegram.access): the chat and the role are checked there."""
    r = Router(name="duties_staff")
    r.message.register(duty, Command("duty"), Staff("duty"))
    r.message.register(cancel, Command("cancelduty"), Staff("cancelduty"))
    r.message.register(hours, Command("hours"), Staff("hours"))
    r.message.register(no_show, Command("noshow"), Staff("noshow"))
    return r


async def duty(
    message: Message,
    command: CommandObject,
    bot: Bot,
    duties: DutyService,
    duty_renderer: TelegramDutyRenderer,
    directory: DirectoryService,
    settings: Settings,
    user: User | None,
) -> None:
    """/duty: the form to fill; /duty with the form filled in: a new duty; /duty N: its card."""
    args = (command.args or "").strip()
    if not args:
        await message.reply(texts.duty_form())
        return
    first_line, _, rest = args.partition("\n")
    words = args.split()
    numbered = len(words) <= 2 or rest.strip()  # /duty N, /duty N phones, /duty N + lines
    if numbered and words[0].lstrip("№#").isdigit() and parse_number(words[0]) is None:
        await message.reply(texts.duty_not_found())  # a number no duty can have
        return
    if parse_number(first_line) is not None and rest.strip():  # /duty N and the lines to change
        await _change(message, parse_number(first_line), rest, duties, directory, settings)  # type: ignore[arg-type]
        return
    number = parse_number(words[0]) if len(words) <= 2 else None
    if number is not None and (len(words) == 1 or words[1].lower() in PHONES):
        found = await duties.card(number)
        if found is None:
            await message.reply(texts.duty_not_found())
            return
        if len(words) == 1:  # in the group: the phones masked
            for part in texts.chunks(duty_renderer.staff_text(*found, with_phones=False)):
                await message.reply(part)
            return
        # the phones go to the officer who asked, in private, and the look is logged
        assert message.from_user is not None
        if user is None or user.blocked_bot:  # never wrote to the bot: Telegram would refuse
            await message.reply(texts.duty_phones_start_first())
            return
        try:
            for part in texts.chunks(duty_renderer.staff_text(*found, with_phones=True)):
                await bot.send_message(message.from_user.id, part)
        except (TelegramForbiddenError, TelegramBadRequest):
            await message.reply(texts.duty_phones_start_first())
            return
        log.info("duty %s: phones sent to officer %s", number, message.from_user.id)
        await message.reply(texts.duty_phones_sent())
        return
    result = parse_form(args, duties.clock(), settings.zone, directory.current, settings.area)
    if result.draft is None:
        await message.reply(texts.duty_form_problems(result.problems))
        return
    assert message.from_user is not None
    created = await duties.create(result.draft, message.from_user.id, message.from_user.full_name)
    waits = duties.offers_wait_until(created)
    await message.reply(texts.duty_created(created.id, waits, settings.zone))


async def _change(
    message: Message,
    number: int,
    lines: str,
    duties: DutyService,
    directory: DirectoryService,
    settings: Settings,
) -> None:
    found = await duties.card(number)
    if found is None:
        await message.reply(texts.duty_not_found())
        return
    current = form_of(duties.form_values(found[0]))
    text, changed = changed_form(current, lines)
    if not changed:
        await message.reply(texts.duty_change_usage())
        return
    result = parse_form(text, duties.clock(), settings.zone, directory.current, settings.area)
    if result.draft is None:
        await message.reply(texts.duty_form_problems(result.problems, created=False))
        return
    outcome, _duty = await duties.change(number, result.draft)
    if outcome == "gone":
        await message.reply(texts.duty_not_open())
    elif outcome == "seats":
        await message.reply(texts.duty_fewer_seats_than_taken())
    else:
        await message.reply(texts.duty_changed_staff(number))


async def cancel(
    message: Message,
    command: CommandObject,
    duties: DutyService,
) -> None:
    """/cancelduty N reason: everyone who took a seat is told the reason."""
    number_text, _, reason = (command.args or "").strip().partition(" ")
    number = parse_number(number_text)
    reason = " ".join(reason.split())[:300]
    if number is None or not reason:
        await message.reply(texts.duty_cancel_usage())
        return
    cancelled = await duties.cancel(number, reason)
    if cancelled is None:
        await message.reply(texts.duty_not_open())
        return
    await message.reply(texts.duty_cancelled_staff(number))


async def hours(
    message: Message,
    command: CommandObject,
    duties: DutyService,
    settings: Settings,
) -> None:
    """/hours [YYYY-MM]: hours per helper for a month; /hours N helper H[:MM]: correct them."""
    words = (command.args or "").split()
    if len(words) == 3:
        duty_id, helper_id, amount = (
            parse_number(words[0]),
            parse_number(words[1]),
            HOURS.match(words[2]),
        )
        if duty_id is None or helper_id is None or amount is None or int(amount.group(2) or 0) > 59:
            await message.reply(texts.duty_hours_usage())
            return
        minutes = int(amount.group(1)) * 60 + int(amount.group(2) or 0)
        assert message.from_user is not None
        if not await duties.set_minutes(duty_id, helper_id, minutes, message.from_user.full_name):
            await message.reply(texts.duty_not_on_roster())
            return
        await message.reply(texts.duty_hours_set(duty_id, helper_id, texts.duration(minutes)))
        return
    local_now = duties.clock().astimezone(settings.zone)
    year, month = local_now.year, local_now.month
    if (
        len(words) == 1
        and (match := MONTH.match(words[0]))
        and 1 <= int(match.group(2)) <= 12
        and 2000 <= int(match.group(1)) <= 2100  # as /stats: a calendar's years, not year 0
    ):
        year, month = int(match.group(1)), int(match.group(2))
    elif words:
        await message.reply(texts.duty_hours_usage())
        return
    since = datetime(year, month, 1, tzinfo=settings.zone)
    until = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=settings.zone)
    rows = await duties.hours(since, until)
    title = format_date(since, "LLLL y", locale=settings.staff_language)
    await message.reply(texts.duty_hours_report(title, rows))


async def no_show(
    message: Message,
    command: CommandObject,
    duties: DutyService,
) -> None:
    """/noshow N helper: the helper took a seat and did not come."""
    words = (command.args or "").split()
    if len(words) != 2 or parse_number(words[0]) is None or parse_number(words[1]) is None:
        await message.reply(texts.duty_noshow_usage())
        return
    duty_id, helper_id = parse_number(words[0]), parse_number(words[1])
    assert duty_id is not None and helper_id is not None and message.from_user is not None
    recorded = await duties.no_show(duty_id, helper_id, message.from_user.full_name)
    if recorded is None:
        await message.reply(texts.duty_noshow_too_early())
        return
    if not recorded:
        await message.reply(texts.duty_not_on_roster())
        return
    await message.reply(texts.duty_noshow_set(duty_id, helper_id))
