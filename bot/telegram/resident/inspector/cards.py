"""How a district inspector, their precinct and police point are shown to a resident."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.utils.i18n import gettext as _
from babel.units import format_unit

from bot.domain.directory import Inspector, PolicePoint
from bot.domain.subscriptions import LocalPriority
from bot.services.directory import Found
from bot.telegram import texts


def phone_text(phone: str) -> str:
    """+77001234567 as +7 700 123 45 67: Telegram makes it tappable in a message."""
    if len(phone) == 12 and phone.startswith("+7"):
        d = phone[2:]
        return f"+7 {d[:3]} {d[3:6]} {d[6:8]} {d[8:]}"
    return phone


def inspector_card(found: Found, locale: str, priorities: list[LocalPriority] | None = None) -> str:
    assert found.precinct is not None
    precinct = found.precinct
    lines = [
        _("👮 <b>Your district inspector</b>"),
        f"🏘 {escape(precinct.name(locale))}, {escape(precinct.district(locale))}",
    ]
    for inspector in found.inspectors:
        lines.append("")
        lines.append(f"<b>{escape(inspector.rank(locale))} {escape(inspector.full_name)}</b>")
        lines.append("📞 " + ", ".join(phone_text(p) for p in inspector.phones))
        if inspector.reception(locale):
            lines.append(
                _("🕒 Receives residents: {hours}").format(
                    hours=escape(inspector.reception(locale))
                )
            )
        extra = []
        if inspector.email:
            extra.append(f"✉️ {escape(inspector.email)}")
        if inspector.telegram:
            extra.append(f"✈️ @{escape(inspector.telegram)}")
        if extra:
            lines.append(" · ".join(extra))
    if found.point is not None:
        lines.append("")
        lines.append(point_line(found.point, locale))
    if priorities:
        lines.append("")
        lines.append(texts.priorities_title())
        lines.extend(texts.priority_line(item, locale) for item in priorities[:5])
    lines.append("")
    lines.append(_("In an emergency call 102 (police) or 112."))
    return texts.whole_lines(lines)


def point_line(point: PolicePoint, locale: str) -> str:
    line = f"🏢 {escape(point.name(locale))}, {escape(point.address(locale))}"
    if point.hours(locale):
        line += f"\n🕒 {escape(point.hours(locale))}"
    if point.phone:
        line += f"\n📞 {phone_text(point.phone)}"
    return line


def outside_card(found: Found, locale: str) -> str:
    if found.point is None or found.distance_m is None:
        return _(
            "This place is outside the precincts in my directory. In an emergency call 102 "
            "(police) or 112."
        )
    distance = format_unit(
        round(found.distance_m / 1000, 1),
        "length-kilometer",
        length="short",
        format="#,##0.#",
        locale=locale,
    )
    return (
        _(
            "This place is outside the precincts in my directory. The nearest police point is "
            "{distance} away:"
        ).format(distance=distance)
        + "\n"
        + point_line(found.point, locale)
        + "\n\n"
        + _("In an emergency call 102 (police) or 112.")
    )


def contact_of(inspector: Inspector) -> dict[str, Any]:
    """A contact card the resident can save and call (a button cannot hold a tel: link)."""
    return {
        "phone_number": inspector.phones[0],
        "first_name": inspector.full_name[:64],
        "last_name": _("district inspector"),
    }


def venue_of(point: PolicePoint, locale: str) -> dict[str, Any]:
    return {
        "latitude": point.latitude,
        "longitude": point.longitude,
        "title": point.name(locale)[:100],
        "address": point.address(locale)[:100] or "—",
    }
