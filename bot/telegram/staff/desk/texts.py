"""The staff desk: bans, search, cards, assigning, templates, priorities, moves."""

from __future__ import annotations

from datetime import datetime, tzinfo

from aiogram import html
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.telegram.staff.duties.texts import whole_lines
from bot.telegram.staff.reports.texts import format_number

# --- the staff desk ----------------------------------------------------------------------------


def admins_only() -> str:
    return _("Only the group's administrators can do this.")


def ban_usage() -> str:
    return _(
        "Write /ban, the report's number and the reason, like: /ban 1042 insults to officers. "
        "The author of that report can then no longer use the bot."
    )


def unban_usage() -> str:
    return _("Write /unban and the number of the report the ban was made on, like: /unban 1042")


def ban_result(result: str, number: int) -> str:
    texts_of = {
        "banned": _("🚫 The author of report № {number} can no longer use the bot."),
        "already": _("The author of report № {number} is banned already."),
        "lifted": _("✅ The author of report № {number} may use the bot again."),
        "not_banned": _("The author of report № {number} is not banned."),
        "no_report": _("There is no report № {number}."),
        "erased": _(
            "The author of report № {number} had their data erased: there is nobody to ban."
        ),
    }
    return texts_of[result].format(number=number)


def banned_list(bans: list[dict[str, object]], zone: tzinfo, locale: str) -> str:
    from babel.dates import format_datetime

    if not bans:
        return _("Nobody is banned.")
    lines = [_("<b>Bans in force</b> (by the report they were made on):")]
    for ban in bans:
        when = format_datetime(
            datetime.fromisoformat(str(ban["at"])), "d MMM y", tzinfo=zone, locale=locale
        )
        lines.append(
            "• "
            + _("report № {number} · {reason} · {who}, {when}").format(
                number=ban["report_id"] or "—",
                reason=html.quote(str(ban["reason"])[:200]),
                who=html.quote(str(ban["by_name"] or "—")),
                when=when,
            )
        )
    return whole_lines(lines)


def find_usage() -> str:
    return _(
        "Write /find and a report's number (/find 1042), a phone (/find +77011234567) or a "
        "username (/find @name). Anonymous reports are found only by their number."
    )


def find_nothing() -> str:
    return _("Nothing found. Anonymous reports are found only by their number.")


def find_title(count: int) -> str:
    return ngettext("<b>Found {count} report:</b>", "<b>Found {count} reports:</b>", count).format(
        count=format_number(count)
    )


def card_usage() -> str:
    return _("No such report. Write /card and its number, like /card 1042.")


def card_history_title() -> str:
    return _("<b>History:</b>")


def actor_name(actor: str) -> str:
    return {"resident": _("resident"), "system": _("the bot"), "staff": _("officer")}.get(
        actor, actor
    )


def event_name(action: str) -> str:
    names = {
        "submitted": _("submitted"),
        "take": _("taken"),
        "resolve": _("resolved"),
        "reject": _("rejected"),
        "withdraw": _("withdrawn by the resident"),
        "reopen": _("reopened"),
        "resident_message": _("the resident wrote"),
        "resident_unreachable": _("the resident blocked the bot"),
        "ban": _("author banned"),
        "unban": _("author's ban lifted"),
        "assign": _("handed over to"),
        "category": _("category changed"),
        "template": _("ready answer sent"),
        "priority": _("priority set"),
        "place": _("place corrected"),
        "extend": _("answer's term extended"),
        "refer": _("referred to an outside body"),
        "body_accept": _("accepted by the outside body"),
        # looks at the report (staff_audit)
        "card": _("opened the card"),
        "find": _("found it with /find"),
        "console card": _("opened the card in the console"),
    }
    return names.get(action, action)


def assign_usage() -> str:
    return _(
        "To hand a report over: reply to a colleague's message with /assign and the report's "
        "number (/assign 1042); or /assign 1042 me; or /assign 1042 inspector (the precinct's "
        "inspector, if they linked their account with /me)."
    )


def assign_no_inspector(number: int) -> str:
    return _("Report № {number} has no precinct inspector with a linked account (/me).").format(
        number=number
    )


def assign_not_staff() -> str:
    return _("That person is not a member of the duty unit group.")


def assigned(number: int, name: str) -> str:
    return _("Report № {number} is now handled by {name}; the resident is told.").format(
        number=number, name=html.quote(name)
    )


def assign_refused(number: int) -> str:
    return _("Report № {number} cannot be handed over: it is closed or changed meanwhile.").format(
        number=number
    )


def category_usage(listing: str) -> str:
    return _(
        "Write /category, the report's number and a category: /category 1042 litter.\n{list}"
    ).format(list=listing)


