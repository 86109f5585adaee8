"""The report wizard: reporting a violation step by step."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.telegram.staff.reports.texts import format_number

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


def report_nearby(lines: list[str]) -> str:
    return _(
        "🔁 Already reported near this place:\n{list}\nIf it is the same thing, you can follow "
        "it instead: I will tell you how it ends, and the police see that it affects more "
        "people."
    ).format(list="\n".join(lines))


def report_nearby_line(number: int, metres: int, status: str, when: str) -> str:
    return _("• № {number} · {metres} m away · {status} · {when}").format(
        number=number, metres=metres, status=status, when=when
    )


def follow_button(number: int) -> str:
    return _("👁 Follow № {number}").format(number=number)


def report_followed(number: int) -> str:
    return _(
        "You now follow report № {number}; yours was not sent. I will tell you how it ends, "
        "and the police see that it affects you too."
    ).format(number=number)


def report_follow_gone(number: int) -> str:
    return _(
        "Report № {number} is closed or not near your place any more: send your own report, "
        "or cancel."
    ).format(number=number)


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
