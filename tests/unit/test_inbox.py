"""The inbox: an update is kept from its arrival until its handler returns; Telegram sending
it again is recognised; what was cut off is replayed once, in order; handled rows lose their
body and are purged after two days."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.services.inbox import Inbox
from bot.storage.db import Database
from tests.conftest import FixedClock


def update(update_id: int, text: str) -> tuple[int, str]:
    return update_id, json.dumps({"update_id": update_id, "message": {"text": text}})


async def rows(db: Database) -> list[tuple[Any, ...]]:
    async with db.read() as conn:
        cur = await conn.execute(
            "SELECT update_id, body != '', handled_at IS NOT NULL, attempts FROM inbox"
            " ORDER BY update_id"
        )
        return [tuple(r) for r in await cur.fetchall()]


async def test_an_update_sent_again_is_skipped_once(db: Database, clock: FixedClock) -> None:
    inbox = Inbox(db, clock)
    await inbox.receive([update(10, "a"), update(11, "b")])
    await inbox.handled(10)
    await inbox.receive([update(11, "b"), update(12, "c")])  # 11 was not confirmed: again
    assert [inbox.is_duplicate(i) for i in (10, 11, 11, 12)] == [False, True, False, False]
    assert await rows(db) == [(10, 0, 1, 0), (11, 1, 0, 0), (12, 1, 0, 0)]
    # a webhook retried twice while the first copy is still being kept: both copies skipped
    await inbox.receive([update(13, "d")])
    await inbox.receive([update(13, "d")])
    await inbox.receive([update(13, "d"), update(13, "d")])
    assert [inbox.is_duplicate(13) for _ in range(4)] == [True, True, True, False]


async def test_what_was_cut_off_is_replayed_in_order_and_a_poison_update_is_given_up(
    db: Database, clock: FixedClock
) -> None:
    inbox = Inbox(db, clock)
    await inbox.receive([update(20, "first"), update(21, "second"), update(22, "kills")])
    await inbox.handled(20)
    fed: list[str] = []

    async def feed(raw: dict[str, Any]) -> None:
        fed.append(raw["message"]["text"])
        if raw["message"]["text"] != "kills":
            await inbox.handled(raw["update_id"])

    assert await Inbox(db, clock).replay(feed) == 2
    assert fed == ["second", "kills"]
    # "kills" never returned (its process died twice): the third start gives it up
    assert await Inbox(db, clock).replay(feed) == 1
    assert await Inbox(db, clock).replay(feed) == 0
    assert fed == ["second", "kills", "kills"]
    assert await rows(db) == [(20, 0, 1, 0), (21, 0, 1, 1), (22, 0, 1, 2)]


async def test_handled_rows_are_purged_after_two_days(db: Database, clock: FixedClock) -> None:
    inbox = Inbox(db, clock)
    await inbox.receive([update(30, "old"), update(31, "waiting")])
    await inbox.handled(30)
    clock.now += timedelta(days=2, minutes=1)
    await inbox.receive([update(32, "new")])
    assert await inbox.purge() == 1
    assert [r[0] for r in await rows(db)] == [31, 32], "a waiting update is never purged"
