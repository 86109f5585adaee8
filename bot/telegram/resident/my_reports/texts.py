"""A resident's own reports, writing to the officer and the satisfaction survey."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

# --- My reports ------------------------------------------------------------------------------


def my_reports_none() -> str:
    return _("You have not sent any reports yet. Press «📝 Report a violation» to send one.")


def my_reports_header(page: int, pages: int) -> str:
    return _(
        "<b>Your reports</b>, newest first (page {page} of {pages}). Press one to see it:"
    ).format(page=page, pages=pages)


def my_report_withdrawn(number: int) -> str:
    return _("Report № {number} is withdrawn.").format(number=number)


def my_report_cannot_withdraw() -> str:
    return _("An officer has already taken this report, so it can no longer be withdrawn.")


def withdraw_button() -> str:
    return _("↩️ Withdraw report")


def back_to_list() -> str:
    return _("⬅️ To the list")


def history_event(action: str) -> str:
    names = {
        "submitted": _("sent"),
        "take": _("taken by an officer"),
        "resolve": _("resolved"),
        "reject": _("rejected"),
        "reopen": _("reopened"),
        "withdraw": _("withdrawn by you"),
        "officer_message": _("the officer wrote to you"),
        "resident_message": _("you wrote to the officer"),
        "resident_unreachable": _("you could not be reached: the bot is blocked"),
        "extend": _("the answer's term extended"),
        "refer": _("passed to the body that handles it"),
        "body_accept": _("taken up by that body"),
    }
    return names.get(action, action)


def write_button() -> str:
    return _("✍️ Write to the police officer")


def write_to_officer_prompt(number: int) -> str:
    return _(
        "Write what you want to add to report № {number}: text, a photo or a voice message. "
        "To stop, press «✖️ Cancel»."
    ).format(number=number)


def relay_queued(number: int) -> str:
    """Said when the message is queued, not when it arrived: the 👌 on it says that."""
    return _(
        "⏳ On its way to the duty officer of report № {number}. When it arrives, 👌 appears "
        "on what you sent."
    ).format(number=number)


def write_not_possible() -> str:
    return _("This report is closed, so messages no longer go to the officer. Send a new report.")


def write_unsupported() -> str:
    return _("Please send text, a photo, a video or a voice message, or press «✖️ Cancel».")


def survey_rate(number: int, reopened: bool) -> str:
    first = (
        _("Thank you. Report № {number} is open again: an officer will look at it once more.")
        if reopened
        else _("Thank you.")
    ).format(number=number)
    return (
        first
        + "\n\n"
        + _("How would you rate the police's work on report № {number}, from 1 to 5?").format(
            number=number
        )
    )


def survey_comment_ask(number: int) -> str:
    return _(
        "Thank you. If you want to add something about report № {number}, write it in one "
        "message; or press the button below."
    ).format(number=number)


def survey_no_comment() -> str:
    return _("Nothing to add")


def survey_thanks() -> str:
    return _("Thank you for your answers: they help the police work better.")


def survey_already() -> str:
    return _("You have answered this already. Thank you!")


def survey_comment_expected() -> str:
    return _("Please write your comment as text, or press «Nothing to add».")
