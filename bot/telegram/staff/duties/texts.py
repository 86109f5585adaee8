"""Duties of public helpers: the roster, check-in, hours."""

from __future__ import annotations

from datetime import datetime, tzinfo

from aiogram import html
from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.domain.duties import HelperHours
from bot.telegram.staff.reports.texts import duration, format_number

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
