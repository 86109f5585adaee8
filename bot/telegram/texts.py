"""Longer texts the bot composes; each goes through gettext in the current locale."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

EMERGENCY = "102 / 112"


def emergency_note() -> str:
    return _(
        "🚨 In an emergency call <b>102</b> (police) or <b>112</b>. The bot is not for emergencies."
    )


def welcome() -> str:
    return _(
        "Hello! I am <b>Sakshy</b>, the Telegram assistant of the Local Police Service.\n\n"
        "Here you will be able to report minor offences to the police, follow what happens to "
        "your report and find your district inspector."
    )


def choose_language() -> str:
    return _("Choose the language of the bot:")


def language_set() -> str:
    return _("The language is switched.")


def help_text() -> str:
    return (
        _(
            "<b>Sakshy</b> connects residents with the Local Police Service.\n\n"
            "What I can do now:\n"
            "• /language: switch between Kazakh and Russian\n"
            "• /privacy: what I keep about you, and your consent\n"
            "• /cancel: stop what you are doing and go back to the menu\n\n"
            "More services (reports of minor offences, your district inspector, public helpers) "
            "are coming to this menu soon."
        )
        + "\n\n"
        + emergency_note()
    )


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
    return head + "\n\n" + status


def main_menu_hint() -> str:
    return _("Main menu. Choose an action with the buttons below.")


def not_understood() -> str:
    return _(
        "Sorry, I did not understand that. Choose an action with the buttons below or send /help."
    )


def unsupported_content() -> str:
    return _(
        "I cannot accept this kind of message here. Choose an action with the buttons below or "
        "send /help."
    )


def edits_ignored() -> str:
    return _("I do not read edited messages. Please send a new message instead.")


def stale_button() -> str:
    return _("This button is out of date. Use the menu below.")


def nothing_to_cancel() -> str:
    return _("There is nothing to cancel. Here is the main menu.")


def cancelled() -> str:
    return _("Cancelled. Here is the main menu.")


def something_went_wrong() -> str:
    return _(
        "Sorry, something went wrong on our side. What you sent is saved and will be checked. "
        "Please try again in a minute; in an emergency call 102 or 112."
    )


def something_went_wrong_short() -> str:
    """For a callback alert: at most 200 characters in every language."""
    return _(
        "Sorry, something went wrong on our side. What you sent is saved. Try again in a minute."
    )


def something_went_wrong_resend() -> str:
    """When even keeping the update failed: do not claim it is saved."""
    return _(
        "Sorry, something went wrong on our side. Please send it again in a minute; in an "
        "emergency call 102 or 112."
    )


def try_again_short() -> str:
    return _("Sorry, something went wrong on our side. Please try again in a minute.")


def banned() -> str:
    return _("Access to this bot is restricted for you. In an emergency call 102 or 112.")


def chat_id_answer(chat_id: int) -> str:
    return _("The id of this chat: <code>{chat_id}</code>").format(chat_id=chat_id)


def chat_id_private(user_id: int) -> str:
    return _(
        "Send /chatid in a group to see that group's id. "
        "Your own Telegram id: <code>{user_id}</code>"
    ).format(user_id=user_id)


def staff_help() -> str:
    return _(
        "<b>Sakshy in the duty unit group</b>\n\n"
        "Reports of residents will arrive in this group. Commands:\n"
        "• /chatid: the id of this group, for the STAFF_CHAT_ID setting"
    )


def group_private_only() -> str:
    return _("I work with residents in a private chat. Open a chat with me to get help.")
