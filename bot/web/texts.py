"""What the console's pages say, through gettext in the reader's language."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext


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


def done() -> str:
    return _("Done: the staff post is updated and the resident told.")


def too_late() -> str:
    return _("Someone was faster: the report has changed. Here it is as it is now.")


def menu_button() -> str:
    return _("🗂 Console")


def stale_form() -> str:
    return _("This form is out of date, and nothing was done. Open the report again.")
