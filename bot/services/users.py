"""People: first contact, language, consent, reachability."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.domain.users import CONSENT_VERSION, LOCALES, User, pick_language
from bot.storage.db import Database
from bot.storage.repositories import (
    CommunitySurveyRepository,
    SubscriptionRepository,
    UserRepository,
)

log = logging.getLogger(__name__)

#: last_seen is written at most this often per person
SEEN_EVERY = timedelta(minutes=1)


class UserService:
    """Everything the bot knows about a person, and nothing more than they agreed to."""

    def __init__(self, db: Database, clock: Callable[[], datetime], default_locale: str) -> None:
        self.db = db
        self.clock = clock
        self.default_locale = default_locale
        self.repo = UserRepository()

    async def seen(self, user_id: int, language_code: str | None) -> tuple[User, bool]:
        """Register contact from a user; returns the user and whether this is the first one.

        Only the id and the language are stored before consent. `last_seen` is written at most
        once a minute per person (one read, not a write, for every other message).
        """
        now = self.clock()
        known = await self.get(user_id)
        if known is not None and not known.blocked_bot and now - known.last_seen < SEEN_EVERY:
            return known, False  # seen a moment ago: nothing to write
        # bookkeeping before the handler, not the update's effect: detached from its unit of
        # work (else the update would count as handled before its handler ran)
        async with self.db.transaction(detached=True) as conn:
            user = await self.repo.get(conn, user_id)
            if user is None:
                language = pick_language(language_code, self.default_locale)
                user = await self.repo.insert(conn, user_id, language, now)
                log.info("new user %s, language %s", user_id, language)
                return user, True
            await self.repo.touch(conn, user_id, now)
            if user.blocked_bot:
                log.info("user %s is reachable again", user_id)
        return replace(user, last_seen=now, blocked_bot=False), False

    async def get(self, user_id: int) -> User | None:
        async with self.db.read() as conn:
            return await self.repo.get(conn, user_id)

    async def get_required(self, user_id: int) -> User:
        user = await self.get(user_id)
        if user is None:
            raise LookupError(f"user {user_id} is not known")
        return user

    async def set_language(self, user_id: int, language: str) -> User:
        if language not in LOCALES:
            raise ValueError(f"unsupported language {language!r}")
        async with self.db.transaction() as conn:
            await self.repo.set_language(conn, user_id, language)
        return await self.get_required(user_id)

    async def give_consent(self, user_id: int) -> bool:
        """Record consent to the current text; False if it was already given (a double tap)."""
        now = self.clock()
        async with self.db.transaction() as conn:
            user = await self.repo.get(conn, user_id)
            if user is None or user.has_consent:
                return False
            await self.repo.set_consent(conn, user_id, CONSENT_VERSION, now)
            await self.repo.log_consent(conn, user_id, CONSENT_VERSION, "given", now)
        return True

    async def decline_consent(self, user_id: int) -> bool:
        """ "Not now": remembered so the question is not asked on every /start."""
        now = self.clock()
        async with self.db.transaction() as conn:
            user = await self.repo.get(conn, user_id)
            if user is None or not user.should_be_asked_consent:
                return False
            await self.repo.set_consent_declined(conn, user_id, CONSENT_VERSION)
            await self.repo.log_consent(conn, user_id, CONSENT_VERSION, "declined", now)
        return True

    async def withdraw_consent(self, user_id: int) -> bool:
        """False if there was no consent to withdraw (a double tap)."""
        now = self.clock()
        async with self.db.transaction() as conn:
            user = await self.repo.get(conn, user_id)
            if user is None or not user.consent_version:
                return False
            await self.repo.set_consent(conn, user_id, None, now)
            await self.repo.log_consent(conn, user_id, user.consent_version, "withdrawn", now)
            # the areas someone follows say where they live: kept only with consent
            await SubscriptionRepository().remove_all(conn, user_id)
            await CommunitySurveyRepository().forget(conn, user_id)
        return True

    async def mark_unreachable(self, user_id: int) -> None:
        """Telegram answered 403: the user blocked the bot. Keep the row, stop sending."""
        async with self.db.transaction() as conn:
            await self.repo.set_blocked(conn, user_id, True, self.clock())
        log.info("user %s blocked the bot; marked unreachable", user_id)

    async def mark_reachable(self, user_id: int) -> None:
        async with self.db.transaction() as conn:
            await self.repo.set_blocked(conn, user_id, False, self.clock())
