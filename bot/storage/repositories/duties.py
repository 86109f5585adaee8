"""Duties and duty offers."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.domain.duties import (
    Duty,
    DutyCandidate,
    DutyDraft,
    DutyOffer,
    DutyStatus,
    HelperHours,
    MeetingPoint,
    OfferState,
    TakenDuty,
)
from bot.domain.helpers import HelperStatus
from bot.storage.repositories._rows import from_db, to_db

#: an offer's columns with what its messages need of the helper
_OFFER = (
    "SELECT o.*, h.full_name, h.phone, h.language, h.status AS helper_status"
    " FROM duty_offers o JOIN helpers h ON h.id = o.helper_id"
)


def _moment(value: str) -> datetime:
    moment = from_db(value)
    assert moment is not None
    return moment


def _duty(row: Any) -> Duty:
    return Duty(
        id=int(row["id"]),
        starts_at=_moment(row["starts_at"]),
        ends_at=_moment(row["ends_at"]),
        precincts=tuple(json.loads(row["precincts"])),
        place=MeetingPoint(
            float(row["place_lat"]),
            float(row["place_lon"]),
            row["place_label"],
            row["place_point_id"],
        ),
        seats=int(row["seats"]),
        task=row["task"],
        leader=row["leader"],
        leader_phone=row["leader_phone"],
        status=DutyStatus(row["status"]),
        cancel_reason=row["cancel_reason"],
        waves=int(row["waves"]),
        created_by=row["created_by"],
        created_by_name=row["created_by_name"],
        staff_chat_id=row["staff_chat_id"],
        created_at=_moment(row["created_at"]),
        updated_at=_moment(row["updated_at"]),
    )


def _offer(row: Any) -> DutyOffer:
    return DutyOffer(
        duty_id=int(row["duty_id"]),
        helper_id=int(row["helper_id"]),
        user_id=int(row["user_id"]),
        wave=int(row["wave"]),
        state=OfferState(row["state"]),
        offered_at=_moment(row["offered_at"]),
        answered_at=from_db(row["answered_at"]),
        message_id=row["message_id"],
        checked_in_at=from_db(row["checked_in_at"]),
        check_in_metres=row["check_in_metres"],
        checked_out_at=from_db(row["checked_out_at"]),
        minutes=row["minutes"],
        minutes_by=row["minutes_by"],
        full_name=row["full_name"],
        phone=row["phone"],
        language=row["language"],
        helper_status=HelperStatus(row["helper_status"]),
    )


class DutyRepository:
    """duties and duty_offers (who was offered a duty, who took a seat, who came)."""

    async def insert(
        self,
        conn: aiosqlite.Connection,
        draft: DutyDraft,
        by_id: int | None,
        by_name: str | None,
        staff_chat_id: int | None,
        now: datetime,
    ) -> int:
        place = draft.place
        cur = await conn.execute(
            "INSERT INTO duties (starts_at, ends_at, precincts, place_lat, place_lon,"
            " place_label, place_point_id, seats, task, leader, leader_phone, created_by,"
            " created_by_name, staff_chat_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (to_db(draft.starts_at), to_db(draft.ends_at), json.dumps(list(draft.precincts)),
             place.latitude, place.longitude, place.label, place.point_id, draft.seats,
             draft.task, draft.leader, draft.leader_phone, by_id, by_name, staff_chat_id,
             to_db(now), to_db(now)),
        )  # fmt: skip
        return int(cur.lastrowid or 0)

    async def get(self, conn: aiosqlite.Connection, duty_id: int) -> Duty | None:
        cur = await conn.execute("SELECT * FROM duties WHERE id = ?", (duty_id,))
        row = await cur.fetchone()
        return _duty(row) if row else None

    async def cancel(
        self, conn: aiosqlite.Connection, duty_id: int, reason: str, now: datetime
    ) -> bool:
        cur = await conn.execute(
            "UPDATE duties SET status = 'cancelled', cancel_reason = ?, updated_at = ?"
            " WHERE id = ? AND status = 'open'",
            (reason, to_db(now), duty_id),
        )
        return cur.rowcount == 1

    async def update(
        self, conn: aiosqlite.Connection, duty_id: int, draft: DutyDraft, now: datetime
    ) -> bool:
        place = draft.place
        cur = await conn.execute(
            "UPDATE duties SET starts_at = ?, ends_at = ?, precincts = ?, place_lat = ?,"
            " place_lon = ?, place_label = ?, place_point_id = ?, seats = ?, task = ?,"
            " leader = ?, leader_phone = ?, updated_at = ? WHERE id = ? AND status = 'open'",
            (to_db(draft.starts_at), to_db(draft.ends_at), json.dumps(list(draft.precincts)),
             place.latitude, place.longitude, place.label, place.point_id, draft.seats,
             draft.task, draft.leader, draft.leader_phone, to_db(now), duty_id),
        )  # fmt: skip
        return cur.rowcount == 1

    async def count_wave(self, conn: aiosqlite.Connection, duty_id: int, now: datetime) -> int:
        await conn.execute(
            "UPDATE duties SET waves = waves + 1, updated_at = ? WHERE id = ?",
            (to_db(now), duty_id),
        )
        duty = await self.get(conn, duty_id)
        return duty.waves if duty else 0

    async def states(self, conn: aiosqlite.Connection, duty_id: int) -> dict[OfferState, int]:
        cur = await conn.execute(
            "SELECT state, COUNT(*) FROM duty_offers WHERE duty_id = ? GROUP BY state",
            (duty_id,),
        )
        return {OfferState(row[0]): int(row[1]) for row in await cur.fetchall()}

    async def offers(self, conn: aiosqlite.Connection, duty_id: int) -> list[DutyOffer]:
        """Every offer of a duty with the helper's name and language, in the order answered."""
        cur = await conn.execute(
            _OFFER + " WHERE o.duty_id = ?"
            " ORDER BY o.answered_at IS NULL, o.answered_at, o.helper_id",
            (duty_id,),
        )
        return [_offer(row) for row in await cur.fetchall()]

    async def offer(
        self, conn: aiosqlite.Connection, duty_id: int, user_id: int
    ) -> DutyOffer | None:
        cur = await conn.execute(
            _OFFER + " WHERE o.duty_id = ? AND o.user_id = ?"
            " ORDER BY o.helper_id DESC LIMIT 1",  # a person who applied again: the latest
            (duty_id, user_id),
        )
        row = await cur.fetchone()
        return _offer(row) if row else None

    async def candidates(
        self,
        conn: aiosqlite.Connection,
        duty_id: int,
        precincts: tuple[str, ...],
        starts_at: datetime,
        ends_at: datetime,
    ) -> list[DutyCandidate]:
        """Active helpers of those precincts, reachable, not yet asked for this duty (or asked
        and closed when the seats filled), without an accepted duty at an overlapping time."""
        marks = ", ".join("?" for _ in precincts)
        cur = await conn.execute(
            "SELECT DISTINCT h.id, h.user_id, h.language, h.days, h.bands, h.precincts"
            " FROM helper_precincts hp JOIN helpers h ON h.id = hp.helper_id"
            " JOIN users u ON u.id = h.user_id"
            f" WHERE hp.precinct_id IN ({marks}) AND h.status = 'active'"
            " AND u.blocked_bot = 0 AND u.banned = 0"
            " AND NOT EXISTS (SELECT 1 FROM duty_offers o WHERE o.duty_id = ?"
            "   AND o.helper_id = h.id AND o.state != 'closed')"
            " AND NOT EXISTS (SELECT 1 FROM duty_offers o JOIN duties d ON d.id = o.duty_id"
            "   WHERE o.helper_id = h.id AND o.state = 'accepted' AND d.status = 'open'"
            "   AND d.starts_at < ? AND ? < d.ends_at)"
            " ORDER BY h.id",
            (*precincts, duty_id, to_db(ends_at), to_db(starts_at)),
        )
        return [
            DutyCandidate(
                id=int(row["id"]),
                user_id=int(row["user_id"]),
                language=row["language"],
                days=tuple(json.loads(row["days"])),
                bands=tuple(json.loads(row["bands"])),
                precincts=tuple(json.loads(row["precincts"])),
            )
            for row in await cur.fetchall()
        ]

    async def minutes_of(self, conn: aiosqlite.Connection, helper_ids: list[int]) -> dict[int, int]:
        if not helper_ids:
            return {}
        marks = ", ".join("?" for _ in helper_ids)
        cur = await conn.execute(
            "SELECT o.helper_id, COALESCE(SUM(o.minutes), 0) FROM duty_offers o"
            " JOIN duties d ON d.id = o.duty_id"
            f" WHERE o.helper_id IN ({marks}) AND o.minutes IS NOT NULL AND d.status = 'open'"
            " GROUP BY o.helper_id",
            helper_ids,
        )
        return {int(row[0]): int(row[1]) for row in await cur.fetchall()}

    async def minutes_of_user(self, conn: aiosqlite.Connection, user_id: int) -> int:
        """Every minute this person served (over all their applications), as /hours counts."""
        cur = await conn.execute(
            "SELECT COALESCE(SUM(o.minutes), 0) FROM duty_offers o JOIN duties d"
            " ON d.id = o.duty_id WHERE o.user_id = ? AND d.status = 'open'",
            (user_id,),
        )
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def awaiting(self, conn: aiosqlite.Connection, duty_id: int, since: datetime) -> int:
        """Offers still unanswered that were sent after `since` (older ones no longer hold a
        place in the next wave: their helpers are busy or away)."""
        cur = await conn.execute(
            "SELECT COUNT(*) FROM duty_offers WHERE duty_id = ? AND state = 'offered'"
            " AND offered_at > ?",
            (duty_id, to_db(since)),
        )
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def future_seats(
        self, conn: aiosqlite.Connection, helper_id: int, now: datetime
    ) -> list[DutyOffer]:
        """This helper's offers and seats on open duties that have not started."""
        cur = await conn.execute(
            _OFFER + " JOIN duties d ON d.id = o.duty_id WHERE o.helper_id = ?"
            " AND o.state IN ('offered', 'accepted') AND d.status = 'open' AND d.starts_at > ?",
            (helper_id, to_db(now)),
        )
        return [_offer(row) for row in await cur.fetchall()]

    async def add_offer(
        self,
        conn: aiosqlite.Connection,
        duty_id: int,
        helper_id: int,
        user_id: int,
        wave: int,
        now: datetime,
    ) -> None:
        """A new offer, or a closed one offered again (a seat came free)."""
        await conn.execute(
            "INSERT INTO duty_offers (duty_id, helper_id, user_id, wave, offered_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (duty_id, helper_id) DO UPDATE SET"
            " state = 'offered', wave = excluded.wave, offered_at = excluded.offered_at,"
            " answered_at = NULL, message_id = NULL WHERE duty_offers.state = 'closed'",
            (duty_id, helper_id, user_id, wave, to_db(now)),
        )

    async def take_seat(
        self, conn: aiosqlite.Connection, duty_id: int, helper_id: int, now: datetime
    ) -> bool:
        """Accept, only while a seat is free: one statement, so concurrent accepts (from any
        connection or process) can never fill more seats than there are."""
        cur = await conn.execute(
            "UPDATE duty_offers SET state = 'accepted', answered_at = ?"
            " WHERE duty_id = ? AND helper_id = ? AND state = 'offered'"
            " AND (SELECT COUNT(*) FROM duty_offers WHERE duty_id = ? AND state = 'accepted')"
            "   < (SELECT seats FROM duties WHERE id = ? AND status = 'open')",
            (to_db(now), duty_id, helper_id, duty_id, duty_id),
        )
        return cur.rowcount == 1

    async def set_state(
        self,
        conn: aiosqlite.Connection,
        duty_id: int,
        helper_id: int,
        expected: tuple[OfferState, ...],
        state: OfferState,
        now: datetime,
    ) -> bool:
        marks = ", ".join("?" for _ in expected)
        cur = await conn.execute(
            f"UPDATE duty_offers SET state = ?, answered_at = ? WHERE duty_id = ?"
            f" AND helper_id = ? AND state IN ({marks})",
            (state, to_db(now), duty_id, helper_id, *expected),
        )
        return cur.rowcount == 1

    async def close_open(self, conn: aiosqlite.Connection, duty_id: int) -> list[DutyOffer]:
        """Close every unanswered offer (the seats filled or the duty was cancelled); returns
        them as they were (with their message ids, to edit them)."""
        cur = await conn.execute(
            _OFFER + " WHERE o.duty_id = ? AND o.state = 'offered'",
            (duty_id,),
        )
        rows = [_offer(row) for row in await cur.fetchall()]
        await conn.execute(
            "UPDATE duty_offers SET state = 'closed' WHERE duty_id = ? AND state = 'offered'",
            (duty_id,),
        )
        return rows

    async def set_message(
        self, conn: aiosqlite.Connection, duty_id: int, helper_id: int, message_id: int
    ) -> OfferState | None:
        """The offer reached the helper's chat as `message_id`; returns the offer's state."""
        await conn.execute(
            "UPDATE duty_offers SET message_id = ? WHERE duty_id = ? AND helper_id = ?",
            (message_id, duty_id, helper_id),
        )
        cur = await conn.execute(
            "SELECT state FROM duty_offers WHERE duty_id = ? AND helper_id = ?",
            (duty_id, helper_id),
        )
        row = await cur.fetchone()
        return OfferState(row[0]) if row else None

    async def collides(
        self,
        conn: aiosqlite.Connection,
        helper_id: int,
        duty_id: int,
        starts_at: datetime,
        ends_at: datetime,
    ) -> int | None:
        """Another duty this helper accepted at an overlapping time (its number), or None."""
        cur = await conn.execute(
            "SELECT d.id FROM duty_offers o JOIN duties d ON d.id = o.duty_id"
            " WHERE o.helper_id = ? AND o.state = 'accepted' AND d.status = 'open'"
            " AND d.id != ? AND d.starts_at < ? AND ? < d.ends_at LIMIT 1",
            (helper_id, duty_id, to_db(ends_at), to_db(starts_at)),
        )
        row = await cur.fetchone()
        return int(row[0]) if row else None

    async def check_in(
        self, conn: aiosqlite.Connection, duty_id: int, helper_id: int, now: datetime
    ) -> bool:
        cur = await conn.execute(
            "UPDATE duty_offers SET checked_in_at = ? WHERE duty_id = ? AND helper_id = ?"
            " AND state = 'accepted' AND checked_in_at IS NULL",
            (to_db(now), duty_id, helper_id),
        )
        return cur.rowcount == 1

    async def set_check_in_metres(
        self, conn: aiosqlite.Connection, duty_id: int, helper_id: int, metres: int
    ) -> None:
        await conn.execute(
            "UPDATE duty_offers SET check_in_metres = ? WHERE duty_id = ? AND helper_id = ?",
            (metres, duty_id, helper_id),
        )

    async def check_out(
        self,
        conn: aiosqlite.Connection,
        duty_id: int,
        helper_id: int,
        now: datetime,
        minutes: int,
    ) -> bool:
        cur = await conn.execute(
            "UPDATE duty_offers SET checked_out_at = ?,"
            " minutes = CASE WHEN minutes_by IS NULL THEN ? ELSE minutes END WHERE duty_id = ?"
            " AND helper_id = ? AND state = 'accepted' AND checked_in_at IS NOT NULL"
            " AND checked_out_at IS NULL",
            (to_db(now), minutes, duty_id, helper_id),
        )
        return cur.rowcount == 1

    async def set_minutes(
        self,
        conn: aiosqlite.Connection,
        duty_id: int,
        helper_id: int,
        minutes: int,
        by: str,
    ) -> bool:
        """Staff correct the hours (a no-show back to present, too)."""
        cur = await conn.execute(
            "UPDATE duty_offers SET minutes = ?, minutes_by = ?, state = 'accepted'"
            " WHERE duty_id = ? AND helper_id = ? AND state IN ('accepted', 'no_show')",
            (minutes, by, duty_id, helper_id),
        )
        return cur.rowcount == 1

    async def mark_no_show(
        self, conn: aiosqlite.Connection, duty_id: int, helper_id: int, by: str
    ) -> bool:
        cur = await conn.execute(
            "UPDATE duty_offers SET state = 'no_show', minutes = 0, minutes_by = ?"
            " WHERE duty_id = ? AND helper_id = ? AND state = 'accepted'",
            (by, duty_id, helper_id),
        )
        return cur.rowcount == 1

    async def open_check_ins(self, conn: aiosqlite.Connection, duty_id: int) -> list[DutyOffer]:
        cur = await conn.execute(
            _OFFER + " WHERE o.duty_id = ? AND o.state = 'accepted'"
            " AND o.checked_in_at IS NOT NULL AND o.checked_out_at IS NULL",
            (duty_id,),
        )
        return [_offer(row) for row in await cur.fetchall()]

    async def current_of(
        self, conn: aiosqlite.Connection, user_id: int, now: datetime, early: timedelta
    ) -> tuple[Duty, DutyOffer] | None:
        """The accepted duty of this person going on now (or starting within `early`), with
        their seat on it."""
        cur = await conn.execute(
            _OFFER + " JOIN duties d ON d.id = o.duty_id WHERE o.user_id = ?"
            " AND o.state = 'accepted' AND d.status = 'open' AND d.starts_at <= ?"
            " AND ? < d.ends_at ORDER BY d.starts_at LIMIT 1",
            (user_id, to_db(now + early), to_db(now)),
        )
        row = await cur.fetchone()
        if row is None:
            return None
        offer = _offer(row)
        duty = await self.get(conn, offer.duty_id)
        assert duty is not None
        return duty, offer

    async def of_user(
        self, conn: aiosqlite.Connection, user_id: int, limit: int
    ) -> list[TakenDuty]:
        """Duties this person took (and gave back or missed), the latest first."""
        cur = await conn.execute(
            "SELECT o.state AS offer_state, o.minutes AS offer_minutes, d.* FROM duty_offers o"
            " JOIN duties d ON d.id = o.duty_id WHERE o.user_id = ?"
            " AND o.state IN ('accepted', 'no_show') ORDER BY d.starts_at DESC LIMIT ?",
            (user_id, limit),
        )
        return [
            TakenDuty(_duty(row), OfferState(row["offer_state"]), row["offer_minutes"])
            for row in await cur.fetchall()
        ]

    async def hours_by_helper(
        self, conn: aiosqlite.Connection, since: datetime, until: datetime
    ) -> list[HelperHours]:
        """Per helper: duties taken, no-shows and minutes served, for duties starting in
        [since, until)."""
        cur = await conn.execute(
            "SELECT h.id AS helper_id, h.full_name,"
            " SUM(o.state = 'accepted') AS duties, SUM(o.state = 'no_show') AS no_shows,"
            " COALESCE(SUM(o.minutes), 0) AS minutes"
            " FROM duty_offers o JOIN duties d ON d.id = o.duty_id"
            " JOIN helpers h ON h.id = o.helper_id"
            " WHERE d.starts_at >= ? AND d.starts_at < ? AND d.status = 'open'"
            " AND o.state IN ('accepted', 'no_show')"
            " GROUP BY h.id ORDER BY minutes DESC, h.id",
            (to_db(since), to_db(until)),
        )
        return [
            HelperHours(
                helper_id=int(row["helper_id"]),
                full_name=row["full_name"],
                duties=int(row["duties"]),
                no_shows=int(row["no_shows"]),
                minutes=int(row["minutes"]),
            )
            for row in await cur.fetchall()
        ]
