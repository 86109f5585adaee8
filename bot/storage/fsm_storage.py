"""aiogram FSM storage in SQLite, so a conversation survives a restart."""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
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

from bot.storage.db import UNIT, Database
from bot.storage.repositories.fsm import FsmRepository
from bot.storage.unit import UpdateUnit


class SQLiteStorage(BaseStorage):
    """State and data per key; data must be JSON-serialisable (checked on write).

    Written through to SQLite at once (a conversation survives a crash), and remembered in
    this process for the next update of the same conversation: a read costs nothing and a
    write that changes nothing is not made. Only this class writes conversations, except the
    erasures that call `invalidate()` (one process runs one bot).

    While an update is handled (an `UpdateUnit`), its writes are held by the unit and stored
    with the update's effects and its "handled" mark; its reads see them."""

    #: conversations remembered at most (the least recently used are read again) …
    CACHE = 20_000
    #: … and characters of their data at most: drafts of 2,000-character reports would
    #: otherwise hold 100–200 MB at 20,000 of them
    CACHE_CHARS = 8_000_000

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
        #: key -> (state, data as its JSON text)
        self._known: OrderedDict[str, tuple[str | None, str]] = OrderedDict()
        self._chars = 0  # the length of every remembered data text, together
        #: a change reads, then writes: two at once (album items) must not lose each other;
        #: writes are one at a time in SQLite anyway
        self._changing = asyncio.Lock()

    def invalidate(self) -> None:
        """Conversations were changed behind this storage (an erasure): read them again."""
        self._known.clear()
        self._chars = 0

    async def _load(self, key: str) -> tuple[str | None, str]:
        unit = _unit()
        if unit is not None and key in unit.conversations:
            return unit.conversations[key]
        known = self._known.get(key)
        if known is not None:
            self._known.move_to_end(key)
            return known
        async with self.db.read() as conn:
            state, data = await self.repo.get(conn, key)
        return self._remember(key, state, _dump(data))

    def _remember(self, key: str, state: str | None, data: str) -> tuple[str | None, str]:
        self._forget(key)
        self._known[key] = (state, data)
        self._chars += len(data)
        while len(self._known) > self.CACHE or self._chars > self.CACHE_CHARS:
            _, (_, dropped) = self._known.popitem(last=False)
            self._chars -= len(dropped)
        return state, data

    def _forget(self, key: str) -> None:
        known = self._known.pop(key, None)
        if known is not None:
            self._chars -= len(known[1])

    async def _store(self, key: str, state: str | None, data: str) -> None:
        unit = _unit()
        if unit is not None:  # stored with the update's effects and its "handled" mark
            unit.on_stored = self._remember
            unit.conversations[key] = (state, data)
            return
        try:
            async with self.db.one_statement() as conn:  # put is one statement
                await self.repo.put(conn, key, state, data, self.clock())
        except BaseException:
            self._forget(key)  # not known to be stored: read it again next time
            raise
        self._remember(key, state, data)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        built = self.key_builder.build(key)
        async with self._changing:
            current, data = await self._load(built)
            if value != current:
                await self._store(built, value, data)

    async def get_state(self, key: StorageKey) -> str | None:
        state, _ = await self._load(self.key_builder.build(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        built = self.key_builder.build(key)
        text = _dump(dict(data))  # fails loudly on non-JSON data instead of storing half
        async with self._changing:
            state, current = await self._load(built)
            if text != current:
                await self._store(built, state, text)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _, data = await self._load(self.key_builder.build(key))
        return dict(json.loads(data))  # a fresh copy: callers may change it in place

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        built = self.key_builder.build(key)
        async with self._changing:
            state, current = await self._load(built)
            merged = json.loads(current)
            merged.update(data)
            text = _dump(merged)
            if text != current:
                await self._store(built, state, text)
        return dict(json.loads(text))

    async def close(self) -> None:
        """The database belongs to the app, which closes it."""


def _unit() -> UpdateUnit | None:
    unit = UNIT.get()
    # a task a handler started inherits its unit, and may outlive it: it writes through
    return unit if isinstance(unit, UpdateUnit) and unit.open else None


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
