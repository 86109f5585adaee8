"""Public helpers: the application, the profile and stepping down."""

from __future__ import annotations

from aiogram import html
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.telegram.staff.reports.texts import format_number

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
    """Said when the answer is queued, not when it arrived: the 👌 on it says that."""
    return _(
        "⏳ Your answer about application № {number} is on its way to the police. When it "
        "arrives, 👌 appears on it."
    ).format(number=number)


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
