"""What the console's pages say, through gettext in the reader's language."""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date
from babel.numbers import format_decimal

from bot.domain.reports import Status
from bot.services.console import Outcome


def title() -> str:
    return _("Sakshy · staff console")


def login() -> str:
    return _("Open the console from the bot in Telegram: that signs you in.")


def widget() -> str:
    return _("In a browser, sign in with Telegram:")


def refused_forged() -> str:
    return _("Telegram did not vouch for this sign-in. Open the console from the bot again.")


def refused_expired() -> str:
    return _("This sign-in is too old. Open the console from the bot again.")


def refused_outsider() -> str:
    return _("The console is for members of the duty unit group only.")


def total(count: int) -> str:
    return ngettext("{count} open report", "{count} open reports", count).format(count=count)


def filters() -> str:
    return _("Show")


def show_all() -> str:
    return _("all open")


def show_overdue() -> str:
    return _("past the term")


def show_untaken() -> str:
    return _("not taken")


def show_mine() -> str:
    return _("taken by me")


def category() -> str:
    return _("Category")


def status() -> str:
    return _("Status")


def due() -> str:
    return _("Answer due")


def empty() -> str:
    return _("Nothing here.")


def more() -> str:
    return _("More…")


def back_to_queue() -> str:
    return _("← The queue")


def no_such_report(number: int) -> str:
    return _("There is no report № {number}.").format(number=number)


def not_yours(number: int) -> str:
    return _("Report № {number} belongs to another precinct: its chat handles it.").format(
        number=number
    )


def done() -> str:
    return _("Done: the staff post is updated and the resident told.")


def too_late() -> str:
    return _("Someone was faster: the report has changed. Here it is as it is now.")


def menu_button() -> str:
    return _("🗂 Console")


def too_many() -> str:
    return _("Too many requests in a minute: wait a minute and open the page again.")


def stale_form() -> str:
    return _("This form is out of date, and nothing was done. Open the report again.")


# --- the report card -----------------------------------------------------------------------


def card_labels(status: Status) -> dict[str, str]:
    """The card's words: its forms' buttons (as the post's), fields and hints."""
    return {
        "title": title(),
        "back": back_to_queue(),
        "take": _("🙋 Take back") if status is Status.REFERRED else _("🙋 Take"),
        "resolve": _("✅ Record the answer") if status is Status.REFERRED else _("✅ Resolved"),
        "note": _("A note for the resident (optional)"),
        "reject": _("⛔ Reject"),
        "reason": _("Reason"),
        "other": _("✍️ Another reason (type it)"),
        "reopen": _("🔄 Reopen"),
        "refer": _("↪️ Refer"),
        "body": _("To"),
        "assign": _("👤 Hand over"),
        "to": _("To whom"),
        "extend": _("⏳ Extend the term"),
        "date": _("New date"),
        "days": _("or so many working days"),
        "why": _("Reason (the resident reads it)"),
        "duplicate": _("🔁 Same as another report"),
        "original": _("Number of the earlier report"),
        "write": _("💬 Write to the resident"),
        "templates": _("📋 Ready answers"),
        "send": _("Send"),
        "photo": _("Photo"),
    }


def assign_me() -> str:
    return _("to me")


def assign_inspector(name: str) -> str:
    return _("the precinct's inspector: {name}").format(name=name)


