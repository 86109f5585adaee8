"""Keep what a user sent when handling it failed, so the apology can honestly say it is kept."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.storage.db import Database
from bot.storage.repositories.inbox import FailedUpdateRepository

log = logging.getLogger(__name__)

#: how long a failed update is kept for the operator
RETENTION_DAYS = 30

#: profile fields removed from a kept update: the ids are enough to trace it
_PERSONAL = {"first_name", "last_name", "username"}


def strip_personal(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_personal(v) for k, v in value.items() if k not in _PERSONAL}
    if isinstance(value, list):
        return [strip_personal(v) for v in value]
    return value


class IncidentService:
    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock
        self.repo = FailedUpdateRepository()

    async def keep_failed_update(
        self,
        update_id: int,
        user_id: int | None,
        chat_id: int | None,
        payload: dict[str, Any],
        error: BaseException,
        *,
        has_consent: bool,
    ) -> bool:
        """Keep what the user sent, so the operator can check and replay it.

        Returns whether the content was kept: only with the user's consent (without it we keep
        nothing beyond their id and language, so the record holds ids only and the user is
        asked to send it again). False too if storing failed.
        """
        if not has_consent:
            payload = {"update_id": update_id, "kept": "ids only: no consent to keep content"}
        try:
            async with self.db.transaction() as conn:
                row = await self.repo.record(
                    conn,
                    update_id=update_id,
                    user_id=user_id,
                    chat_id=chat_id,
                    payload=strip_personal(payload),
                    error=f"{type(error).__name__}: {error}"[:2000],
                    now=self.clock(),
                )
        except Exception:
            log.exception("update %s: could not keep the failed update", update_id)
            return False
        log.info("update %s kept as failed_updates #%s", update_id, row)
        return has_consent

    async def purge(self, older_than_days: int = RETENTION_DAYS) -> int:
        """Forget failed updates after the retention period."""
        cutoff = self.clock() - timedelta(days=older_than_days)
        async with self.db.transaction() as conn:
            removed = await self.repo.purge(conn, cutoff)
        if removed:
            log.info("purged %s failed update(s) older than %s days", removed, older_than_days)
        return removed
