"""Group chats the operator configured, and Telegram moving them to new ids."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.storage.db import Database
from bot.storage.repositories.chats import ChatRepository

log = logging.getLogger(__name__)


class ChatService:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        staff_chat_id: int | None,
        analysts_chat_id: int | None = None,
    ) -> None:
        #: the interagency group's read-only chat: digests and /stats, no personal data
        self.analysts_chat_id = analysts_chat_id
        self.db = db
        self.clock = clock
        self.configured_staff_chat_id = staff_chat_id
        self.repo = ChatRepository()
        #: whether the staff group has forum topics on (learnt from Telegram; None: unknown)
        self.staff_forum: bool | None = None
        #: precincts' own staff chats (from the directory): staff work there too
        self.precinct_chats: Callable[[], frozenset[int]] = frozenset
        #: the staff group's current id once read (only `record_migration` changes it)
        self._staff_now: int | None = None

    async def record_migration(self, old_id: int, new_id: int) -> None:
        try:
            async with self.db.transaction() as conn:
                await self.repo.record_migration(conn, old_id, new_id, self.clock())
        finally:
            self._staff_now = None  # read again, following the new link
        if old_id == self.configured_staff_chat_id:
            log.warning(
                "The staff group %s was upgraded by Telegram to supergroup %s. Sakshy follows it "
                "now; set STAFF_CHAT_ID=%s in the configuration.",
                old_id,
                new_id,
                new_id,
            )
        else:
            log.info("group %s migrated to supergroup %s", old_id, new_id)

    async def staff_chat_id(self) -> int | None:
        """The staff group's current id, following any migration (asked for every message
        to the staff: read once, then remembered)."""
        if self.configured_staff_chat_id is None:
            return None
        if self._staff_now is None:
            async with self.db.read() as conn:
                self._staff_now = await self.repo.resolve(conn, self.configured_staff_chat_id)
        return self._staff_now

    async def staff_topics(self) -> bool:
        """A report gets its own forum topic only when the staff group is known to be a forum."""
        return bool(self.staff_forum)

    def learn_forum(self, chat_id: int, is_forum: bool) -> None:
        """What Telegram says about the staff group (at start-up and with each message there):
        admins may switch topics on or off at any time."""
        if self.staff_forum is not is_forum:
            log.info("staff group %s: forum topics %s", chat_id, "on" if is_forum else "off")
        self.staff_forum = is_forum

    async def is_main_staff_chat(self, chat_id: int) -> bool:
        current = await self.staff_chat_id()
        return current is not None and chat_id in (current, self.configured_staff_chat_id)

    def is_analysts_chat(self, chat_id: int) -> bool:
        return self.analysts_chat_id is not None and chat_id == self.analysts_chat_id

    async def is_staff_chat(self, chat_id: int) -> bool:
        """The staff group, or a precinct's own staff chat."""
        return chat_id in self.precinct_chats() or await self.is_main_staff_chat(chat_id)
