"""The staff desk in the staff group: /ban, /unban and /banned (administrators), /find and
/card (every member). Refusals are polite, logged and audited."""

from __future__ import annotations

import asyncio
import html
import re
import tempfile
from datetime import date, datetime
from pathlib import Path

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, FSInputFile, Message
from aiogram.utils.i18n import get_i18n

from bot.config import Settings
from bot.domain.categories import Category
from bot.domain.reports import MAX_NOTE
from bot.domain.users import User
from bot.services.desk import DeskService
from bot.services.directory import DirectoryService
from bot.services.export import ExportService
from bot.services.reports import ReportService
from bot.services.stats import StatsService, parse_period
from bot.services.subscriptions import SubscriptionService
from bot.telegram import charts, texts
from bot.telegram.access import Staff
from bot.telegram.report_renderer import TelegramReportRenderer
from bot.telegram.staff_members import StaffGate, parse_number


def router() -> Router:
    """Under the staff area (bot.telegram.access): the chat and the role are checked there;
    /ban, /unban, /template and /export are for the group's administrators."""
    r = Router(name="staff_desk")

    def admins(what: str) -> Staff:
        return Staff(what, where="main", admin=texts.admins_only)

    r.message.register(ban, Command("ban"), admins("ban"))
    r.message.register(unban, Command("unban"), admins("unban"))
    r.message.register(banned, Command("banned"), Staff("banned"))
    r.message.register(find, Command("find"), Staff("find"))
    r.message.register(card, Command("card"), Staff("card"))
    r.message.register(stats, Command("stats"), Staff("stats", analysts=True))
    r.message.register(assign, Command("assign"), Staff("assign"))
    r.message.register(recategorise, Command("category"), Staff("category"))
    r.message.register(duplicate, Command("duplicate"), Staff("duplicate"))
    r.message.register(priority, Command("priority"), Staff("priority"))
    r.message.register(relocate, Command("move"), Staff("move"))
    r.message.register(extend, Command("extend"), Staff("extend"))
    r.message.register(local_priorities, Command("priorities"), Staff("priorities"))
    r.message.register(templates, Command("templates"), Staff("templates"))
    r.message.register(template, Command("template"), admins("template"))
    r.message.register(export, Command("export"), admins("export"))
    return r


async def ban(
    message: Message,
    command: CommandObject,
    bot: Bot,
    staff_gate: StaffGate,
    desk: DeskService,
) -> None:
    """/ban N reason: the author of report № N can no longer use the bot."""
    parts = (command.args or "").replace("№", " ").split(None, 1)
    number = parse_number(parts[0]) if parts else None
    reason = parts[1] if len(parts) == 2 else ""
    if number is None or not reason.strip():
        await message.reply(texts.ban_usage())
        return
    assert message.from_user is not None
    author = await desk.author_of(number)
    if author is not None and await staff_gate.is_staff(bot, author, message.chat.id):
        await message.reply(texts.ban_staff())  # a ban would lock them out of the desk too
        return
    result = await desk.ban(
        number, reason, message.from_user.id, message.from_user.full_name, message.chat.id
    )
    await message.reply(texts.ban_result(result.value, number))


async def unban(
    message: Message,
    command: CommandObject,
    desk: DeskService,
) -> None:
    """/unban N: the author of report № N may use the bot again."""
    number = parse_number(command.args or "")
    if number is None:
        await message.reply(texts.unban_usage())
        return
    assert message.from_user is not None
    result = await desk.unban(
        number, message.from_user.id, message.from_user.full_name, message.chat.id
    )
    await message.reply(texts.ban_result(result.value, number))


async def banned(
    message: Message,
    desk: DeskService,
    settings: Settings,
) -> None:
    """/banned: the bans in force, by the report they were made on (never who the person is)."""
    await message.reply(
        texts.banned_list(await desk.banned(), settings.zone, settings.staff_language)
    )


