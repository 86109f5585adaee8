"""Messages a stored report causes, rendered in the reader's language (staff or resident).

One module per audience (staff posts, resident notices, the staff desk) over a shared
base; the names the bot imports are re-exported here."""

from __future__ import annotations

from bot.telegram.common.render import (
    DIGEST_TOP,
    LANGUAGE_NAMES,
    MAX_HELD_LINES,
    REJECT_REASONS,
    STATUS_NAMES,
    TOPIC_NAME_MAX,
    RendererBase,
    duration,
    post_link,
    two_gis,
)
from bot.telegram.partner.referrals.render import ReferralViews
from bot.telegram.resident.report.render import ResidentNotices
from bot.telegram.staff.desk.render import DeskViews
from bot.telegram.staff.reports.render import StaffPosts

__all__ = [
    "DIGEST_TOP",
    "LANGUAGE_NAMES",
    "MAX_HELD_LINES",
    "REJECT_REASONS",
    "STATUS_NAMES",
    "TOPIC_NAME_MAX",
    "RendererBase",
    "TelegramReportRenderer",
    "duration",
    "post_link",
    "two_gis",
]


class TelegramReportRenderer(StaffPosts, ResidentNotices, DeskViews, ReferralViews):
    """Every message a stored report causes; the parts live in the modules above."""
