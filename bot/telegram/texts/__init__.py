"""Longer texts the bot composes; each goes through gettext in the current locale."""

from __future__ import annotations

from datetime import datetime, tzinfo

from aiogram import html
from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _
from babel.numbers import format_decimal

from bot.domain.community import SurveyStatus, SurveySummary
from bot.domain.duties import HelperHours
from bot.domain.subscriptions import LocalPriority

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
    return _(
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


def group_private_only() -> str:
    return _("I work with residents in a private chat. Open a chat with me to get help.")


# --- Reporting a violation -------------------------------------------------------------------


def report_start() -> str:
    return report_emergency() + "\n\n" + _("<b>Step 1 of 6.</b> What kind of violation is it?")


def report_choose_category() -> str:
    return _("Please choose the kind of violation with the buttons above.")


def report_ask_description() -> str:
    return _(
        "<b>Step 2 of 6.</b> Describe what happened: write it (up to 2000 characters), send a "
        "voice message, or a photo with a caption."
    )


def report_description_too_long(length: int, limit: int) -> str:
    return _(
        "That is {length} characters; the limit is {limit}. Please shorten it and send it again."
    ).format(length=format_number(length), limit=format_number(limit))


def report_description_unsupported() -> str:
    return _("Please describe it with text, a voice message or a photo with a caption.")


def report_ask_location() -> str:
    return _(
        "<b>Step 3 of 6.</b> Where is it? Press «📍 Send my location», or send a location "
        "from the attachment menu, or write the address or a landmark."
    )


def report_outside_area() -> str:
    return _(
        "This place is outside the area Sakshy serves (the city of Shymkent). Report it to the "
        "police there: call 102. Or send another place."
    )


def report_location_unsupported() -> str:
    return _("Please send a location or write the address.")


def report_address_too_long() -> str:
    return _("The address is too long: at most 300 characters, please.")


def report_ask_media() -> str:
    return _(
        "<b>Step 4 of 6.</b> You can add up to 5 photos or videos. Send them, then press "
        "«✅ Done», or press «⏭ Skip»."
    )


def report_media_added(count: int) -> str:
    return ngettext(
        "{count} photo or video added. Send more, or press «✅ Done».",
        "{count} photos or videos added. Send more, or press «✅ Done».",
        count,
    ).format(count=count)


def report_media_limit() -> str:
    return _("Only the first 5 photos or videos are kept. Press «✅ Done» to go on.")


def report_media_unsupported() -> str:
    return _("Please send photos or videos, or press «✅ Done» or «⏭ Skip».")


def report_ask_anonymity() -> str:
    return _(
        "<b>Step 5 of 6.</b> May the police see your name? If you report anonymously, the "
        "officers do not see who you are, and I can still tell you what happens to the report."
    )


def report_choose_anonymity() -> str:
    return _("Please choose with the buttons above.")


def report_ask_phone() -> str:
    return _(
        "<b>Step 6 of 6.</b> May an officer call you back? Press «📞 Share my phone», or «⏭ Skip»."
    )


def report_own_phone_only() -> str:
    return _("Please share your own number with the «📞 Share my phone» button.")


def report_summary(
    category: str, description: str, place: str, media: int, anonymous: bool, phone: bool
) -> str:
    lines = [
        _("<b>Check your report</b>"),
        _("Kind: {category}").format(category=category),
        _("What happened: {description}").format(description=description),
        _("Where: {place}").format(place=place),
        ngettext("Photos or videos: {count}", "Photos or videos: {count}", media).format(
            count=media
        ),
        _("Your name: hidden from the police")
        if anonymous
        else _("Your name: shown to the police"),
        _("Phone: shared") if phone else _("Phone: not shared"),
    ]
    return "\n".join(lines) + "\n\n" + _("Send it to the police?")


def report_voice_description() -> str:
    return _("🎙 voice message")


def report_photo_description() -> str:
    return _("📷 see the photo")


def report_typed_place(address: str) -> str:
    return _("{address} (location not verified)").format(address=address)


def report_cancelled() -> str:
    return _("The report is cancelled; nothing was sent. Here is the main menu.")


def report_emergency() -> str:
    return _(
        "🚨 A crime in progress, violence or danger to life: call <b>102</b> or <b>112</b> now, "
        "not the bot."
    )


def report_consent_needed() -> str:
    """Before the consent question: someone in danger reads the emergency numbers first."""
    return (
        report_emergency()
        + "\n\n"
        + _("To send a report I need your consent to keep what you send.")
    )


def report_refused_open(limit: int) -> str:
    return ngettext(
        "You already have {limit} open report. Please wait until the police answer it.",
        "You already have {limit} open reports. Please wait until the police answer them.",
        limit,
    ).format(limit=limit)


def report_refused_hourly(limit: int) -> str:
    return _(
        "You have sent {limit} reports within the last hour. Please try again later; in an "
        "emergency call 102 or 112."
    ).format(limit=limit)


def report_sending() -> str:
    return _("Sending…")


def report_confirm_expected() -> str:
    return _("Please press «✅ Send to the police» or «✖️ Cancel» under the summary.")


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


def relayed_to_officer(number: int) -> str:
    return _("✓ Sent to the duty officer of report № {number}.").format(number=number)


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
    }
    return names.get(action, action)


