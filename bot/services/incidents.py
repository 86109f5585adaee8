"""Keep what a user sent when handling it failed, so the apology can honestly say it is kept."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.storage.db import Database
from bot.storage.repositories import FailedUpdateRepository

log = logging.getLogger(__name__)

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
    ) -> bool:
        """Store the update; False if even that failed (then the user must send it again)."""
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
        return True