async def find(
    message: Message,
    command: CommandObject,
    desk: DeskService,
    renderer: TelegramReportRenderer,
) -> None:
    """/find 1042 | +7 701 … | @username."""
    found = await desk.find(command.args or "")
    assert message.from_user is not None
    if found.understood:
        await desk.looked(
            message.from_user.id,
            message.from_user.full_name,
            message.chat.id,
            "find",
            (command.args or "").strip().lstrip("№").strip(),
        )
    if not found.understood:
        await message.reply(texts.find_usage())
        return
    if found.card is not None:
        for part in texts.chunks(renderer.card(found.card)):
            await message.reply(part)
        return
    await message.reply(renderer.found_list(found.reports))


async def card(
    message: Message,
    command: CommandObject,
    desk: DeskService,
    renderer: TelegramReportRenderer,
) -> None:
    """/card N: a report's whole history, with who did what and when."""
    number = parse_number(command.args or "")
    found = await desk.card(number) if number is not None else None
    if found is None:
        await message.reply(texts.card_usage())
        return
    assert message.from_user is not None
    await desk.looked(
        message.from_user.id, message.from_user.full_name, message.chat.id, "card", str(number)
    )
    for part in texts.chunks(renderer.card(found)):
        await message.reply(part)


async def stats(
    message: Message,
    command: CommandObject,
    stats_service: StatsService,
    renderer: TelegramReportRenderer,
    directory: DirectoryService,
    settings: Settings,
) -> None:
    """/stats [period] [precinct]: a summary and a chart of reports per day by category."""
    words = (command.args or "").split()
    precinct = None
    if words and directory.current.precinct(words[-1]) is not None:
        precinct = directory.current.precinct(words.pop())
    period = parse_period(" ".join(words), stats_service.today())
    if period is None:
        await message.reply(texts.stats_usage())
        return
    figures = await stats_service.compute(period, precinct.id if precinct else None)
    # one language throughout: the requester's (as every other text of the answer)
    locale = get_i18n().current_locale
    name = precinct.name(locale) if precinct else None
    summary = renderer.stats_summary(figures, name, locale)
    if figures.empty:
        await message.reply(summary)
        return
    headline = renderer.stats_headline(summary)
    panels = renderer.stats_panels(figures)
    png = await asyncio.to_thread(
        charts.draw,
        period.days,
        figures.per_day,
        renderer.chart_labels(locale),
        texts.stats_chart_title(),
        headline,
        panels,
    )
    caption = texts.whole_lines(summary.splitlines(), 900)  # cut between lines, never in a tag
    await message.reply_photo(BufferedInputFile(png, "stats.png"), caption=caption)


async def export(
    message: Message,
    command: CommandObject,
    bot: Bot,
    desk: DeskService,
    exports: ExportService,
    stats_service: StatsService,
    user: User | None,
) -> None:
    """/export [period]: reports, their audit and helpers' hours as CSV files (administrators:
    the files hold names and phones)."""
    period = parse_period(command.args or "", stats_service.today())
    if period is None:
        await message.reply(texts.export_usage())
        return
    if user is None or user.blocked_bot:  # the files hold names and phones: only in private
        await message.reply(texts.duty_phones_start_first())
        return
    span = f"{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    with tempfile.TemporaryDirectory(prefix="sakshy-export-") as folder:
        files = [
            ("reports", exports.reports),
            ("audit", exports.events),
            ("helper_hours", exports.hours),
        ]
        counts = []
        for name, write in files:
            path = Path(folder) / f"sakshy_{name}_{span}.csv"
            counts.append(await write(period, path))
        assert message.from_user is not None
        await desk.audited(
            message.from_user.id, message.from_user.full_name, message.chat.id, "export", span
        )
        try:
            for (name, _), count in zip(files, counts, strict=True):
                path = Path(folder) / f"sakshy_{name}_{span}.csv"
                await bot.send_document(
                    message.from_user.id,
                    FSInputFile(path),
                    caption=texts.export_caption(name, count),
                )
        except (TelegramForbiddenError, TelegramBadRequest):
            await message.reply(texts.duty_phones_start_first())
            return
    await message.reply(texts.export_sent())


