"""Texts of the bodies' directory and of referral in the staff group."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _


def bodies_none() -> str:
    return _(
        "No outside bodies yet. An administrator adds one with /body add (send /body to see how)."
    )


def bodies_title() -> str:
    return _("<b>Outside bodies</b> reports can be referred to:")


def contact_telegram(chat_id: int) -> str:
    return _("Telegram chat {chat}").format(chat=chat_id)


def contact_hand() -> str:
    return _("by hand")


def body_usage() -> str:
    return _(
        "To add an outside body (administrators), write /body add, its key and how to reach "
        "it (tg and the chat's id, email and an address, or hand), then its names:\n"
        "/body add akimat tg -1001234567890\n"
        "kk: Әл-Фараби ауданының әкімдігі\n"
        "ru: Акимат района Аль-Фараби\n"
        "The bot must be a member of that chat. /body remove akimat takes one out of the list."
    )


def body_problems(problems: list[str]) -> str:
    names = {
        "key": _("the key: lower-case latin letters, digits and _, up to 32"),
        "name_kk": _("the kk: line, the Kazakh name (up to 60 characters)"),
        "name_ru": _("the ru: line, the Russian name (up to 60 characters)"),
        "chat": _("the chat's id: a negative number, like -1001234567890"),
        "email": _("the e-mail address"),
        "contact": _("how to reach it: tg, email or hand"),
    }
    listed = "\n".join("• " + names.get(p, p) for p in problems)
    return _("Please correct:\n{list}").format(list=listed)


def body_chat_taken() -> str:
    return _("Another body is already reached in that chat: one chat, one body.")


def body_saved(key: str) -> str:
    return _("Saved: {key}. Officers can now refer reports to it.").format(key=key)


def body_removed(key: str) -> str:
    return _("{key} is out of the list; referrals already made stay as they are.").format(key=key)


def body_unknown(key: str) -> str:
    return _("There is no body {key} in the list (/bodies).").format(key=key)


def refer_usage() -> str:
    return _(
        "To refer a report with your own note for the resident: /refer 1042 akimat and the "
        "note. The bodies' keys: /bodies. The «↪️ Refer» button under the post refers it "
        "with the usual words."
    )


def referred(number: int, body: str) -> str:
    return _("↪️ Report № {number} is passed to {body}.").format(number=number, body=body)


def refer_refused(reason: str, number: int) -> str:
    if reason == "no body":
        return _("That body is not in the list any more (/bodies).")
    if reason == "changed":
        return _("Report № {number} changed meanwhile: look at its post again.").format(
            number=number
        )
    return _("Report № {number} is closed or already referred: it cannot be referred.").format(
        number=number
    )


def no_bodies_to_refer() -> str:
    return _("No outside bodies in the list yet: an administrator adds them with /body add.")
