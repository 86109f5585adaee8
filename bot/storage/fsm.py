"""aiogram FSM storage in SQLite, so a conversation survives a restart."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)

from bot.storage.db import Database
from bot.storage.repositories import FsmRepository


class SQLiteStorage(BaseStorage):
    """State and data per key; data must be JSON-serialisable (checked on write)."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        key_builder: KeyBuilder | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)
        self.repo = FsmRepository()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self.db.transaction() as conn:
            await self.repo.set_state(conn, self.key_builder.build(key), value, self.clock())

    async def get_state(self, key: StorageKey) -> str | None:
        async with self.db.read() as conn:
            state, _ = await self.repo.get(conn, self.key_builder.build(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        plain = dict(data)
        json.dumps(plain)  # fail loudly on non-JSON data instead of storing half of it
        async with self.db.transaction() as conn:
            await self.repo.set_data(conn, self.key_builder.build(key), plain, self.clock())

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self.db.read() as conn:
            _, data = await self.repo.get(conn, self.key_builder.build(key))
        return data

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        # Read and write in one transaction so two concurrent updates cannot lose each other.
        built = self.key_builder.build(key)
        async with self.db.transaction() as conn:
            _, current = await self.repo.get(conn, built)
            current.update(data)
            json.dumps(current)
            await self.repo.set_data(conn, built, current, self.clock())
        return current.copy()

    async def close(self) -> None:
        """The database belongs to the app, which closes it."""