async def assign(
    message: Message,
    command: CommandObject,
    bot: Bot,
    staff_gate: StaffGate,
    reports: ReportService,
    directory: DirectoryService,
) -> None:
    """/assign N (replying to a colleague's message), /assign N me, /assign N inspector."""
    assert message.from_user is not None
    words = (command.args or "").split()
    number = parse_number(words[0]) if words else None
    report = await reports.get(number) if number is not None else None
    if report is None:
        await message.reply(texts.assign_usage())
        return
    target: tuple[int, str] | None = None
    how = words[1].lower() if len(words) > 1 else ""
    reply = message.reply_to_message
    in_topic_only = reply is not None and (
        reply.forum_topic_created is not None or reply.message_id == message.message_thread_id
    )  # in a forum topic every message "replies" to the topic's first one
    replied = reply.from_user if reply is not None and not in_topic_only else None
    if how in ("me", "мен", "маған", "мне", "я"):
        target = (message.from_user.id, message.from_user.full_name)
    elif how in ("inspector", "инспектор", "участковый"):
        officer = directory.linked_user(report.inspector_id) if report.inspector_id else None
        inspector = directory.current.inspector(report.inspector_id or "")
        if officer is None or inspector is None:
            await message.reply(texts.assign_no_inspector(number or 0))
            return
        target = (officer, inspector.full_name)
    elif replied is not None and not replied.is_bot and not how:
        target = (replied.id, replied.full_name)
    if target is None:
        await message.reply(texts.assign_usage())
        return
    if not await staff_gate.is_staff(bot, target[0], message.chat.id):
        await message.reply(texts.assign_not_staff())
        return
    result = await reports.actions.assign(
        report.id, target[0], target[1], message.from_user.id, message.from_user.full_name
    )
    if result.changed:
        await message.reply(texts.assigned(report.id, target[1]))
    else:
        await message.reply(texts.assign_refused(report.id))


async def recategorise(
    message: Message,
    command: CommandObject,
    reports: ReportService,
    categories: tuple[Category, ...],
    renderer: TelegramReportRenderer,
    settings: Settings,
) -> None:
    """/category N key: file report № N under another category (the resident is told)."""
    assert message.from_user is not None
    words = (command.args or "").split()
    number = parse_number(words[0]) if words else None
    keys = {c.key for c in categories}
    if number is None or len(words) != 2 or words[1] not in keys:
        listing = ", ".join(
            f"<code>{c.key}</code> ({renderer.category_label(c.key, settings.staff_language)})"
            for c in categories
        )
        await message.reply(texts.category_usage(listing))
        return
    before = await reports.get(number)
    if before is not None and before.category == words[1]:
        await message.reply(texts.category_unchanged(number))
        return
    updated = await reports.actions.recategorise(
        number, words[1], message.from_user.id, message.from_user.full_name
    )
    if updated is None:
        await message.reply(texts.card_usage())
        return
    label = renderer.category_label(words[1], settings.staff_language)
    await message.reply(texts.recategorised_staff(number, label))


async def duplicate(
    message: Message,
    command: CommandObject,
    reports: ReportService,
) -> None:
    """/duplicate N M: report № N is the same thing as № M (its author follows № M)."""
    assert message.from_user is not None
    words = (command.args or "").replace("№", " ").split()
    numbers = [parse_number(w) for w in words]
    if len(numbers) != 2 or None in numbers:
        await message.reply(texts.duplicate_usage())
        return
    number, original = numbers
    assert number is not None and original is not None
    result = await reports.actions.mark_duplicate(
        number, original, message.from_user.id, message.from_user.full_name
    )
    if result is None:
        await message.reply(texts.duplicate_usage())
    elif result.changed:
        await message.reply(texts.duplicate_marked(number, result.report.duplicate_of or original))
    elif result.refused == "original closed":
        await message.reply(texts.duplicate_original_closed(original))
    else:
        await message.reply(texts.duplicate_refused(number))


async def templates(
    message: Message,
    desk: DeskService,
    renderer: TelegramReportRenderer,
    settings: Settings,
) -> None:
    """/templates: the ready answers officers can send with «📋 Ready answers»."""
    found = await desk.templates_list()
    lines = [texts.templates_title()] if found else [texts.templates_none()]
    for item in found:
        where = (
            renderer.category_label(item["category"], settings.staff_language)
            if item["category"]
            else texts.templates_any()
        )
        lines.append(
            f"• #{item['id']} · {html.escape(where)} · <b>{html.escape(item['title'])}</b>"
        )
    lines.append("")
    lines.append(texts.template_usage())
    for part in texts.chunks("\n".join(lines)):
        await message.reply(part)


