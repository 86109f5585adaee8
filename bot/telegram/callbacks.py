"""Callback data of inline buttons. Prefixes are short: Telegram allows 64 bytes.

Button data can be forged: every number in it is a bounded `Number` (or, inside a text
field, read with `parse_number`), so data with a number SQLite cannot hold never matches and
is answered as a stale button."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.domain.numbers import Number
from bot.domain.subscriptions import SubscriptionKind


class LanguageCb(CallbackData, prefix="lang"):
    code: str  # one of bot.domain.users.LOCALES; the handler's filter says which


class ConsentAction(StrEnum):
    YES = "yes"
    NO = "no"
    WITHDRAW = "withdraw"


class ConsentCb(CallbackData, prefix="consent"):
    action: ConsentAction


class ForgetAction(StrEnum):
    YES = "yes"
    NO = "no"


class ForgetCb(CallbackData, prefix="forget"):
    action: ForgetAction


class CategoryCb(CallbackData, prefix="rc"):
    key: str


class ReportStep(StrEnum):
    NAMED = "named"
    ANONYMOUS = "anonymous"
    SEND = "send"
    CANCEL = "cancel"


class ReportStepCb(CallbackData, prefix="rs"):
    action: ReportStep


class FollowCb(CallbackData, prefix="rf"):
    """Before «Send»: follow this open report near the draft's place instead."""

    report: Number


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
    REFER = "refer"  # the menu of outside bodies


class Seen(StrEnum):
    """The status a staff post showed when its button was pressed: a stale press is refused
    (one letter: callback data holds 64 bytes)."""

    NEW = "n"
    TAKEN = "t"
    RESOLVED = "s"
    REJECTED = "j"
    WITHDRAWN = "w"
    REFERRED = "f"


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


class StaffReferCb(CallbackData, prefix="str"):
    """Refer the report to an outside body (its key) as outside the police's competence."""

    body: str
    report: Number
    seen: Seen


class BodyAction(StrEnum):
    """A button under a report's post in an outside body's chat."""

    ACCEPT = "accept"
    ANSWER = "answer"  # the bot asks for the answer's text
    CLOSE = "close"


class BodyCb(CallbackData, prefix="bd"):
    action: BodyAction
    referral: Number


class ComplaintAction(StrEnum):
    """A button under a complaint's post in the complaints chat."""

    TAKE = "take"
    WRITE = "write"  # the bot asks for a message to the resident
    ANSWER = "answer"  # the bot asks for the answer, which closes it


class ComplaintCb(CallbackData, prefix="cp"):
    action: ComplaintAction
    complaint: Number


class ComplaintStep(StrEnum):
    """The resident's complaint wizard."""

    NAMED = "named"
    ANONYMOUS = "anonymous"
    SEND = "send"
    CANCEL = "cancel"


class ComplaintStepCb(CallbackData, prefix="cw"):
    action: ComplaintStep


#: one letter per report status for the staff buttons' `seen`
SEEN = {
    "new": Seen.NEW,
    "taken": Seen.TAKEN,
    "resolved": Seen.RESOLVED,
    "rejected": Seen.REJECTED,
    "withdrawn": Seen.WITHDRAWN,
    "referred": Seen.REFERRED,
}
SEEN_STATUS = {code: status for status, code in SEEN.items()}


class MyReportsAction(StrEnum):
    PAGE = "page"  # value: a page, from 0
    OPEN = "open"  # value: a report number
    WITHDRAW = "withdraw"  # value: a report number
    WRITE = "write"  # value: a report number


class MyReportsCb(CallbackData, prefix="mr"):
    action: MyReportsAction
    value: Number  # page number or report number


class InspectorPickCb(CallbackData, prefix="inp"):
    """A precinct from the list (before 0.1.0: "in:pick:<precinct>")."""

    precinct: str


class InspectorPageCb(CallbackData, prefix="ing"):
    """A page of the precinct list (before 0.1.0: "in:page:<page>")."""

    page: Number


class InspectorReportCb(CallbackData, prefix="inr"):
    """Report a problem at the place just looked up (before 0.1.0: "in:report:<lat>,<lon>")."""

    lat: float
    lon: float


class SurveyStep(StrEnum):
    SOLVED = "s"  # value: a Solved answer (yes, partly, no)
    RATING = "r"  # value: 1-5
    NO_COMMENT = "c"  # value: "-"


#: the ratings a SurveyCb of the RATING step may carry
RATINGS = ("1", "2", "3", "4", "5")


class SurveyCb(CallbackData, prefix="sv"):
    step: SurveyStep
    report: Number
    value: str  # what the step's filter allows: a Solved answer, a rating, "-"


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


class SubAddCb(CallbackData, prefix="sba"):
    """Follow a precinct from a list of matches (before 0.1.0: "sb:add:<precinct>")."""

    precinct: str


class SubSwitchCb(CallbackData, prefix="sbs"):
    """Switch a kind of message of a following on or off: the state asked for, so a double tap
    changes nothing (before 0.1.0: "sb:<kind>:<subscription>.<0|1>")."""

    kind: SubscriptionKind
    subscription: Number
    on: bool


class SubRemoveCb(CallbackData, prefix="sbr"):
    """Stop following (before 0.1.0: "sb:remove:<subscription>")."""

    subscription: Number


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