def write_button() -> str:
    return _("✍️ Write to the police officer")


def write_to_officer_prompt(number: int) -> str:
    return _(
        "Write what you want to add to report № {number}: text, a photo or a voice message. "
        "To stop, press «✖️ Cancel»."
    ).format(number=number)


def write_not_possible() -> str:
    return _("This report is closed, so messages no longer go to the officer. Send a new report.")


def write_unsupported() -> str:
    return _("Please send text, a photo, a video or a voice message, or press «✖️ Cancel».")


def inspector_ask() -> str:
    return _(
        "👮 <b>My district inspector</b>\n"
        "Send your location with the button below, choose your microdistrict from the list, or "
        "type its name. I will show your district inspector, how to reach them and where they "
        "receive residents."
    )


def inspector_not_loaded() -> str:
    return _(
        "The directory of district inspectors is not loaded yet. In an emergency call 102 "
        "(police) or 112."
    )


def inspector_place_expected() -> str:
    return _("Send your location, choose your microdistrict from the list, or type its name.")


def inspector_outside_area() -> str:
    return _(
        "This place is outside the area Sakshy serves (the city of Shymkent), so I do not know "
        "its district inspector. Call 102 (police) or 112."
    )


def inspector_choose() -> str:
    return _("Choose your microdistrict:")


def inspector_not_found(text: str) -> str:
    return _(
        "I found no microdistrict called «{text}». Send your location, or choose from the list."
    ).format(text=html.quote(text))


def inspector_report_here() -> str:
    return _("📝 Report a violation here")


def report_place_preset() -> str:
    return _("📍 The place: the location you sent for the inspector lookup.")


def directory_status(
    precincts: int,
    inspectors: int,
    points: int,
    linked: int,
    when: str | None,
    who: str | None,
    source: str | None,
) -> str:
    lines = [
        _("<b>The directory</b>"),
        _("Precincts: {precincts} · inspectors: {inspectors} · police points: {points}").format(
            precincts=format_number(precincts),
            inspectors=format_number(inspectors),
            points=format_number(points),
        ),
        _("Officers linked to their inspector record: {linked}").format(
            linked=format_number(linked)
        ),
    ]
    if when is not None:
        lines.append(
            _("Last import: {when}, {who} ({source})").format(
                when=when, who=html.quote(who or ""), source=html.quote(source or "")
            )
        )
    else:
        lines.append(_("Nothing has been imported yet."))
    lines.append(
        _(
            "An administrator replaces it by sending a GeoJSON file with the caption /directory "
            "(the format is in the README). An officer links their account with /me and their "
            "inspector id."
        )
    )
    return "\n".join(lines)


def directory_admins_only() -> str:
    return _("Only the group's administrators can replace the directory.")


def directory_file_too_big(megabytes: int) -> str:
    return _("The file is too big: at most {megabytes} MB.").format(
        megabytes=format_number(megabytes)
    )


def directory_cannot_read() -> str:
    return _("I cannot read this file: send a GeoJSON file in UTF-8.")


def directory_problems(shown: list[str], total: int) -> str:
    lines = [
        ngettext(
            "Nothing changed: the file has {count} problem.",
            "Nothing changed: the file has {count} problems.",
            total,
        ).format(count=format_number(total))
    ]
    listed = 0
    size = len(lines[0])
    for line in shown:
        item = f"• {html.quote(line if len(line) <= 250 else line[:249] + '…')}"
        if size + len(item) > 3600:  # a message holds 4096 characters
            break
        lines.append(item)
        size += len(item) + 1
        listed += 1
    if total > listed:
        lines.append(_("… and {count} more").format(count=format_number(total - listed)))
    return "\n".join(lines)


def directory_replaced(
    precincts: int, inspectors: int, points: int, changed: dict[str, int]
) -> str:
    return _(
        "✅ The directory is replaced: {precincts} precincts, {inspectors} inspectors, {points} "
        "police points ({changes} changes). New reports are placed with it from now on."
    ).format(
        precincts=format_number(precincts),
        inspectors=format_number(inspectors),
        points=format_number(points),
        changes=format_number(sum(changed.values())),
    )


def directory_link_taken() -> str:
    return _(
        "This inspector record is already linked to another account. Ask an administrator of "
        "the group to link it to yours."
    )


def directory_linked(who: str) -> str:
    return _(
        "Linked: you are {who} in the directory. You will be mentioned on your precinct's reports."
    ).format(who=html.quote(who))


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


# --- public helpers ---------------------------------------------------------------------------


def helper_intro() -> str:
    return _(
        "🤝 <b>Become a public helper</b>\n"
        "Public helpers help the police keep public order in their neighbourhood: patrols with "
        "an officer, events, prevention talks. A helper serves on their own time, is trained "
        "and is protected by the law «On the prevention of offences»; they do not replace the "
        "police and carry no weapon.\n\n"
        "The police check each application against the registers, and the akimat registers the "
        "helper within 7 working days.\n\n"
        "To apply I need your full name, date of birth, IIN, phone, the precincts you want to "
        "serve in and when you are free. Do you agree that the police process these data for "
        "your application?"
    )


