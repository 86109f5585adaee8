"""Callback data of inline buttons. Prefixes are short: Telegram allows 64 bytes.

Button data can be forged: every number in it is a bounded `Number` (or, inside a text
field, read with `parse_number`), so data with a number SQLite cannot hold never matches and
is answered as a stale button."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.domain.numbers import Number


class LanguageCb(CallbackData, prefix="lang"):
    code: str


class ConsentCb(CallbackData, prefix="consent"):
    action: str  # "yes", "no", "withdraw"


class ForgetCb(CallbackData, prefix="forget"):
    action: str  # "yes", "no"


class CategoryCb(CallbackData, prefix="rc"):
    key: str


class ReportStepCb(CallbackData, prefix="rs"):
    action: str  # "named", "anonymous", "send", "cancel"


class StaffAction(StrEnum):
    """A button under a staff post that carries no value of its own (the values are the
    strings packed before 0.1.0: an old post's button parses unchanged)."""

    TAKE = "take"
    RESOLVE = "resolve"  # the menu: with or without a note
    REJECT = "reject"  # the menu of reasons
    REOPEN = "reopen"
    BACK = "back"  # from a menu to the post's own buttons
    TEMPLATES = "templates"  # the menu of ready answers
    RESOLVE_PLAIN = "rs_plain"
    RESOLVE_NOTE = "rs_note"  # the bot asks for the note
    REJECT_TYPED = "rj_typed"  # the bot asks for the reason


class Seen(StrEnum):
    """The status a staff post showed when its button was pressed: a stale press is refused
    (one letter: callback data holds 64 bytes)."""

    NEW = "n"
    TAKEN = "t"
    RESOLVED = "s"
    REJECTED = "j"
    WITHDRAWN = "w"


class StaffCb(CallbackData, prefix="st"):
    action: StaffAction
    report: Number
    seen: Seen


class RejectReason(StrEnum):
    """Why staff reject a report: the stable codes of `REJECT_REASONS` (its texts)."""

    NO_VIOLATION = "noviolation"
    DUPLICATE = "duplicate"
    NOT_POLICE = "notpolice"
    FALSE = "false"


class StaffRejectCb(CallbackData, prefix="stj"):
    """Reject with one of the listed reasons (before 0.1.0: StaffCb "rj_<reason>")."""

    reason: RejectReason
    report: Number
    seen: Seen


class StaffTemplateCb(CallbackData, prefix="stt"):
    """Send a ready answer to the resident (before 0.1.0: StaffCb "tp<template>")."""

    template: Number
    report: Number
    seen: Seen


class StaffDuplicateCb(CallbackData, prefix="std"):
    """Close the report as the same as `original` (before 0.1.0: StaffCb "dup<original>")."""

    original: Number
    report: Number
    seen: Seen


#: one letter per report status for the staff buttons' `seen`
SEEN = {
    "new": Seen.NEW,
    "taken": Seen.TAKEN,
    "resolved": Seen.RESOLVED,
    "rejected": Seen.REJECTED,
    "withdrawn": Seen.WITHDRAWN,
}
SEEN_STATUS = {code: status for status, code in SEEN.items()}


class MyReportsCb(CallbackData, prefix="mr"):
    action: str  # "page", "open", "withdraw"
    value: Number  # page number or report number


class InspectorCb(CallbackData, prefix="in"):
    action: str  # "pick" (value: precinct id), "page" (value: page), "report" (value: lat,lon)
    value: str


class SurveyCb(CallbackData, prefix="sv"):
    step: str  # "s" was it solved (value yes/partly/no), "r" rating (value 1-5), "c" no comment
    report: Number
    value: str


class VolunteerCb(CallbackData, prefix="vo"):
    action: str  # consent, cancel, precinct, precincts_done, day, band, availability_done, send
    value: str = ""


class HelperPress(StrEnum):
    """A button under a helper's application (the strings packed before 0.1.0)."""

    CHECK = "check"
    ACTIVATE = "activate"
    SUSPEND = "suspend"
    RESUME = "resume"
    RETIRE = "retire"
    REGISTER = "register"  # the bot asks for the registration
    REJECT = "reject"  # the bot asks for the reason
    ASK = "ask"  # the bot asks for a question to the applicant
    IIN = "iin"  # the full IIN, to administrators


class HelperCb(CallbackData, prefix="hp"):
    action: HelperPress
    helper: Number
    seen: str  # the status the post showed


class ProfileCb(CallbackData, prefix="pf"):
    action: str  # edit, day, band, show, retire
    value: str = ""


class DutyCb(CallbackData, prefix="du"):
    action: str  # accept, decline, withdraw, here, out
    duty: Number


class SubCb(CallbackData, prefix="sb"):
    action: str  # add, surveys, priorities, alerts, remove
    value: str  # a precinct id (add) or a subscription id


class CommunityCb(CallbackData, prefix="cs"):
    """A resident's answer to a community survey."""

    survey: Number
    option: Number


class SurveyDraftAction(StrEnum):
    SEND = "send"
    DISCARD = "discard"


class SurveyDraftCb(CallbackData, prefix="cd"):
    action: SurveyDraftAction
    survey: Number
