"""What the bot holds about a person, for them to see (/mydata): a JSON document of their own
data only, with the time it was made. Staff's names and other people's data are never in it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.storage.db import Database
from bot.storage.repositories import PrivacyRepository


class PrivacyService:
    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock
        self.repo = PrivacyRepository()

    async def everything(self, user_id: int) -> dict[str, Any]:
        async with self.db.read() as conn:
            held = await self.repo.everything(conn, user_id)
        return {"made_at": self.clock().isoformat(), "service": "Sakshy", **held}

    async def document(self, user_id: int) -> bytes:
        """The JSON file: UTF-8, readable (indented, Kazakh and Russian as they are)."""
        held = await self.everything(user_id)
        return json.dumps(held, ensure_ascii=False, indent=2, default=str).encode("utf-8")
