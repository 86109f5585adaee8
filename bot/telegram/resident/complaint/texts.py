"""What the resident reads while filing a complaint about a police officer."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.telegram.common.texts import emergency_note


def not_taken_here() -> str:
    return _(
        "Complaints about police officers are not taken in this bot yet. You can file one on "
        "eOtinish (eotinish.kz), with the prosecutor's office, or by calling 102."
    )


def consent_needed() -> str:
    return _("To send a complaint I need your consent to keep what you send.")


def start() -> str:
    return (
        _(
            "⚖️ <b>A complaint about a police officer</b>\n\n"
            "It is read only by the leadership of the police department (the supervisors and "
            "the internal security unit), never by the officers of your precinct.\n\n"
            "Describe what happened: when and where, what the officer did, and their name, "
            "badge number or car number if you know them."
        )
        + "\n\n"
        + emergency_note()
    )


def too_short(minimum: int) -> str:
    return _("Please describe it in more detail: at least {minimum} characters.").format(
        minimum=minimum
    )


def too_long(maximum: int) -> str:
    return _("That is too long: at most {maximum} characters. Please shorten it.").format(
        maximum=maximum
    )


def words_only() -> str:
    return _(
        "Please describe it in words. Photos and videos can be sent later, in reply to the "
        "supervisors' messages."
    )


def ask_anonymity() -> str:
    return _(
        "Should the supervisors see your name? Either way they can write to you through the "
        "bot, and your phone number is never shown."
    )


def use_buttons() -> str:
    return _("Please choose with the buttons above, or press «✖️ Cancel».")


def summary(description: str, anonymous: bool) -> str:
    who = _("🕶 Anonymously") if anonymous else _("👤 With your name")
    return "\n\n".join(
        (_("<b>Your complaint</b>"), description, who, _("Send it to the police leadership?"))
    )


def sending() -> str:
    return _("Sending…")


def cancelled() -> str:
    return _("The complaint is cancelled. Nothing was sent.")


def closed(number: int) -> str:
    return _(
        "Complaint № {number} is answered and closed: nothing was sent. If you disagree with "
        "the answer, you may appeal it to a higher police body, the prosecutor's office or a "
        "court."
    ).format(number=number)
