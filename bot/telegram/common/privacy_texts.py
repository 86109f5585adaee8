"""Consent to personal data processing, /privacy and /mydata, forgetting a person."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext


def consent_question() -> str:
    return _(
        "<b>Consent to personal data processing</b>\n\n"
        "To handle your reports the police need to keep what you send: the text, photos, the "
        "place and, if you share it, your phone number. Only police staff see them. Sakshy "
        "keeps this data on servers in Kazakhstan, as the law on personal data requires.\n\n"
        "Until you agree I keep only your Telegram id and your language. "
        "Do you agree to the processing of your personal data?"
    )


def consent_given() -> str:
    return _("Thank you. Your consent is recorded. You can withdraw it at any time with /privacy.")


def consent_declined() -> str:
    return _(
        "Understood. I keep only your Telegram id and language. I will ask again when a service "
        "needs your data; /privacy shows this at any time."
    )


def consent_withdrawn() -> str:
    return _("Your consent is withdrawn. From now on I keep only your Telegram id and language.")


def consent_reminder() -> str:
    return _(
        "Please answer with the buttons below: do you agree to the processing of your personal "
        "data? To return to the menu, send /cancel."
    )


def privacy_status(has_consent: bool, when: str | None) -> str:
    head = _(
        "<b>What Sakshy keeps about you</b>\n"
        "• your Telegram id and the language you chose;\n"
        "• with your consent: what you send in reports (text, photos, place, phone)."
    )
    if has_consent and when:
        status = _("You gave consent on {date}.").format(date=when)
    else:
        status = _("You have not given consent: I keep only your id and language.")
    return head + "\n\n" + status + "\n\n" + mydata_hint()


def mydata_hint() -> str:
    return _(
        "/mydata sends you everything I keep about you, as a file; /forgetme erases your data."
    )


def forget_confirm() -> str:
    return _(
        "<b>Erase your data?</b>\n"
        "I will delete your name, username and phone, what you wrote in your reports and their "
        "photos, voice messages and typed addresses, your comments in surveys, your consent, "
        "the areas you follow and your answers to community surveys. The place of your reports "
        "is rounded to about a kilometre, and the staff group's posts of your reports no longer "
        "show who sent them or what they said.\n\n"
        "What stays, with no link to you: the category, area, dates and outcome of your closed "
        "reports, your ratings and any duty hours, for the statistics.\n\n"
        "This cannot be undone: your reports will no longer appear in /myreports."
    )


def forget_open_complaints(numbers: list[int]) -> str:
    listed = ", ".join(f"№ {number}" for number in numbers)
    if len(numbers) == 1:  # one complaint or a list of them, not a count: no plural forms
        return _(
            "Your complaint {numbers} is not answered yet, and the supervisors may need to "
            "reach you about it. Once it is answered, send /forgetme again."
        ).format(numbers=listed)
    return _(
        "Your complaints {numbers} are not answered yet, and the supervisors may need to "
        "reach you about them. Once they are answered, send /forgetme again."
    ).format(numbers=listed)


def forget_open_reports(numbers: list[int]) -> str:
    listed = ", ".join(f"№ {number}" for number in numbers)
    if len(numbers) == 1:  # one report or a list of them, not a count: no plural forms
        return _(
            "Your report {numbers} is still open, and the officers may need to reach you about "
            "it. Once it is closed, or if you withdraw it in /myreports while nobody has taken "
            "it, send /forgetme again."
        ).format(numbers=listed)
    return _(
        "Your reports {numbers} are still open, and the officers may need to reach you about "
        "them. Once they are closed, or if you withdraw them in /myreports while nobody has "
        "taken them, send /forgetme again."
    ).format(numbers=listed)


def forget_helper() -> str:
    return _(
        "You are a public helper or have applied to be one: the police and the akimat keep a "
        "register of helpers, so your data cannot be erased while you are in it. Step down in "
        "/profile, or wait for the decision on your application, then send /forgetme again."
    )


def forget_done(reports: int) -> str:
    done = _("Your data has been erased.")
    if reports:
        done += " " + ngettext(
            "{count} report stays in the statistics with no link to you.",
            "{count} reports stay in the statistics with no link to you.",
            reports,
        ).format(count=reports)
    return done + " " + _("If you write to me again, I will start afresh and ask for consent.")


def forget_kept() -> str:
    return _("Nothing was erased.")


def mydata_caption() -> str:
    return _(
        "Everything Sakshy keeps about you, as of now: your reports and their steps, your "
        "consent, your application and duties if any, the areas you follow. Only you get this "
        "file."
    )
