"""What the bot last set of its profile in Telegram, so that a restart sets only what changed
(the ledger that bot/telegram/bot_profile.py reads and writes)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.storage.db import Database
from bot.storage.repositories import BotProfileRepository


class ProfileLedger:
    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock
        self.repo = BotProfileRepository()

    async def already_set(self, bot_id: int) -> dict[str, str]:
        """Each call's digest as Telegram last accepted it, for this bot."""
        async with self.db.read() as conn:
            return await self.repo.digests(conn, bot_id)

    async def remember(self, bot_id: int, call: str, digest: str) -> None:
        async with self.db.transaction() as conn:
            await self.repo.remember(conn, bot_id, call, digest, self.clock())
