"""Everything aiogram: routers, keyboards, middlewares, rendering."""

from __future__ import annotations

from aiogram import Router

from bot.telegram.access import resident_area, staff_area
from bot.telegram.routers import (
    community,
    community_staff,
    directory_admin,
    duties,
    duties_staff,
    errors,
    fallback,
    groups,
    helper_profile,
    helpers_staff,
    info,
    inspector,
    my_reports,
    report,
    staff,
    staff_desk,
    start,
    subscriptions,
    survey,
    volunteer,
)


def routers() -> list[Router]:
    """Fresh routers for one Dispatcher (a Router can be attached only once). Residents' and
    staff routers hang under their areas (bot.telegram.access), which check the chat, and for
    staff the role, once for every handler under them."""
    return [
        errors.router(),
        resident_area(
            start.router(),
            info.router(),
            report.router(),
            my_reports.router(),
            volunteer.router(),
            helper_profile.router(),
            subscriptions.router(),
            duties.router(),
            inspector.router(),
            survey.router(),
            community.router(),
        ),
        staff_area(
            directory_admin.router(),
            duties_staff.router(),
            helpers_staff.router(),
            staff_desk.router(),
            community_staff.router(),
            staff.router(),
        ),
        groups.router(),
        fallback.router(),
    ]
