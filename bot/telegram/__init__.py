"""Everything aiogram: routers, keyboards, middlewares, rendering."""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.state import StatesGroup

from bot.telegram.access import partner_area, resident_area, staff_area, supervisors_area
from bot.telegram.common import errors, fallback, groups
from bot.telegram.partner.referrals import router as partner_referrals
from bot.telegram.resident.claim import router as claim
from bot.telegram.resident.community import router as community
from bot.telegram.resident.complaint import router as complaint
from bot.telegram.resident.helper import application as helper_application
from bot.telegram.resident.helper import duty_offers
from bot.telegram.resident.helper import profile as helper_profile
from bot.telegram.resident.info import router as info
from bot.telegram.resident.inspector import router as inspector
from bot.telegram.resident.my_reports import router as my_reports
from bot.telegram.resident.report import router as report
from bot.telegram.resident.start import router as start
from bot.telegram.resident.subscriptions import router as subscriptions
from bot.telegram.resident.survey import router as survey
from bot.telegram.staff.callers import router as callers_staff
from bot.telegram.staff.community import router as community_staff
from bot.telegram.staff.desk import router as staff_desk
from bot.telegram.staff.directory import router as directory_admin
from bot.telegram.staff.duties import router as duties_staff
from bot.telegram.staff.helpers import router as helpers_staff
from bot.telegram.staff.referrals import router as referrals_staff
from bot.telegram.staff.reports import router as staff_reports
from bot.telegram.supervisors.complaints import router as supervisors_complaints


def routers() -> list[Router]:
    """Fresh routers for one Dispatcher (a Router can be attached only once). Residents',
    staff, outside bodies' and the complaints chat's routers hang under their areas
    (bot.telegram.access), which check the chat, and for staff the role, once for every
    handler under them."""
    return [
        errors.router(),
        resident_area(
            start.router(),
            info.router(),
            complaint.router(),
            report.router(),
            my_reports.router(),
            claim.router(),
            helper_application.router(),
            helper_profile.router(),
            subscriptions.router(),
            duty_offers.router(),
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
            referrals_staff.router(),
            callers_staff.router(),
            staff_reports.router(),
        ),
        partner_area(partner_referrals.router()),
        supervisors_area(supervisors_complaints.router()),
        groups.router(),
        fallback.router(),
    ]


def state_groups() -> list[type[StatesGroup]]:
    """Every conversation's states; each group is defined beside its feature's router (the
    stored name is the group's class name and the step, so moving a group keeps them)."""
    return [g for g in StatesGroup.__subclasses__() if g.__module__.startswith(__name__ + ".")]
