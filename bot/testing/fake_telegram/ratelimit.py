"""Flood control of the fake: the limits Telegram documents for bots, on an injectable clock."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimits:
    """The limits; every window is multiplied by ``time_scale`` of the fake."""

    global_per_second: int = 30
    group_per_minute: int = 20
    chat_per_second: float = 1.0
    chat_burst: int = 5
    topics_per_minute: int = 20


class _Window:
    """At most ``limit`` events in any ``window`` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.events: deque[float] = deque()

    def wait(self, now: float, count: int) -> float:
        while self.events and self.events[0] <= now - self.window:
            self.events.popleft()
        if len(self.events) + count <= self.limit:
            return 0.0
        if count > self.limit or not self.events:
            return self.window
        index = min(len(self.events) + count - self.limit - 1, len(self.events) - 1)
        return self.events[index] + self.window - now

    def add(self, now: float, count: int) -> None:
        self.events.extend([now] * count)


class _Bucket:
    """A token bucket: ``burst`` tokens, one back every ``interval`` seconds."""

    def __init__(self, burst: int, interval: float, now: float) -> None:
        self.burst = burst
        self.interval = interval
        self.tokens = float(burst)
        self.stamp = now

    def _refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) / self.interval)
            self.stamp = now

    def wait(self, now: float, count: int) -> float:
        self._refill(now)
        if self.tokens >= count:
            return 0.0
        return (count - self.tokens) * self.interval

    def add(self, now: float, count: int) -> None:
        self.tokens -= count


class RateLimiter:
    """Decides whether a send is allowed; a refused send is not counted."""

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        time_scale: float = 1.0,
        enabled: bool = True,
        limits: RateLimits | None = None,
    ) -> None:
        self.clock = clock
        self.time_scale = time_scale
        self.enabled = enabled
        self.limits = limits or RateLimits()
        self._global = _Window(self.limits.global_per_second, 1.0 * time_scale)
        self._groups: dict[int, _Window] = {}
        self._chats: dict[int, _Bucket] = {}
        self._topics: dict[int, _Window] = {}

    @staticmethod
    def retry_after(wait: float) -> int:
        """Seconds reported to the bot: at least 1, rounded up."""
        return max(1, math.ceil(wait))

    def check_messages(self, chat_id: int, *, is_group: bool, count: int = 1) -> int | None:
        """Record ``count`` messages to a chat, or return retry_after if over a limit."""
        if not self.enabled:
            return None
        now = self.clock()
        bucket = self._chats.get(chat_id)
        if bucket is None:
            bucket = _Bucket(
                max(self.limits.chat_burst, count),
                self.time_scale / self.limits.chat_per_second,
                now,
            )
            self._chats[chat_id] = bucket
        limiters: list[_Window | _Bucket] = [self._global, bucket]
        if is_group:
            window = self._groups.setdefault(
                chat_id, _Window(self.limits.group_per_minute, 60.0 * self.time_scale)
            )
            limiters.append(window)
        wait = max(limiter.wait(now, count) for limiter in limiters)
        if wait > 0:
            return self.retry_after(wait)
        for limiter in limiters:
            limiter.add(now, count)
        return None

    def check_topic(self, chat_id: int) -> int | None:
        """Record a new forum topic in a group, or return retry_after."""
        if not self.enabled:
            return None
        now = self.clock()
        window = self._topics.setdefault(
            chat_id, _Window(self.limits.topics_per_minute, 60.0 * self.time_scale)
        )
        wait = window.wait(now, 1)
        if wait > 0:
            return self.retry_after(wait)
        window.add(now, 1)
        return None