def helper_agree() -> str:
    return _("✅ I agree")


def helper_cancelled() -> str:
    return _("The application is cancelled; nothing was kept. Here is the main menu.")


def helper_already(status: str) -> str:
    return _("You already have an application or are a helper (status: {status}).").format(
        status=helper_status_name(status)
    )


def helper_status_name(status: str) -> str:
    names = {
        "applied": _("application received"),
        "checked": _("checked by the police"),
        "registered": _("registered by the akimat"),
        "active": _("active"),
        "rejected": _("rejected"),
        "suspended": _("suspended"),
        "retired": _("stepped down"),
    }
    return names.get(status, status)


def helper_ask_name() -> str:
    return _("<b>Step 1 of 7.</b> Your surname and name (and patronymic), as in your ID.")


def helper_ask_birth() -> str:
    return _("<b>Step 2 of 7.</b> Your date of birth, like 05.01.1990.")


def helper_ask_iin() -> str:
    return _("<b>Step 3 of 7.</b> Your IIN: the 12 digits in your ID.")


def helper_ask_phone() -> str:
    return _("<b>Step 4 of 7.</b> Your phone: press «📞 Share my phone» below.")


def helper_ask_precincts() -> str:
    return _(
        "<b>Step 5 of 7.</b> Where will you serve? Choose up to 5 precincts below, or send a "
        "location to add the precinct there."
    )


def helper_precincts_list() -> str:
    return _("Precincts (press again to remove one):")


def helper_ask_availability() -> str:
    return _("<b>Step 6 of 7.</b> When are you free? Choose the days and the times of day.")


def helper_ask_note() -> str:
    return _(
        "<b>Step 7 of 7.</b> Anything the police should know (experience, languages, a car)? "
        "Write it, or press «⏭ Skip»."
    )


def helper_done() -> str:
    return _("✅ Done")


def helper_send() -> str:
    return _("✅ Send the application")


def helper_day_names() -> list[str]:
    return [_("Mo"), _("Tu"), _("We"), _("Th"), _("Fr"), _("Sa"), _("Su")]


def helper_band_names() -> dict[str, str]:
    return {
        "morning": _("morning"),
        "day": _("day"),
        "evening": _("evening"),
        "night": _("night"),
    }


def _listed(value: object) -> list[object]:
    """A list kept in the FSM data (JSON), or nothing."""
    return value if isinstance(value, list) else []


def helper_summary(data: dict[str, object]) -> str:
    days = [helper_day_names()[int(str(d))] for d in _listed(data.get("days"))]
    bands = [helper_band_names().get(str(b), str(b)) for b in _listed(data.get("bands"))]
    return _(
        "<b>Check your application</b>\n"
        "Name: {name}\nDate of birth: {birth}\nIIN: {iin}\nPhone: {phone}\n"
        "Precincts: {precincts}\nWhen: {days}; {bands}\nNote: {note}\n\n"
        "Send it to the police?"
    ).format(
        name=html.quote(str(data.get("full_name", ""))),
        birth=html.quote(str(data.get("birth_date", ""))),
        iin=html.quote(str(data.get("iin", ""))),
        phone=html.quote(str(data.get("phone", ""))),
        precincts=format_number(len(data.get("precincts") or [])),  # type: ignore[arg-type]
        days=", ".join(days),
        bands=", ".join(bands),
        note=html.quote(str(data.get("note") or "—")),
    )


def helper_text_expected() -> str:
    return _("Please answer with text, or use «⬅️ Back» and «✖️ Cancel».")


def helper_phone_button() -> str:
    return _("Please press «📞 Share my phone»: it sends your own number.")


def helper_bad_name() -> str:
    return _("Please write your surname and name in letters, at least two words.")


def helper_bad_birth() -> str:
    return _("I could not read the date. Write it like 05.01.1990.")


def helper_birth_future() -> str:
    return _("That date is in the future. Write your date of birth, like 05.01.1990.")


def helper_too_young(age: int) -> str:
    return _("Public helpers must be at least {age} years old.").format(age=format_number(age))


def helper_bad_iin(problem: str) -> str:
    if problem == "digits":
        return _("An IIN is exactly 12 digits. Please check it and send it again.")
    if problem == "date":
        return _("This IIN does not hold a valid date of birth. Please check it.")
    return _("This IIN is not valid (its check digit does not match). Please check it.")


def helper_iin_birth_mismatch() -> str:
    return _(
        "This IIN belongs to another date of birth. Check the IIN, or go «⬅️ Back» to correct "
        "the date."
    )


def helper_not_own_contact() -> str:
    return _("This is someone else's contact. Please press «📞 Share my phone» to send your own.")


def helper_bad_phone() -> str:
    return _("This number is not a Kazakhstan number (+7). Please share a Kazakhstan number.")


def helper_no_precinct_there() -> str:
    return _("This place is in no precinct of the directory. Choose from the list instead.")


