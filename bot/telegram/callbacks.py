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


class StaffCb(CallbackData, prefix="st"):
    action: str  # take, resolve, reject, reopen, back, or rj_<reason>
    report: Number
    seen: str  # the status the post showed when pressed (SEEN codes): a stale press is refused


#: one letter per report status for StaffCb.seen (callback data holds 64 bytes)
SEEN = {"new": "n", "taken": "t", "resolved": "s", "rejected": "j", "withdrawn": "w"}
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


class HelperApplicationAction(StrEnum):
    """A button of the helper application wizard; the values are the strings packed before
    0.1.0, so a button posted then still parses."""

    CONSENT = "consent"
    CANCEL = "cancel"
    PRECINCT = "precinct"  # value: a precinct id
    PAGE = "page"  # value: a page of the precinct list
    PRECINCTS_DONE = "precincts_done"
    DAY = "day"  # value: a weekday, 0-6
    BAND = "band"  # value: a time band (BANDS)
    AVAILABILITY_DONE = "availability_done"
    SEND = "send"


class HelperApplicationCb(CallbackData, prefix="vo"):
    action: HelperApplicationAction
    value: str = ""  # read by the action's handler, which answers stale to one it cannot use


class HelperCb(CallbackData, prefix="hp"):
    action: str  # check, reject, activate, suspend, resume, retire, iin
    helper: Number
    seen: str  # the status the post showed


class ProfileAction(StrEnum):
    """A button under a helper's /profile card; the values are the strings packed before."""

    EDIT = "edit"
    DAY = "day"  # value: a weekday, 0-6
    BAND = "band"  # value: a time band (BANDS)
    SHOW = "show"
    RETIRE = "retire"
    RETIRE_YES = "retire_yes"


class ProfileCb(CallbackData, prefix="pf"):
    action: ProfileAction
    value: str = ""  # read by the action's handler, which answers stale to one it cannot use


class DutyAction(StrEnum):
    """A button under a duty offer or a check-in prompt; the values are the strings packed
    before."""

    ACCEPT = "accept"
    DECLINE = "decline"
    WITHDRAW = "withdraw"
    HERE = "here"
    OUT = "out"


class DutyCb(CallbackData, prefix="du"):
    action: DutyAction
    duty: Number


class SubCb(CallbackData, prefix="sb"):
    action: str  # add, surveys, priorities, alerts, remove
    value: str  # a precinct id (add) or a subscription id


class CommunityCb(CallbackData, prefix="cs"):
    """A resident's answer to a community survey."""

    survey: Number
    option: Number


class SurveyDraftCb(CallbackData, prefix="cd"):
    action: str  # send, discard
    survey: Number
