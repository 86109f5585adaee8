"""Reports: a resident's submission is stored with everything it must cause, in one go; staff
act on it, talk with its author through the bot, and the author follows it. One module per
responsibility, every change of status through the lifecycle (`lifecycle`)."""

from bot.services.reports.conversation import ReportConversation
from bot.services.reports.lifecycle import ReportLifecycle
from bot.services.reports.outcomes import ReportDelivery
from bot.services.reports.ports import (
    RELAYABLE,
    TOPIC_OF,
    ActionResult,
    Relayed,
    ReportLimits,
    ReportPlanner,
    ReportRefused,
    ReportRenderer,
    Said,
    SimilarRule,
    ask_ref,
    parse_ask,
    post_ref,
    relay_ref,
    relayed_source,
    topic_ref,
)
from bot.services.reports.resident import ResidentReports
from bot.services.reports.service import ReportService
from bot.services.reports.staff_actions import StaffActions
from bot.services.reports.submission import ReportSubmission

__all__ = [
    "RELAYABLE",
    "TOPIC_OF",
    "ActionResult",
    "Relayed",
    "ReportConversation",
    "ReportDelivery",
    "ReportLifecycle",
    "ReportLimits",
    "ReportPlanner",
    "ReportRefused",
    "ReportRenderer",
    "ReportService",
    "ReportSubmission",
    "ResidentReports",
    "Said",
    "SimilarRule",
    "StaffActions",
    "ask_ref",
    "parse_ask",
    "post_ref",
    "relay_ref",
    "relayed_source",
    "topic_ref",
]