def helper_too_many_precincts(limit: int) -> str:
    return _("At most {limit} precincts.").format(limit=format_number(limit))


def helper_precinct_added(name: str) -> str:
    return _("Added: {name}.").format(name=html.quote(name))


def helper_choose_a_precinct() -> str:
    return _("Choose at least one precinct.")


def helper_choose_availability() -> str:
    return _("Choose at least one day and one time of day.")


def helper_note_too_long(limit: int) -> str:
    return _("That is too long: at most {limit} characters.").format(limit=format_number(limit))


def helper_problem(problem: str, min_age: int) -> str:
    """What to fix when the whole application is checked again at «Send»."""
    if problem == "name":
        return helper_bad_name()
    if problem == "birth_future":
        return helper_birth_future()
    if problem == "too_young":
        return helper_too_young(min_age)
    if problem.startswith("iin_") and problem != "iin_birth_mismatch":
        return helper_bad_iin(problem[4:])
    if problem == "iin_birth_mismatch":
        return helper_iin_birth_mismatch()
    if problem == "phone":
        return helper_bad_phone()
    if problem == "precincts":
        return _(
            "A precinct you chose is no longer in the directory. Please choose again; the rest "
            "of your application is kept."
        )
    return helper_choose_availability()


def helper_refused(reason: str, problems: list[str], until: str | None = None) -> str:
    if reason == "open":
        return _("You already have an application or are a helper.")
    if reason == "cooldown":
        return _(
            "After a rejected or finished application you can apply again from {date}."
        ).format(date=until or "—")
    del problems  # each step checked its own answer; this is a change of rules meanwhile
    return _("Something in the application is no longer valid; please start again.")


def helper_received(number: int) -> str:
    return _(
        "Your application № {number} has been received. The police will check it, and the "
        "akimat registers helpers within 7 working days. I will tell you here about each step."
    ).format(number=number)


def helper_iin_admins_only() -> str:
    return _("Only the group's administrators can see a full IIN.")


def helper_iin_alert(iin: str) -> str:
    return _("IIN: {iin}. This look is recorded.").format(iin=iin)


def helper_registration_format() -> str:
    return _("Write the registration number and the date, like: ҚК-0042 25.11.2026")


def helper_profile(
    number: int,
    status: str,
    registration: str | None,
    precincts: str,
    days: str,
    bands: str,
    hours: str,
) -> str:
    lines = [
        _("🤝 <b>My public helper profile</b> (№ {number})").format(number=number),
        _("Status: {status}").format(status=status),
    ]
    if registration:
        lines.append(
            _("Registration by the akimat: № {number}").format(number=html.quote(registration))
        )
    lines.append(_("Precincts: {list}").format(list=html.quote(precincts)))
    lines.append(_("When: {days}; {bands}").format(days=days, bands=bands))
    lines.append(_("Time served on duties: {amount}").format(amount=hours))
    return "\n".join(lines)


def helper_no_profile() -> str:
    return _("You are not a public helper. To become one, send /volunteer.")


def helper_edit_availability() -> str:
    return _("✏️ Change when I am free")


def helper_step_down() -> str:
    return _("🏁 Step down")


def helpers_usage() -> str:
    return _(
        "/helpers shows the counts per precinct. Add a status (applied, checked, registered, "
        "active, rejected, suspended, retired), a precinct's code, or both, to list the people: "
        "/helpers active, /helpers zhd-vokzal applied."
    )


def helpers_none_such() -> str:
    return _("Nobody matches. /helpers shows the counts per precinct.")


def helpers_more(count: int) -> str:
    return ngettext(
        "…and {count} more: narrow the list by precinct or status.",
        "…and {count} more: narrow the list by precinct or status.",
        count,
    ).format(count=format_number(count))


def helpers_none() -> str:
    return _("No public helpers or applications yet.")


def helpers_title(count: int) -> str:
    return ngettext(
        "<b>Public helpers and applications: {count}</b>",
        "<b>Public helpers and applications: {count}</b>",
        count,
    ).format(count=format_number(count))


def helper_not_found() -> str:
    return _("No such application. Write /helper and its number, like /helper 12.")


def helper_answer_sent(number: int) -> str:
    return _("✓ Your answer about application № {number} has been sent to the police.").format(
        number=number
    )


def helper_own_application() -> str:
    return _("Nobody vets their own application: ask another officer.")


def helper_step_down_confirm() -> str:
    return _(
        "Do you really want to step down as a public helper? To serve again you would have to "
        "apply anew, after a pause."
    )


def helper_step_down_yes() -> str:
    return _("🏁 Yes, step down")


def helper_step_down_no() -> str:
    return _("No, stay")


def helper_use_buttons_here() -> str:
    return _("Please answer with the buttons above (or «✖️ Cancel»).")


# --- duties ------------------------------------------------------------------------------------