async def template(
    message: Message,
    command: CommandObject,
    desk: DeskService,
    categories: tuple[Category, ...],
) -> None:
    """/template add CATEGORY|all TITLE, then a "kk:" and a "ru:" line; /template remove N."""
    assert message.from_user is not None
    first, _, rest = (command.args or "").partition("\n")
    words = first.split(None, 2)
    if len(words) == 2 and words[0].lower() == "remove" and words[1].lstrip("#").isdigit():
        number = parse_number(words[1])
        if number is None:  # a number no template can have
            await message.reply(texts.template_unknown())
            return
        done = await desk.remove_template(
            number, message.from_user.id, message.from_user.full_name, message.chat.id
        )
        await message.reply(texts.template_removed(number) if done else texts.template_unknown())
        return
    texts_of: dict[str, str] = {}
    current = None  # a text may run over several lines, until the other language's line
    for line in rest.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in ("kk", "ru"):
            current = key.strip().lower()
            texts_of[current] = value.strip()
        elif current is not None:
            texts_of[current] = (texts_of[current] + "\n" + line.rstrip()).strip()
    texts_of = {lang: text for lang, text in texts_of.items() if text}
    keys = {c.key for c in categories}
    if len(words) != 3 or words[0].lower() != "add" or words[1] not in keys | {"all"}:
        await message.reply(texts.template_usage())
        return
    missing = [lang for lang in ("kk", "ru") if lang not in texts_of]
    if missing:
        await message.reply(texts.template_missing(", ".join(missing)))
        return
    if any(len(t) > 1000 for t in texts_of.values()) or len(words[2]) > 60:
        await message.reply(texts.template_too_long())
        return
    number = await desk.add_template(
        None if words[1] == "all" else words[1],
        words[2].strip(),
        texts_of["kk"],
        texts_of["ru"],
        message.from_user.id,
        message.from_user.full_name,
        message.chat.id,
    )
    await message.reply(texts.template_added(number))


PRIORITIES = {
    "high": "high", "urgent": "high", "шұғыл": "high", "срочно": "high",
    "normal": "normal", "қалыпты": "normal", "обычный": "normal",
}  # fmt: skip


async def priority(
    message: Message,
    command: CommandObject,
    reports: ReportService,
) -> None:
    """/priority N high|normal: an urgent report is marked on its post and recalled sooner."""
    assert message.from_user is not None
    words = (command.args or "").replace("№", " ").split()
    number = parse_number(words[0]) if words else None
    level = PRIORITIES.get(words[1].lower()) if len(words) == 2 else None
    if number is None or level is None:
        await message.reply(texts.priority_usage())
        return
    updated = await reports.actions.set_priority(
        number, level, message.from_user.id, message.from_user.full_name
    )
    if updated is None:
        await message.reply(texts.card_usage())
        return
    await message.reply(texts.priority_set(number, level == "high"))


DAYS = re.compile(r"^\+(\d{1,2})$")


def parse_term(text: str) -> date | int | None:
    """31.12.2026, 2026-12-31, or +10 (working days); None if it is none of them."""
    if match := DAYS.match(text):
        return int(match.group(1)) or None
    for shape in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, shape).date()
        except ValueError:
            continue
    return None


async def extend(
    message: Message,
    command: CommandObject,
    reports: ReportService,
    renderer: TelegramReportRenderer,
) -> None:
    """/extend N 31.12.2026 reason (or +10 working days): the answer's term of an open report
    is extended, the resident told why and until when; at most as far as the law allows."""
    assert message.from_user is not None
    words = (command.args or "").replace("№", " ").split(None, 2)
    number = parse_number(words[0]) if words else None
    to = parse_term(words[1]) if len(words) > 1 else None
    reason = words[2].strip() if len(words) > 2 else ""
    if number is None or to is None or not reason:
        await message.reply(texts.extend_usage())
        return
    if len(reason) > MAX_NOTE:
        await message.reply(texts.extend_reason_long(MAX_NOTE))
        return
    result = await reports.actions.extend(
        number, to, reason, message.from_user.id, message.from_user.full_name
    )
    if result is None:
        await message.reply(texts.card_usage())
        return
    locale = get_i18n().current_locale
    report = result.report
    if result.refused is None:
        assert report.due_on is not None
        await message.reply(texts.extended(number, renderer.day(report.due_on, locale)))
        return
    due = renderer.day(report.due_on, locale) if report.due_on else ""
    latest = renderer.day(result.latest, locale) if result.latest else ""
    await message.reply(texts.extend_refused(result.refused, number, due, latest))


