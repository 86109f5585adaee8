"""The staff group: taking, answering and noting reports."""

from __future__ import annotations

from aiogram import html
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from babel.numbers import format_decimal

# --- The staff group ---------------------------------------------------------------------------


def staff_only() -> str:
    return _("Only members of the duty unit group can do this.")


def staff_done() -> str:
    return _("Done.")


def staff_changed_meanwhile() -> str:
    return _("Someone changed this report a moment ago; the post shows it as it is now.")


def staff_changed_by(name: str, number: int, status: str, *, markup: bool = True) -> str:
    """`markup` False for a button's alert, which Telegram shows as plain text."""
    return _("{name} was faster: report № {number} is now {status}.").format(
        name=html.quote(name) if markup else name, number=number, status=status
    )


def staff_already(number: int, status: str) -> str:
    return _("Report № {number} is already {status}: nothing changed.").format(
        number=number, status=status
    )


def staff_me_usage() -> str:
    return _(
        "Write your rank and surname after /me, for example: /me captain Akhmetov. Residents "
        "see this, never your Telegram name."
    )


def staff_me_saved(rank: str, surname: str) -> str:
    return _("Residents will see you as: {rank} {surname}.").format(
        rank=html.quote(rank), surname=html.quote(surname)
    )


def duration(minutes: int) -> str:
    """«2 h 30 min» in the reader's language."""
    hours, rest = divmod(max(int(minutes), 0), 60)
    if not hours:
        return _("{minutes} min").format(minutes=format_number(rest))
    if not rest:
        return _("{hours} h").format(hours=format_number(hours))
    return _("{hours} h {minutes} min").format(
        hours=format_number(hours), minutes=format_number(rest)
    )


def format_number(value: int) -> str:
    """A number as the reader writes it (10 000 in Kazakh and Russian)."""
    return format_decimal(value, locale=get_i18n().current_locale)


def staff_edit_not_relayed(number: int) -> str:
    return _(
        "✏️ The resident of report № {number} keeps the first version: edits do not reach "
        "them. Send a new message if something changed."
    ).format(number=number)


def staff_reply_with_text() -> str:
    return _("Reply to my message below with the text.")


def staff_note_must_be_text() -> str:
    return _("A note or reason for the resident must be text: reply to my message again with text.")


def staff_note_too_long(limit: int) -> str:
    return _(
        "That is too long for the resident: at most {limit} characters. Reply to my message "
        "again with a shorter text."
    ).format(limit=format_number(limit))


def staff_resident_erased() -> str:
    return _(
        "The resident who sent this report had their data erased at their request: nothing "
        "can reach them any more."
    )


def staff_not_a_report_post() -> str:
    return _(
        "This message is not a report post: reply to a report's post to write to its resident."
    )