def duty_form() -> str:
    return _(
        "<b>A new duty for public helpers.</b> Copy this, change the values and send it:\n\n"
        "<code>/duty\n"
        "date: 28.11.2026\n"
        "time: 18:00-21:00\n"
        "precincts: zhd-vokzal, mzhk\n"
        "place: mpp-zhd\n"
        "helpers: 4\n"
        "task: Evening patrol around the station square\n"
        "leader: Captain Serikbayev +77011234567</code>\n\n"
        "The place is a police point's code or a location like <code>42.3001, 69.6102 the "
        "fountain</code>. Precinct codes are in /directory. /duty N shows a duty with its "
        "roster."
    )


def duty_form_problems(problems: list[tuple[str, str]], created: bool = True) -> str:
    names = {
        "date": _("date"),
        "time": _("time"),
        "precincts": _("precincts"),
        "place": _("place"),
        "seats": _("helpers"),
        "task": _("task"),
        "leader": _("leader"),
    }
    lines = [_("The duty was not created:") if created else _("The duty was not changed:")]
    for code, detail in problems:
        value = html.quote(detail[:60])
        if code == "missing":
            line = _("the «{field}» line is missing").format(field=names.get(detail, detail))
        elif code == "date":
            line = _("«{value}» is not a date; write it like 28.11.2026").format(value=value)
        elif code == "time":
            line = _("«{value}» is not a time span; write it like 18:00-21:00").format(value=value)
        elif code == "end_before_start":
            line = _("in «{value}» the end is not after the start").format(value=value)
        elif code == "too_long":
            line = _("a duty lasts at most {hours} hours").format(hours=detail)
        elif code == "past":
            line = _("this duty would start in the past")
        elif code == "too_far":
            line = _("duties are planned at most {days} days ahead").format(days=detail)
        elif code == "place_outside":
            line = _("«{value}» is outside the service area (latitude comes first)").format(
                value=value
            )
        elif code == "precinct":
            line = _("there is no precinct «{value}» in the directory").format(value=value)
        elif code == "too_many_precincts":
            line = _("at most {count} precincts per duty").format(count=detail)
        elif code == "place":
            line = _(
                "«{value}» is neither a police point's code nor a location like 42.3001, 69.6102"
            ).format(value=value)
        elif code == "seats":
            line = _("the number of helpers must be 1 or more, not «{value}»").format(value=value)
        elif code == "too_many_seats":
            line = _("at most {count} helpers per duty").format(count=detail)
        elif code == "task_long":
            line = _("the task is too long: at most {count} characters").format(count=detail)
        elif code == "leader_phone":
            line = _("the leader needs a Kazakhstan phone number (+7…): «{value}»").format(
                value=value
            )
        else:
            line = _("the leader's name is missing or too long: «{value}»").format(value=value)
        lines.append("• " + line)
    lines.append(_("Send /duty alone to see the form."))
    return "\n".join(lines)


def duty_change_usage() -> str:
    return _(
        "To change a duty, write /duty, its number, and on the next lines only what changes, "
        "like:\n<code>/duty 3\ntime: 19:00-22:00\nhelpers: 5</code>"
    )


def duty_fewer_seats_than_taken() -> str:
    return _("More helpers have already taken a seat than that. Nothing was changed.")


def duty_changed_staff(number: int) -> str:
    return _("✏️ Duty № {number} changed; the helpers on it have been notified.").format(
        number=number
    )


def duty_created(number: int, offers_at: datetime | None, zone: tzinfo) -> str:
    """`offers_at`: when the first offers go, if not now (held by the quiet hours)."""
    if offers_at is None:
        return _(
            "✅ Duty № {number} created. The first helpers are being asked now; the duty's post "
            "shows who takes a seat."
        ).format(number=number)
    from babel.dates import format_datetime

    when = format_datetime(
        offers_at, "d MMMM, HH:mm", tzinfo=zone, locale=get_i18n().current_locale
    )
    return _(
        "✅ Duty № {number} created. No offers go out at night: the first helpers will be "
        "asked at {when}; the duty's post shows who takes a seat."
    ).format(number=number, when=when)


def duty_not_found() -> str:
    return _("No such duty. Write /duty and its number, like /duty 3.")


def duty_cancel_usage() -> str:
    return _(
        "Write /cancelduty, the duty's number and the reason, like: /cancelduty 3 storm warning"
    )


def duty_not_open() -> str:
    return _("There is no such duty, or it has already started or been cancelled.")


def duty_cancelled_staff(number: int) -> str:
    return _("Duty № {number} cancelled; the helpers who took a seat have been notified.").format(
        number=number
    )


def duty_hours_usage() -> str:
    return _(
        "/hours shows this month's hours per helper; /hours 2026-11 another month. To correct a "
        "helper's hours on a duty: /hours 3 12 2:30 (duty, helper, hours:minutes)."
    )


def duty_noshow_usage() -> str:
    return _("Write /noshow, the duty's number and the helper's number, like: /noshow 3 12")


def duty_not_on_roster() -> str:
    return _("That helper has no seat on that duty.")


def duty_hours_set(duty: int, helper: int, amount: str) -> str:
    return _("Helper № {helper} on duty № {duty}: {amount} counted.").format(
        helper=helper, duty=duty, amount=amount
    )


def duty_noshow_set(duty: int, helper: int) -> str:
    return _("Helper № {helper} did not come to duty № {duty}: recorded.").format(
        helper=helper, duty=duty
    )


