"""The directory from the staff group: `/directory` shows what is loaded and who loaded it; an
administrator sends a GeoJSON file with the caption /directory to replace it (checked first,
all or nothing); `/me <inspector id>` links an officer's account to their inspector record."""

from __future__ import annotations

import io
import logging
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from babel.dates import format_datetime

from bot.config import Settings
from bot.services.directory import DirectoryService, ImportResult, LinkTaken
from bot.services.reports import ReportService
from bot.telegram import texts
from bot.telegram.access import Staff
from bot.telegram.staff_members import AdminGate

log = logging.getLogger(__name__)

#: a city's directory is well under this; Telegram lets bots download up to 20 MB
MAX_FILE_BYTES = 5 * 1024 * 1024
#: problems listed in the group (the rest counted): a message holds 4096 characters
MAX_PROBLEMS_SHOWN = 15


def router() -> Router:
    """Under the staff area (bot.telegram.access): the chat and the role are checked there;
    replacing the directory is for the group's administrators."""
    r = Router(name="directory_admin")
    upload = Staff("directory upload", where="main", admin=texts.directory_admins_only)
    r.message.register(replace, Command("directory"), F.document, upload)
    r.message.register(show, Command("directory"), Staff("directory", where="main"))
    linking = F.text.regexp(r"^/me(@\w+)?\s+\S+\s*$")
    r.message.register(link, Command("me"), linking, Staff("me", where="posts"))
    return r


async def show(message: Message, directory: DirectoryService, settings: Settings) -> None:
    status = await directory.status()
    last = status["last_import"]
    when = who = None
    if last is not None:
        when = format_datetime(
            datetime.fromisoformat(last["at"]),
            "d MMMM y, HH:mm",
            tzinfo=settings.zone,
            locale=settings.staff_language,
        )
        who = last["by_name"] or _("the command line")
    await message.reply(
        texts.directory_status(
            status["precincts"],
            status["inspectors"],
            status["points"],
            status["linked"],
            when,
            who,
            last["source"] if last else None,
        )
    )


async def replace(
    message: Message,
    bot: Bot,
    directory: DirectoryService,
) -> None:
    assert message.from_user is not None  # the staff area's guard
    document = message.document
    assert document is not None
    name = document.file_name or "directory.geojson"
    if document.file_size and document.file_size > MAX_FILE_BYTES:
        await message.reply(texts.directory_file_too_big(MAX_FILE_BYTES // (1024 * 1024)))
        return
    buffer = io.BytesIO()
    try:
        await bot.download(document, destination=buffer)
    except TelegramAPIError as exc:
        log.warning("cannot download the directory file: %s", exc)
        await message.reply(texts.directory_cannot_read())
        return
    try:
        text = buffer.getvalue().decode("utf-8-sig")
    except UnicodeDecodeError:
        await message.reply(texts.directory_cannot_read())
        return
    result = await directory.import_text(
        text, name, by_user_id=message.from_user.id, by_name=message.from_user.full_name
    )
    await message.reply(_result_text(result))


def _result_text(result: ImportResult) -> str:
    if result.problems:
        shown = [p.render(_) for p in result.problems[:MAX_PROBLEMS_SHOWN]]
        return texts.directory_problems(shown, len(result.problems))
    return texts.directory_replaced(
        result.counts["precincts"],
        result.counts["inspectors"],
        result.counts["points"],
        {
            kind: len(c.added) + len(c.removed) + len(c.changed)
            for kind, c in result.changes.items()
        },
    )


async def link(
    message: Message,
    command: CommandObject,
    bot: Bot,
    admins: AdminGate,
    directory: DirectoryService,
    reports: ReportService,
    settings: Settings,
) -> None:
    """`/me <inspector id>`: this account is that inspector (mentioned on their precinct's
    reports); residents see their rank and surname unless /me set them already."""
    assert message.from_user is not None  # the staff area's guard
    inspector_id = (command.args or "").strip()
    try:
        inspector = await directory.link(message.from_user.id, inspector_id)
    except LinkTaken:
        if not await admins.is_admin(bot, message.from_user.id):
            await message.reply(texts.directory_link_taken())
            return
        inspector = await directory.link(message.from_user.id, inspector_id, replace=True)
    if inspector is None:
        await message.reply(texts.staff_me_usage())
        return
    if await reports.actions.staff_profile(message.from_user.id) is None:
        surname = inspector.full_name.split()[0]
        await reports.actions.set_staff_profile(
            message.from_user.id, inspector.rank(settings.staff_language), surname
        )
    await message.reply(
        texts.directory_linked(f"{inspector.rank(settings.staff_language)} {inspector.full_name}")
    )
