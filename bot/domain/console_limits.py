"""How much one person may ask of the console (issue 24): a sliding window per key (a staff
member's id, or an address for sign-ins), so that a stuck script or a stolen session cannot
flood the bot's database or, through the actions, the residents."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class Allowance:
    """At most `limit` requests per `window` seconds for each key."""

    limit: int
    window: float
    _seen: dict[object, deque[float]] = field(default_factory=dict)

    def allow(self, key: object, now: float) -> bool:
        """Count a request of `key` at `now` (monotonic seconds); False if it is one too many
        (a refused request is not counted)."""
        times = self._seen.setdefault(key, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        if len(self._seen) > 10_000:  # forget those who have been quiet for a window
            for quiet in [k for k, t in self._seen.items() if not t or now - t[-1] >= self.window]:
                del self._seen[quiet]
        return True