def duty_hours_report(month: str, rows: list[HelperHours]) -> str:
    if not rows:
        return _("No duties served in {month}.").format(month=month)
    lines = [_("<b>Hours of public helpers, {month}</b>").format(month=month)]  # the most first
    for row in rows[:100]:
        name = html.quote(row.full_name[:60])
        line = f"• № {row.helper_id} · {name} · {duration(row.minutes)}"
        line += " · " + ngettext("{count} duty", "{count} duties", row.duties).format(
            count=format_number(row.duties)
        )
        if row.no_shows:
            line += " · " + _("did not come: {count}").format(count=format_number(row.no_shows))
        lines.append(line)
    return whole_lines(lines)


def duty_withdraw_button() -> str:
    return _("↩️ Give my seat back")


def duty_accepted(withdraw_hours: float) -> str:
    return _(
        "✅ You are on this duty. I will remind you a day and an hour before. If you cannot "
        "come, give your seat back up to {hours} hours before the start."
    ).format(hours=format_number(int(withdraw_hours)))


def duty_accepted_late(phone: str) -> str:
    return _(
        "✅ You are on this duty. I will remind you before it starts. It starts soon: if you "
        "cannot come after all, call the duty leader: {phone}."
    ).format(phone=phone)


def duty_not_active() -> str:
    return _("Only active public helpers can take duties.")


def duty_noshow_too_early() -> str:
    return _("The duty has not started yet: until then the helper can still give the seat back.")


def chunks(text: str, limit: int = 3900) -> list[str]:
    """A long text as messages of at most `limit` characters, cut between lines."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        line = line[:limit]
        if current and size + len(line) + 1 > limit:
            parts.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    parts.append("\n".join(current))
    return parts


def whole_lines(lines: list[str], limit: int = 3900) -> str:
    """Lines up to a message's size, cut between lines (never inside a tag or an entity)."""
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > limit:
            kept.append("…")
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


def duty_roster_more(count: int) -> str:
    return ngettext(
        "…and {count} more: /duty and the number shows them all.",
        "…and {count} more: /duty and the number shows them all.",
        count,
    ).format(count=format_number(count))


def duty_phones_sent() -> str:
    return _("The roster with the phones is in your private chat with me.")


def duty_phones_start_first() -> str:
    return _(
        "I cannot write to you in private yet: open a chat with me, press Start, then ask again."
    )


def duty_declined() -> str:
    return _("✖️ You said no to this one. Thank you for answering!")


def duty_withdrawn() -> str:
    return _("↩️ You gave your seat back; it goes to another helper. Thank you for telling us.")


def duty_full() -> str:
    return _("All the seats are taken already. Thank you, and see you at the next duty!")


def duty_already_yours() -> str:
    return _("You already have a seat on this duty.")


def duty_collides(other: int) -> str:
    return _("You already have duty № {other} at that time.").format(other=other)


def duty_too_late(hours: float, phone: str) -> str:
    return _(
        "It is less than {hours} hours before the start. If you cannot come, call the duty "
        "leader: {phone}."
    ).format(hours=format_number(int(hours)), phone=phone)


def duty_over() -> str:
    return _("This duty has started, ended or been cancelled.")


def duty_check_in_not_yet() -> str:
    return _("Check-in opens half an hour before the start.")


def duty_checked_in(number: int) -> str:
    return _(
        "✅ You are checked in on duty № {number}. If the leader asks, send your location."
    ).format(number=number)


def duty_already_here() -> str:
    return _("You are already checked in.")


def duty_nothing_now() -> str:
    return _("You have no duty going on now.")


def duty_nothing_to_check_out() -> str:
    return _("There is nothing to check out of: you were not checked in on this duty.")


def duty_checked_out(amount: str) -> str:
    return _("🏁 Checked out. Counted: {amount}. Thank you for your help!").format(amount=amount)


def duty_near(metres: int) -> str:
    return _("📍 Thank you: you are {metres} m from the meeting point.").format(
        metres=format_number(metres)
    )


def duty_far(metres: int, radius: int, place: str) -> str:
    return _(
        "⚠️ You are {metres} m from the meeting point, farther than {radius} m. Please go to: "
        "{place}."
    ).format(metres=format_number(metres), radius=format_number(radius), place=html.quote(place))


def duty_none_mine() -> str:
    return _("You have no duties yet. When one is offered to you, it will come here.")


def duty_upcoming_title() -> str:
    return _("<b>Upcoming duties:</b>")


def duty_past_title() -> str:
    return _("<b>Past duties:</b>")


def duty_state_cancelled() -> str:
    return _("cancelled")


def duty_state_no_show() -> str:
    return _("did not come")


def duty_total(amount: str) -> str:
    return _("Hours served in all: {amount}").format(amount=amount)


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
    }
    return names.get(action, action)


def stats_usage() -> str:
    return _(
        "/stats shows the last 7 days. Add a period (today, week, month, 2026-11 or "
        "01.11.2026-21.11.2026, at most 93 days) and a precinct's code if you like: "
        "/stats month zhd-vokzal."
    )