def recategorised_staff(number: int, label: str) -> str:
    return _("Report № {number} is now filed under «{category}»; the resident is told.").format(
        number=number, category=html.quote(label)
    )


def duplicate_usage() -> str:
    return _(
        "Write /duplicate, the report's number and the number of the earlier report it repeats, "
        "like: /duplicate 1043 1042"
    )


def duplicate_marked(number: int, original: int) -> str:
    return _(
        "Report № {number} is closed as the same as № {original}; its author follows № {original}."
    ).format(number=number, original=original)


def duplicate_refused(number: int) -> str:
    return _(
        "Report № {number} cannot be closed as a duplicate: it is closed already or changed "
        "meanwhile."
    ).format(number=number)


def ban_staff() -> str:
    return _(
        "The author of this report is a member of the duty unit group: remove them from the "
        "group instead of banning them."
    )


def export_sent() -> str:
    return _("The files are in your private chat with me (they hold names and phones).")


def category_unchanged(number: int) -> str:
    return _("Report № {number} is already under that category.").format(number=number)


def templates_none() -> str:
    return _("No ready answers yet. An administrator adds them with /template.")


def templates_title() -> str:
    return _("<b>Ready answers</b> (sent in the resident's language):")


def templates_any() -> str:
    return _("any category")


def template_usage() -> str:
    return _(
        "To add one (administrators): /template add and a category's code (or all) and a "
        "title, then a line «kk: …» and a line «ru: …». To remove one: /template remove 3."
    )


def template_missing(languages: str) -> str:
    return _("A ready answer needs both languages; missing: {languages}.").format(
        languages=languages
    )


def template_too_long() -> str:
    return _("Too long: a title holds 60 characters, each text 1,000.")


def template_added(number: int) -> str:
    return _("✅ Ready answer #{number} added.").format(number=number)


def template_removed(number: int) -> str:
    return _("Ready answer #{number} removed.").format(number=number)


def template_unknown() -> str:
    return _("There is no such ready answer.")


def template_sent() -> str:
    """Said when the answer is queued (the outbox sends it in turn), not when it arrived."""
    return _("⏳ On its way to the resident, in their language.")


def analysts_figures_only() -> str:
    return _(
        "This chat gets figures without personal data: the daily digest and /stats. Work on "
        "reports happens in the duty unit group."
    )


def extend_usage() -> str:
    return _(
        "To extend the answer's term of a report, write /extend, its number, the new date (or "
        "+ and working days) and the reason the resident will read, like:\n"
        "/extend 1042 15.01.2027 waiting for the akimat's answer\n"
        "/extend 1042 +10 a witness is away"
    )


def extend_reason_long(limit: int) -> str:
    return _("The reason is too long: at most {limit} characters.").format(limit=limit)


def extended(number: int, day: str) -> str:
    return _(
        "⏳ Report № {number}: the answer is now due by {date}. The resident is told why."
    ).format(number=number, date=day)


def extend_refused(reason: str, number: int, due: str, latest: str) -> str:
    if reason == "closed":
        return _("Report № {number} is closed: there is no term to extend.").format(number=number)
    if reason == "no term":
        return _(
            "Report № {number} came in before the legal clock: it has no term to extend."
        ).format(number=number)
    if reason == "past":
        return _("That day has already passed: give a later date.")
    if reason == "not later":
        return _("Report № {number} is already due by {date}: give a later date.").format(
            number=number, date=due
        )
    return _("By law the answer to report № {number} can be extended at most to {date}.").format(
        number=number, date=latest
    )


def priority_usage() -> str:
    return _("Write /priority, the report's number and high or normal, like: /priority 1042 high")


def priority_set(number: int, urgent: bool) -> str:
    if urgent:
        return _(
            "🔴 Report № {number} is marked urgent: if nobody takes it, it is recalled and "
            "escalated twice as soon."
        ).format(number=number)
    return _("Report № {number} is back to normal priority.").format(number=number)


def move_usage() -> str:
    return _(
        "Write /move, the report's number and a location (/move 1042 42.3001, 69.6102) or a "
        "precinct's code (/move 1042 zhd-vokzal)."
    )


def move_outside() -> str:
    return _("That place is outside the service area (latitude comes first).")


def moved(number: int, precinct: str | None) -> str:
    if precinct:
        return _("Report № {number} now belongs to {precinct}; the resident is told.").format(
            number=number, precinct=html.quote(precinct)
        )
    return _("Report № {number}: the place is in no precinct (route it by hand).").format(
        number=number
    )


def duplicate_original_closed(original: int) -> str:
    return _(
        "Report № {original} is closed: mark a report as the same only as an open one."
    ).format(original=original)


def move_closed() -> str:
    return _("No such open report: a closed one stays where it was handled.")