LATLON = re.compile(r"^\s*(-?\d{1,2}\.\d+)\s*(?:,\s*|\s+)(-?\d{1,3}\.\d+)\s*$")


async def relocate(
    message: Message,
    command: CommandObject,
    reports: ReportService,
    directory: DirectoryService,
    settings: Settings,
) -> None:
    """/move N 42.3001, 69.6102 (a corrected location) or /move N zhd-vokzal (a precinct)."""
    assert message.from_user is not None
    number_text, _, where = (command.args or "").replace("№", " ").strip().partition(" ")
    number = parse_number(number_text)
    where = where.strip()
    point = LATLON.match(where)
    latitude = longitude = None
    if number is None or not where:
        await message.reply(texts.move_usage())
        return
    if point is not None:
        latitude, longitude = float(point.group(1)), float(point.group(2))
        if not settings.area.contains(latitude, longitude):
            await message.reply(texts.move_outside())
            return
        placement = directory.place(latitude, longitude)
    else:
        found = directory.placement_of(where)
        if found is None:
            await message.reply(texts.move_usage())
            return
        placement = found
    updated = await reports.actions.relocate(
        number, latitude, longitude, placement, message.from_user.id, message.from_user.full_name
    )
    if updated is None:
        await message.reply(texts.move_closed())
        return
    precinct = directory.current.precinct(placement.precinct_id)
    name = precinct.name(settings.staff_language) if precinct else None
    await message.reply(texts.moved(number, name))


async def local_priorities(
    message: Message,
    command: CommandObject,
    desk: DeskService,
    subscriptions: SubscriptionService,
    directory: DirectoryService,
    settings: Settings,
) -> None:
    """/priorities [precinct]; /priorities add PRECINCT + «kk: …» and «ru: …» lines;
    /priorities remove N."""
    assert message.from_user is not None
    first, _, rest = (command.args or "").partition("\n")
    words = first.split()
    if len(words) == 2 and words[0].lower() == "remove" and words[1].lstrip("#").isdigit():
        number = parse_number(words[1])
        if number is None:  # a number no priority can have
            await message.reply(texts.priority_unknown())
            return
        done = await subscriptions.withdraw_priority(number)
        await message.reply(texts.priority_removed(number) if done else texts.priority_unknown())
        return
    if len(words) == 2 and words[0].lower() == "add":
        if directory.current.precinct(words[1]) is None:
            await message.reply(texts.priorities_usage())
            return
        given: dict[str, str] = {}
        for line in rest.splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip().lower() in ("kk", "ru") and value.strip():
                given[key.strip().lower()] = " ".join(value.split())[:300]
        missing = [lang for lang in ("kk", "ru") if lang not in given]
        if missing:
            await message.reply(texts.both_languages_missing(", ".join(missing)))
            return
        since = desk.clock().astimezone(settings.zone).date().isoformat()
        number = await subscriptions.publish(
            words[1],
            given["kk"],
            given["ru"],
            since,
            message.from_user.id,
            message.from_user.full_name,
        )
        await message.reply(texts.priority_published(number))
        return
    if len(words) > 1 or (words and directory.current.precinct(words[0]) is None):
        await message.reply(texts.priorities_usage())
        return
    items = await subscriptions.priorities_of(words[0] if words else None)
    if not items:
        await message.reply(texts.priorities_none() + "\n\n" + texts.priorities_usage())
        return
    lines = [texts.priorities_title()]
    for item in items:
        precinct = directory.current.precinct(item.precinct_id)
        name = precinct.name(settings.staff_language) if precinct else item.precinct_id
        lines.append(
            f"#{item.id} · {html.escape(name)} "
            + texts.priority_line(item, settings.staff_language)
        )
    for part in texts.chunks("\n".join(lines)):
        await message.reply(part)
