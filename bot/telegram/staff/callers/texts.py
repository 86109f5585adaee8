"""Texts of reports taken by phone or in person (the staff's side)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _


def caller_form() -> str:
    return _(
        "<b>A report taken by phone</b> (or /walkin: in person). Copy this, change the values "
        "and send it:\n\n"
        "<code>/phone\n"
        "category: noise\n"
        "what: Loud music after 23:00 every night\n"
        "where: Turan 12\n"
        "name: Aigul Serikova\n"
        "phone: +7 701 123 45 67\n"
        "consent: yes</code>\n\n"
        "The place is an address or a location like <code>42.3001, 69.6102</code>. Write "
        "«consent: yes» only if the caller agreed aloud to their data being kept: you are "
        "recorded as the one who asked. The category codes: {codes}."
    )


def caller_problems(problems: list[tuple[str, str]]) -> str:
    fields = {
        "category": _("category"),
        "what": _("what"),
        "where": _("where"),
        "name": _("name"),
        "phone": _("phone"),
        "consent": _("consent"),
    }
    lines = []
    for code, detail in problems:
        if code == "missing":
            lines.append(_("• {field}: missing").format(field=fields.get(detail, detail)))
        elif code == "category":
            lines.append(_("• category: there is no category «{value}»").format(value=detail))
        elif code == "outside":
            lines.append(_("• where: the location is outside the service area"))
        elif code == "phone":
            lines.append(_("• phone: «{value}» is not a phone number").format(value=detail))
        elif code == "consent":
            lines.append(_("• consent: write yes, and only if the caller agreed aloud"))
        else:
            lines.append(_("• {field}: too long").format(field=fields.get(detail, detail)))
    return _("The report is not filed. Please correct:\n{list}").format(list="\n".join(lines))


def caller_filed(number: int, code: str) -> str:
    return _(
        "☎️ Report № {number} is filed. Read the caller their code, so they can follow it in "
        "Telegram: <b>{code}</b>. They open the bot and send /claim {code}. The code works once; "
        "only its hash is kept."
    ).format(number=number, code=code)


def caller_not_in_telegram() -> str:
    return _(
        "The caller has not claimed this report in Telegram: call them back (the phone is on "
        "the post)."
    )
