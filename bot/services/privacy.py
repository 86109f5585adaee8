"""What the bot holds about a person: for them to see (/mydata), a JSON document of their own
data only, with the time it was made (staff's names and other people's data are never in it);
and for them to have erased (/forgetme).

Erasure keeps what counts for the statistics (a closed report's category, area, times and
outcome; a survey's rating; duty hours), unlinked from the person. Their name, username, phone,
typed address, voice message, exact place, survey comments, consent history, areas followed,
community answers, conversation and messages' texts are deleted, and the staff posts of their
reports are edited to drop the reporter's card (Telegram lets a bot edit its messages at any
age; deleting stops at 48 hours). It is refused while a report is open (the officers may need
to reach them) or while they are a public helper or applying (the akimat's register)."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.services.outbox import Outbox
from bot.storage.db import Database, Tx
from bot.storage.repositories.privacy import ErasureRepository, PrivacyRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Erasure:
    """What /forgetme did, or why it did not."""

    open_reports: tuple[int, ...] = ()
    helper: bool = False
    reports: int = 0
    posts: int = 0
    #: complaints about officers not yet answered
    open_complaints: tuple[int, ...] = ()

    @property
    def refused(self) -> bool:
        return bool(self.open_reports) or self.helper or bool(self.open_complaints)


class PrivacyService:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        outbox: Outbox | None = None,
        redraw_post: Callable[[Tx, int], Awaitable[bool]] | None = None,
        conversations_changed: Callable[[], None] = lambda: None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.repo = PrivacyRepository()
        self.erasures = ErasureRepository()
        self.outbox = outbox
        self.redraw_post = redraw_post
        self.conversations_changed = conversations_changed

    async def can_forget(self, user_id: int) -> Erasure:
        """Whether /forgetme may go ahead now (asked before the confirmation)."""
        async with self.db.read() as conn:
            open_reports, helper, complaints = await self.erasures.blockers(conn, user_id)
        return Erasure(tuple(open_reports), helper, open_complaints=tuple(complaints))

    async def forget(self, user_id: int) -> Erasure:
        """Erase the person's data in one transaction (checked again inside it)."""
        posts = 0
        try:
            # slow: it rewrites the person's rows wherever they are, the outbox's old ones too
            async with self.db.transaction(slow=True) as conn:
                open_reports, helper, complaints = await self.erasures.blockers(conn, user_id)
                if open_reports or helper or complaints:
                    return Erasure(tuple(open_reports), helper, open_complaints=tuple(complaints))
                numbers = await self.erasures.erase(conn, user_id, self.clock())
                for number in numbers:
                    if self.redraw_post is not None and await self.redraw_post(conn, number):
                        posts += 1
        finally:  # their conversation may be deleted behind the FSM storage: even if cancelled
            self.conversations_changed()
        if self.outbox is not None and posts:
            self.outbox.notify()
        log.info(
            "a person was forgotten: %s report(s) unlinked, %s post(s) edited", len(numbers), posts
        )
        return Erasure(reports=len(numbers), posts=posts)

    async def everything(self, user_id: int) -> dict[str, Any]:
        async with self.db.read(slow=True) as conn:  # everything about a person: many tables
            held = await self.repo.everything(conn, user_id)
        return {"made_at": self.clock().isoformat(), "service": "Sakshy", **held}

    async def document(self, user_id: int) -> bytes:
        """The JSON file: UTF-8, readable (indented, Kazakh and Russian as they are)."""
        held = await self.everything(user_id)
        return json.dumps(held, ensure_ascii=False, indent=2, default=str).encode("utf-8")