def stats_title(span: str, precinct: str | None) -> str:
    if precinct:
        return _("📊 <b>Reports, {span}, {precinct}</b>").format(
            span=span, precinct=html.quote(precinct)
        )
    return _("📊 <b>Reports, {span}</b>").format(span=span)


def stats_empty(span: str, precinct: str | None) -> str:
    if precinct:
        return _("📊 No reports in {span} in {precinct}.").format(
            span=span, precinct=html.quote(precinct)
        )
    return _("📊 No reports in {span}.").format(span=span)


def stats_total(count: int) -> str:
    return ngettext("{count} report made", "{count} reports made", count).format(
        count=format_number(count)
    )


def stats_take(amount: str) -> str:
    return _("⏱ Median time until taken: {amount}").format(amount=amount)


def stats_resolve(amount: str) -> str:
    return _("✅ Median time until resolved: {amount}").format(amount=amount)


def stats_rating(mean: str, count: int) -> str:
    return ngettext(
        "⭐ Residents' rating: {mean} of 5 ({count} answer)",
        "⭐ Residents' rating: {mean} of 5 ({count} answers)",
        count,
    ).format(mean=mean, count=format_number(count))


def stats_chart_title() -> str:
    return _("Reports per day, by category")


def stats_chart_times() -> str:
    return _("Median hours, for the reports made that day")


def stats_chart_take() -> str:
    return _("until taken")


def stats_chart_resolve() -> str:
    return _("until resolved")


def stats_chart_rating() -> str:
    return _("Residents' rating (1–5), for the reports made that day")


def export_usage() -> str:
    return _(
        "/export gives the last 7 days as CSV files; add a period like /export 2026-11 or "
        "/export 01.11.2026-21.11.2026 (at most 93 days)."
    )


def export_caption(name: str, count: int) -> str:
    if name == "reports":
        return ngettext("Reports: {count} row", "Reports: {count} rows", count).format(
            count=format_number(count)
        )
    if name == "audit":
        return ngettext(
            "Who did what (the audit): {count} row", "Who did what (the audit): {count} rows", count
        ).format(count=format_number(count))
    return ngettext(
        "Public helpers' hours: {count} row", "Public helpers' hours: {count} rows", count
    ).format(count=format_number(count))


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
    return _("✓ Sent to the resident in their language.")