def outcome(code: Outcome, *, number: int, due: str, latest: str, original: int) -> str:
    """What came of a press, shown on the card afterwards."""
    if code is Outcome.DONE:
        return done()
    if code is Outcome.SENT:
        return _("Sent to the resident; the staff group sees it under the post.")
    if code is Outcome.LATE:
        return too_late()
    if code is Outcome.EMPTY:
        return _("Nothing was sent: write the text first.")
    if code is Outcome.TOO_LONG:
        return _("The text is too long, and nothing was done.")
    if code is Outcome.ERASED:
        return _("The resident erased their data: there is nobody to write to.")
    if code is Outcome.OFFLINE:
        return _("The report was taken by phone or in person: call the resident.")
    if code is Outcome.NOT_STAFF:
        return _("That person is not a member of the duty unit group.")
    if code is Outcome.NO_ORIGINAL:
        return _("There is no such earlier report (or it is this one).")
    if code is Outcome.ORIGINAL_CLOSED:
        return _(
            "Report № {original} is closed: mark a report as the same only as an open one."
        ).format(original=original)
    if code is Outcome.NO_BODY:
        return _("That body is not in the list any more.")
    if code is Outcome.CLOSED:
        return _("Report № {number} is closed: this cannot be done now.").format(number=number)
    if code is Outcome.BAD_DATE:
        return _("Give a date, or a number of working days from 1 to 60.")
    if code is Outcome.NO_TERM:
        return _(
            "Report № {number} came in before the legal clock: it has no term to extend."
        ).format(number=number)
    if code is Outcome.PAST:
        return _("That day has already passed: give a later date.")
    if code is Outcome.NOT_LATER:
        return _("Report № {number} is already due by {date}: give a later date.").format(
            number=number, date=due
        )
    if code is Outcome.TOO_LATE:
        return _(
            "By law the answer to report № {number} can be extended at most to {date}."
        ).format(number=number, date=latest)
    return _("That ready answer is gone, or the report is closed.")


# --- the console's menu and map ------------------------------------------------------------


def queue() -> str:
    return _("Queue")


def map_title() -> str:
    return _("Map")


def map_labels() -> dict[str, str]:
    return {
        "title": title(),
        "map": map_title(),
        "period": _("Heat of the last"),
        "days": _("days"),
        "category": category(),
        "any": _("all categories"),
        "show": _("Show"),
        "legend": _("Markers: open reports, and those closed in the last 7 days."),
        "heat": _("The heat shows where reports gathered in the period."),
        "points": _("🏠 police points"),
        # {shown} and {total} are filled in by the page's script
        "shown": _("Markers shown: {shown} of {total}."),
        "script": _("The map needs JavaScript."),
        "in_view": _("📋 The open reports in view, as a list (to select them)"),
        "overdue": overdue_mark(),
    }


def map_failed() -> str:
    return _("The map's reports did not load. Open the page again.")


def overdue_mark() -> str:
    return _("answer overdue")


# --- the dashboard -------------------------------------------------------------------------


def dashboard() -> str:
    return _("Figures")


def dashboard_labels() -> dict[str, str]:
    return {
        "title": title(),
        "period": _("Period"),
        "precinct": _("Precinct"),
        "city": _("the whole city"),
        "show": _("Show"),
        "chart": _("Reports per day by category, times to take and to resolve, the rating"),
        "export": _("CSV for administrators (names and phones: keep them safe):"),
    }


def period_name(key: str) -> str:
    if key == "week":
        return _("the last 7 days")
    if key == "month":
        return _("the last 30 days")
    year, month = (int(part) for part in key.split("-"))
    return format_date(date(year, month, 1), "LLLL y", locale=get_i18n().current_locale)


def helper_hours(duties: int, minutes: int) -> str:
    hours = format_decimal(round(minutes / 60, 1), locale=get_i18n().current_locale)
    return ngettext(
        "Public helpers: {duties} duty served, {hours} h on duty (the whole city).",
        "Public helpers: {duties} duties served, {hours} h on duty (the whole city).",
        duties,
    ).format(duties=duties, hours=hours)


def export_name(name: str) -> str:
    return {
        "reports": _("reports"),
        "audit": _("history and staff actions"),
        "helper_hours": _("helpers' hours"),
    }[name]


# --- bulk work -----------------------------------------------------------------------------


def bulk_labels() -> dict[str, str]:
    return {
        "pick": _("Select"),
        "ticked": _("With the selected reports:"),
        "assign": _("👤 Hand over"),
        "refer": _("↪️ Refer"),
        "recategorise": _("🏷 Change the category"),
        "listed": _("The reports that were in view on the map."),
        "all": _("All open reports"),
    }


def bulk_outcome(done: str, late: str, stale: bool) -> str | None:
    if stale:
        return stale_form()
    if not (done.isdigit() and late.isdigit()):
        return None
    text = ngettext("Done: {count} report.", "Done: {count} reports.", int(done)).format(
        count=int(done)
    )
    if int(late):
        text += " " + ngettext(
            "{count} was not changed: it changed meanwhile or cannot be handled so.",
            "{count} were not changed: they changed meanwhile or cannot be handled so.",
            int(late),
        ).format(count=int(late))
    return text
