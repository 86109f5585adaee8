"""Texts of claiming a report taken by phone or in person (the resident's side)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _


def claim_usage() -> str:
    return _("Send /claim and the code the officer read you, like /claim 4821 7730.")


def claim_refused() -> str:
    return _("That code does not fit. Please check it with the officer who took your report.")


def claim_too_many() -> str:
    return _("Too many wrong codes. Please try again in an hour.")
