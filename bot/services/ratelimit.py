"""One rate limiter for everything the bot sends, modelled on Telegram's published guidance.

About 30 messages per second overall, at most 20 per minute to one group, about one per second
to one chat with short bursts. `reserve` either takes a slot and returns 0, or takes nothing and
returns how long to wait; `penalise` applies a 429's retry_after to a chat (or to everything).
Plain Python with an injectable clock: no Telegram, no asyncio in the decisions.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    #: Telegram's ~30 a second; the margin below (not a lower count) keeps reordering safe
    global_per_second: int = 30
    #: Telegram's overall window
    global_window: float = 1.0
    #: real seconds added to every window: a request reserved at t may reach Telegram tens of
    #: milliseconds later than the next one does (network, a busy loop). Real time, not
    #: Telegram's: against a fake whose clock runs 100 times faster it is 100 times longer
    jitter: float = 0.03
    #: besides the window, the overall pace is smoothed: at most this many at once, then one
    #: every global_window / global_per_second (bursts meet Telegram's window all together)
    global_burst: int = 4
    group_per_minute: int = 20
    chat_per_second: float = 1.0
    chat_burst: int = 3


#: the most the network margin adds to a window, in Telegram's seconds
MAX_MARGIN = 5.0


class _Bucket:
    __slots__ = ("stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp


class RateLimiter:
    def __init__(
        self,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic,
        time_scale: float = 1.0,
    ) -> None:
        """`time_scale` < 1 makes Telegram's minute pass faster (tests against a fast fake)."""
        self.limits = limits or Limits()
        self.time_scale = time_scale
        self.clock = clock if time_scale == 1.0 else (lambda: clock() / time_scale)
        self._global: deque[float] = deque()
        self._groups: dict[int, deque[float]] = {}
        self._chats: dict[int, _Bucket] = {}
        self._blocked_until: dict[int | None, float] = {}
        self._last_prune = clock()
        #: callers waiting for a slot for something a person waits for; bulk yields to them
        self._urgent_waiting = 0
        #: whether the last refused reservation was held by the overall limit
        self._global_bound = False
        self._pace_tokens = float(self.limits.global_burst)
        self._pace_stamp = self.clock()
        # against a very fast fake the margin is capped: 30 ms there would be minutes of
        # Telegram's time, and every test would crawl
        margin = min(self.limits.jitter / time_scale, MAX_MARGIN)
        #: the overall and the group windows, in Telegram's seconds, with the margin
        self.global_span = self.limits.global_window + margin
        self.group_span = 60.0 + margin
        #: one message to a chat every so many of Telegram's seconds, with the margin
        self.chat_interval = 1.0 / self.limits.chat_per_second + margin

    def reserve(self, chat_id: int, is_group: bool | None = None) -> float:
        """Take a slot for one message to `chat_id` now (0.0), or say how long to wait."""
        now = self.clock()
        if is_group is None:
            is_group = chat_id < 0
        limits = self.limits
        wait = max(
            self._blocked_until.get(None, 0.0) - now,
            self._blocked_until.get(chat_id, 0.0) - now,
            0.0,
        )
        window = self._global
        span = self.global_span
        while window and window[0] <= now - span:
            window.popleft()
        global_wait = max(self._blocked_until.get(None, 0.0) - now, 0.0)
        if len(window) >= limits.global_per_second:
            global_wait = max(global_wait, window[0] + span - now)
        pace = limits.global_per_second / span
        self._pace_tokens = min(
            float(limits.global_burst), self._pace_tokens + (now - self._pace_stamp) * pace
        )
        self._pace_stamp = now
        if self._pace_tokens < 1.0:
            global_wait = max(global_wait, (1.0 - self._pace_tokens) / pace)
        self._global_bound = global_wait > 0
        wait = max(wait, global_wait)
        group_window = None
        if is_group:
            group_window = self._groups.setdefault(chat_id, deque())
            while group_window and group_window[0] <= now - self.group_span:
                group_window.popleft()
            if len(group_window) >= limits.group_per_minute:
                wait = max(wait, group_window[0] + self.group_span - now)
        bucket = self._chats.get(chat_id)
        if bucket is None:
            bucket = self._chats[chat_id] = _Bucket(float(limits.chat_burst), now)
        bucket.tokens = min(
            float(limits.chat_burst), bucket.tokens + (now - bucket.stamp) / self.chat_interval
        )
        bucket.stamp = now
        if bucket.tokens < 1.0 - 1e-9:  # a token back in full (not short by a rounding)
            wait = max(wait, (1.0 - bucket.tokens) * self.chat_interval)
        if wait > 0:
            return wait
        window.append(now)
        self._pace_tokens -= 1.0
        if group_window is not None:
            group_window.append(now)
        bucket.tokens -= 1.0
        self._prune(now)
        return 0.0

    def remember(self, chat_id: int, ages: list[float]) -> None:
        """Messages a previous run of the bot sent to a group `ages` real seconds ago (from
        the outbox, at start-up): a restart must not forget the group's minute."""
        now = self.clock()
        window = self._groups.setdefault(chat_id, deque())
        stamps = sorted(now - age / self.time_scale for age in ages if age >= 0)
        window.extend(s for s in stamps if s > now - self.group_span)

    def penalise(self, chat_id: int | None, seconds: float) -> None:
        """Telegram said 429: nothing more to this chat (None: to anyone) for `seconds`
        (real seconds, as Telegram counts them)."""
        until = self.clock() + seconds / self.time_scale
        self._blocked_until[chat_id] = max(self._blocked_until.get(chat_id, 0.0), until)

    async def acquire(
        self, chat_id: int, is_group: bool | None = None, *, bulk: bool = False, slots: int = 1
    ) -> None:
        """Wait until a message to `chat_id` may go, and take its slot (`slots`: an album's
        items, each counted by Telegram as a message). A `bulk` message (an offer among
        thousands) lets a non-bulk message waiting for the overall limit go first; one waiting
        only for its own chat (or group) holds nothing up."""
        for _ in range(slots):
            await self._acquire_one(chat_id, is_group, bulk)

    async def _acquire_one(self, chat_id: int, is_group: bool | None, bulk: bool) -> None:
        while True:
            if bulk and self._urgent_waiting:
                await asyncio.sleep(0.005 * self.time_scale)
                continue
            wait = self.reserve(chat_id, is_group)
            if wait <= 0:
                return
            if bulk or not self._global_bound:
                await asyncio.sleep(wait * self.time_scale)
                continue
            self._urgent_waiting += 1
            try:
                await asyncio.sleep(wait * self.time_scale)
            finally:  # no await between this and the next reserve: the slot is ours first
                self._urgent_waiting -= 1

    def _prune(self, now: float) -> None:
        # Forget idle chats now and then so a city's worth of residents does not pile up.
        if now - self._last_prune < 60.0:
            return
        self._last_prune = now
        for chat_id in [c for c, b in self._chats.items() if now - b.stamp > 120.0]:
            del self._chats[chat_id]
        for chat_id in [
            c for c, w in self._groups.items() if not w or w[-1] <= now - self.group_span
        ]:
            del self._groups[chat_id]
        for key in [k for k, until in self._blocked_until.items() if until <= now]:
            del self._blocked_until[key]
