"""Finding the district inspector, and the directory staff load."""

from __future__ import annotations

from aiogram import html
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.telegram.staff.reports.texts import format_number


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