def analysts_figures_only() -> str:
    return _(
        "This chat gets figures without personal data: the daily digest and /stats. Work on "
        "reports happens in the duty unit group."
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


# --- following an area -------------------------------------------------------------------------


def subscribe_ask() -> str:
    return _(
        "Which area would you like to follow? Send its location (the button below) or write "
        "the name of the microdistrict or street area. You can then choose what I tell you: "
        "community surveys, the police's local priorities, resolved reports there."
    )


def subscribe_cancelled() -> str:
    return _("Cancelled. Nothing was changed.")


def subscribe_no_precinct() -> str:
    return _("This place is in no precinct I know. Try another point or write the area's name.")


def subscribe_not_found() -> str:
    return _("I found no such area. Write part of its name, or send its location.")


def subscribe_which() -> str:
    return _("Which one?")


def subscribed(name: str) -> str:
    return _(
        "🔔 You follow {area} now. /subscriptions shows what you follow and lets you switch "
        "each kind of message off or stop."
    ).format(area=html.quote(name))


def subscribed_already(name: str) -> str:
    return _("You already follow {area}. /subscriptions shows it.").format(area=html.quote(name))


def subscriptions_none() -> str:
    return _("You follow no area yet. /subscribe to start: nobody is messaged without asking.")


def subscription_kinds() -> dict[str, str]:
    return {
        "surveys": _("community surveys"),
        "priorities": _("local priorities"),
        "alerts": _("resolved reports nearby"),
    }


def subscription_card(name: str) -> str:
    return _("🔔 <b>{area}</b>: what I tell you (press to switch):").format(area=html.quote(name))


def subscription_stop() -> str:
    return _("🗑 Stop following this area")


def subscription_removed() -> str:
    return _("You no longer follow this area.")


def priority_line(item: LocalPriority, language: str) -> str:
    """«• 22.11.2026: issue — action» in the reader's language."""
    text = item.text(language)
    since = item.since
    shown = f"{since[8:10]}.{since[5:7]}.{since[:4]}" if len(since) == 10 else since
    return f"• {shown}: {html.quote(text)}"


def priorities_none() -> str:
    return _("No priorities are published for this area now.")


def priorities_title() -> str:
    return _("📌 <b>What the police here work on</b>:")


def priorities_usage() -> str:
    return _(
        "/priorities lists the published priorities; /priorities zhd-vokzal those of a "
        "precinct. To publish one (members): /priorities add and the precinct's code, then a "
        "line «kk: issue — action» and a line «ru: issue — action». To take one down: "
        "/priorities remove 3."
    )


def priority_published(number: int) -> str:
    return _(
        "✅ Priority #{number} published: it is on the inspector's card, and those who follow "
        "the area are told."
    ).format(number=number)


def priority_removed(number: int) -> str:
    return _("Priority #{number} taken down; those who follow the area are told.").format(
        number=number
    )


def priority_unknown() -> str:
    return _("There is no such published priority.")


def both_languages_missing(languages: str) -> str:
    return _("Write it in both languages, Kazakh and Russian; missing: {languages}.").format(
        languages=languages
    )


def subscribe_consent_needed() -> str:
    return _(
        "To tell you about an area I keep which area you follow, so I need your consent first."
    )


# --- community surveys -------------------------------------------------------------------------


def survey_form() -> str:
    return _(
        "<b>A community survey.</b> Copy this, change it and send it; you will see a draft "
        "before anything goes out:\n\n"
        "<code>/survey\n"
        "to: zhd-vokzal, mzhk\n"
        "until: 30.11.2026 18:00\n"
        "kk: Кешке аулада жарық жеткілікті ме?\n"
        "ru: Достаточно ли вечером света во дворе?\n"
        "- Иә, жеткілікті | Да, достаточно\n"
        "- Жоқ, қараңғы | Нет, темно\n"
        "- Білмеймін | Не знаю</code>\n\n"
        "«to» takes precinct codes (from /directory) or «all» for everyone who follows an "
        "area; 2 to 10 options, each «Kazakh | Russian». /survey N shows the results so far, "
        "/survey N csv gives them as a table, /survey N close ends it now."
    )


def survey_form_problems(problems: list[tuple[str, str]]) -> str:
    names = {"to": _("to"), "until": _("until")}
    lines = [_("The survey was not created:")]
    for code, detail in problems:
        value = html.quote(detail[:60])
        if code == "missing":
            line = _("the «{field}» line is missing").format(field=names.get(detail, detail))
        elif code == "question_language":
            line = _("the question in {language} is missing (a line «{language}: …»)").format(
                language=detail
            )
        elif code == "question_long":
            line = _("the question is too long: at most {count} characters").format(count=detail)
        elif code == "option_language":
            line = _("option {number} needs both languages: «Kazakh | Russian»").format(
                number=detail
            )
        elif code == "option_long":
            line = _("option {number} is too long for a button: at most 60 characters").format(
                number=detail
            )
        elif code == "option_twice":
            line = _("option {number} repeats an earlier one").format(number=detail)
        elif code == "options":
            line = _("a survey has 2 to 10 options, not {count}").format(count=detail)
        elif code == "precinct":
            line = _("there is no precinct «{value}» in the directory").format(value=value)
        elif code == "too_many_precincts":
            line = _("at most {count} precincts; write «all» for every area").format(count=detail)
        elif code == "until":
            line = _("«{value}» is not a moment; write it like 30.11.2026 18:00").format(
                value=value
            )
        elif code == "too_soon":
            line = _("a survey runs at least {hours} hour from now").format(hours=detail)
        elif code == "too_far":
            line = _("a survey runs at most {days} days").format(days=detail)
        else:
            line = _("I do not understand the line «{value}»").format(value=value)
        lines.append("• " + line)
    lines.append(_("Send /survey alone to see the form."))
    return "\n".join(lines)


def survey_not_found() -> str:
    return _("There is no sent survey with that number. /survey lists them.")


def survey_not_open() -> str:
    return _("That survey has already ended (or was never sent).")


def survey_closed_by_staff(number: int) -> str:
    return _("Survey № {number} is ended; its results follow.").format(number=number)


def survey_draft_gone() -> str:
    return _("This draft was sent or discarded already.")


def survey_draft_too_late() -> str:
    return _("Its end time is too close now: compose it again with a later «until».")


def survey_draft_night() -> str:
    return _(
        "It is night now: the survey would go out in the morning and end less than an hour "
        "later. Compose it again with a later «until»."
    )


def survey_discarded(number: int) -> str:
    return _("🗑 Draft № {number} discarded; nothing was sent.").format(number=number)


def survey_list_title() -> str:
    return _("<b>Recent surveys</b>:")


def survey_list_line(item: SurveySummary, language: str, until: str) -> str:
    question = item.question(language)
    opened = item.status is SurveyStatus.OPEN
    state = _("open until {until}").format(until=until) if opened else _("ended")
    return _("№ {number} · {state} · answered {answered} of {count} · {question}").format(
        number=item.id,
        state=state,
        answered=item.answered,
        count=item.recipients if item.recipients is not None else "—",
        question=html.quote(question[:80]),
    )


def survey_csv_caption(number: int) -> str:
    return _("Survey № {number}: answers per area and option (counts only, no names).").format(
        number=number
    )


def csurvey_thanks() -> str:
    return _("Thank you, your answer is counted.")


def csurvey_changed() -> str:
    return _("Your answer is changed.")


def csurvey_same() -> str:
    return _("This is your answer already.")


def csurvey_closed() -> str:
    return _("This survey has ended; answers are no longer taken.")


def slow_down() -> str:
    return _("That is a lot at once. Please wait a moment, then go on.")


def report_image_as_file() -> str:
    return _(
        "Please send the picture as a photo, not as a file: a file keeps hidden details, such as "
        "where it was taken, and I do not keep it. In Telegram choose «Photo» when you attach it."
    )
