"""Every SQL string of the project lives in this package's repositories.

One module per aggregate: users, fsm (conversation state), chats, inbox, outbox, reports,
followups, directory, helpers, duties, community, desk, stats, subscriptions, ops, privacy,
referrals, complaints, queue;
`_rows` holds what they share. Every repository is re-exported here, so
`from bot.storage.repositories import X` keeps working; new code imports from the
aggregate's module.
"""

from __future__ import annotations

from bot.storage.repositories._rows import from_db, to_db
from bot.storage.repositories.chats import ChatRepository
from bot.storage.repositories.community import CommunitySurveyRepository
from bot.storage.repositories.complaints import ComplaintRepository
from bot.storage.repositories.desk import ModerationRepository, TemplateRepository
from bot.storage.repositories.directory import DirectoryRepository
from bot.storage.repositories.duties import DutyRepository
from bot.storage.repositories.followups import FollowUpRepository
from bot.storage.repositories.fsm import FsmRepository
from bot.storage.repositories.helpers import HelperRepository
from bot.storage.repositories.inbox import FailedUpdateRepository, InboxRepository
from bot.storage.repositories.ops import BotProfileRepository, OpsRepository
from bot.storage.repositories.outbox import OutboxRepository
from bot.storage.repositories.privacy import (
    ErasureRepository,
    PrivacyRepository,
    RetentionRepository,
)
from bot.storage.repositories.queue import QueueRepository
from bot.storage.repositories.referrals import BodyRepository, ReferralRepository
from bot.storage.repositories.reports import RelayRepository, ReportRepository, StaffRepository
from bot.storage.repositories.stats import StatsRepository
from bot.storage.repositories.subscriptions import PriorityRepository, SubscriptionRepository
from bot.storage.repositories.users import UserRepository

__all__ = [
    "BodyRepository",
    "BotProfileRepository",
    "ChatRepository",
    "CommunitySurveyRepository",
    "ComplaintRepository",
    "DirectoryRepository",
    "DutyRepository",
    "ErasureRepository",
    "FailedUpdateRepository",
    "FollowUpRepository",
    "FsmRepository",
    "HelperRepository",
    "InboxRepository",
    "ModerationRepository",
    "OpsRepository",
    "OutboxRepository",
    "PriorityRepository",
    "PrivacyRepository",
    "QueueRepository",
    "ReferralRepository",
    "RelayRepository",
    "ReportRepository",
    "RetentionRepository",
    "StaffRepository",
    "StatsRepository",
    "SubscriptionRepository",
    "TemplateRepository",
    "UserRepository",
    "from_db",
    "to_db",
]
