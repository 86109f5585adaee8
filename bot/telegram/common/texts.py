"""The menu, help, errors and other texts every audience sees."""

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
        "Here you can report minor offences to the police, follow what happens to your "
        "report and find your district inspector."
    )


def choose_language() -> str:
    return _("Choose the language of the bot:")


def language_set() -> str:
    return _("The language is switched.")


def help_text() -> str:
    return (
        _(
            "<b>Sakshy</b> connects residents with the Local Police Service.\n\n"
            "What I can do:\n"
            "• /report: report a minor offence (noise, litter, parking, drinking in public, "
            "vandalism…) with the place and photos; you get its number\n"
            "• /myreports: your reports, their status and the police's answers\n"
            "• /inspector: your district inspector's contacts, from a location\n"
            "• /complaint: a complaint about a police officer\n"
            "• /subscribe: follow an area: community surveys, the police's local priorities, "
            "resolved reports there; /subscriptions to change or stop\n"
            "• /volunteer: become a public helper; /myduties: your duties and hours\n"
            "• /language: switch between Kazakh and Russian\n"
            "• /privacy: what I keep about you, and your consent\n"
            "• /cancel: stop what you are doing and go back to the menu"
        )
        + "\n\n"
        + emergency_note()
    )


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


def reports_not_accepted_yet() -> str:
    """STAFF_CHAT_ID is not set: no police chat would see a report, so none is taken."""
    return _(
        "Sorry, the bot cannot accept reports yet: it is not connected to the police duty unit, "
        "so nobody would see your report or answer it. Nothing has been sent.\n\n"
        "🚨 If you need the police, call <b>102</b> or <b>112</b>."
    )


def banned() -> str:
    return _(
        "Sorry, this bot cannot accept your reports. If you need the police, call 102 (112 in "
        "an emergency)."
    )


def chat_id_answer(chat_id: int) -> str:
    return _("The id of this chat: <code>{chat_id}</code>").format(chat_id=chat_id)


def chat_id_private(user_id: int) -> str:
    return _(
        "Send /chatid in a group to see that group's id. "
        "Your own Telegram id: <code>{user_id}</code>"
    ).format(user_id=user_id)


def staff_help() -> str:
    return (
        _(
            "<b>Sakshy in the duty unit group</b>\n\n"
            "Residents' reports arrive in this group; when the group has topics, each report gets "
            "its own topic, closed when the report is. Under each post: «🙋 Take», «✅ Resolved» "
            "(with or without a note for the resident), «⛔ Reject» (a reason from the list or "
            "typed) and «🔄 Reopen».\n"
            "Write in a report's topic, or reply to its post, to write to its resident; a message "
            "starting with // stays in this group.\n"
            "• /me rank surname: how residents see you, for example /me captain Akhmetov\n"
            "• /me and your inspector id (from the directory): you are mentioned on your "
            "precinct's reports\n"
            "• /mine: the reports you hold\n"
            "• /directory: the precincts and inspectors loaded, and how to replace them\n"
            "• /chatid: the id of this group, for the STAFF_CHAT_ID setting"
        )
        + "\n"
        + _(
            "• /phone or /walkin: file a report taken by phone or in person\n"
            "• /extend 1042 15.01.2027 reason: more time for the answer, within the law\n"
            "• /refer 1042 akimat note, or «↪️ Refer» under a post: pass it to another body "
            "(/bodies lists them)"
        )
    )


def group_private_only() -> str:
    return _("I work with residents in a private chat. Open a chat with me to get help.")


def slow_down() -> str:
    return _("That is a lot at once. Please wait a moment, then go on.")


def report_image_as_file() -> str:
    return _(
        "Please send the picture as a photo, not as a file: a file keeps hidden details, such as "
        "where it was taken, and I do not keep it. In Telegram choose «Photo» when you attach it."
    )


def members_only() -> str:
    return _("Only members of this chat can do this.")
