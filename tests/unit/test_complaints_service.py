"""The complaint service against a real SQLite database: one complaint per wizard however often
«Send» is handled, one supervisor wins a take, one answer closes it (the working days counted),
a reply that is not about a complaint costs no write (the report relay after it commits the
update), and the overdue follow-up flags an open complaint once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.complaints import Complaint, ComplaintDraft, ComplaintRefused, ComplaintStatus
from bot.domain.deadlines import LegalClock
from bot.domain.outbox import NewMessage
from bot.domain.refs import Ref
from bot.domain.workdays import kazakhstan
from bot.services.complaints import ComplaintService
from bot.services.followups import FollowUps
from bot.services.outbox import Outbox
from bot.services.reports.ports import Relayed
from bot.services.users import UserService
from bot.storage.db import Database
from tests.conftest import FixedClock

CHAT = -1003
ZONE = ZoneInfo("Asia/Almaty")


class Renderer:
    """Messages as data."""

    def _to_chat(self, c: Complaint, text: str, part: str) -> NewMessage:
        return NewMessage(CHAT, "sendMessage", {"text": text}, ref=Ref.complaint(c.id, part))

    def complaint_post(self, c: Complaint) -> NewMessage:
        return self._to_chat(c, f"post {c.status}", "post")

    def complaint_post_update(self, c: Complaint) -> NewMessage | None:
        if c.message_id is None:
            return None  # as the real one: a post not delivered yet is not edited
        return self._to_chat(c, f"edit {c.status}", "edit")

    def complaint_receipt(self, c: Complaint) -> NewMessage:
        return NewMessage(c.user_id, "sendMessage", {"text": f"receipt {c.id}"})

    def complaint_ask(self, c: Complaint, what: str, by_id: int, by: str) -> NewMessage:
        return self._to_chat(c, f"ask {what}", f"ask:{what}")

    def complaint_taken(self, c: Complaint) -> NewMessage:
        return NewMessage(c.user_id, "sendMessage", {"text": "taken"})

    def complaint_answer(self, c: Complaint) -> NewMessage:
        return NewMessage(c.user_id, "sendMessage", {"text": f"answer {c.answer}"})

    def complaint_to_resident(self, c: Complaint, said: Relayed) -> list[NewMessage]:
        return [NewMessage(c.user_id, "sendMessage", {"text": "to resident"})]

    def complaint_from_resident(self, c: Complaint, said: Relayed) -> list[NewMessage]:
        return [self._to_chat(c, "from resident", "said")]

    def complaint_overdue(self, c: Complaint) -> NewMessage:
        return self._to_chat(c, "overdue", "overdue")


def service(db: Database, clock: FixedClock) -> tuple[ComplaintService, FollowUps]:
    followups = FollowUps(db, clock)
    legal = LegalClock(kazakhstan(), ZONE)
    return ComplaintService(
        db, Outbox(clock), clock, followups, Renderer(), legal, CHAT, 15
    ), followups


async def resident(db: Database, clock: FixedClock, user_id: int = 501) -> Any:
    users = UserService(db, clock, "kk")
    await users.seen(user_id, "ru")
    return await users.get_required(user_id)


async def texts_to(db: Database, chat_id: int) -> list[str]:
    async with db.read() as conn:
        cur = await conn.execute(
            "SELECT json_extract(payload, '$.text') FROM outbox WHERE chat_id = ? ORDER BY id",
            (chat_id,),
        )
        return [row[0] for row in await cur.fetchall()]


async def test_send_twice_files_one_complaint_due_in_fifteen_working_days(
    db: Database, clock: FixedClock
) -> None:
    complaints, _ = service(db, clock)
    user = await resident(db, clock)
    draft = ComplaintDraft("Инспектор был груб и не принял заявление.", False, "key-1")
    assert await complaints.submit(user, draft, name="Aliya") == 1
    assert await complaints.submit(user, draft, name="Aliya") is None, "the same wizard"
    (mine,) = await complaints.mine(user.id)
    # Saturday 21 November 2026: fifteen working days are up on Friday 11 December
    assert (mine.status, mine.due_on.isoformat(), mine.name) == ("new", "2026-12-11", "Aliya")
    assert await texts_to(db, CHAT) == ["post new"]
    assert await texts_to(db, user.id) == ["receipt 1"]
    anonymous = ComplaintDraft("Ещё одна жалоба, на этот раз анонимно.", True, "key-2")
    assert await complaints.submit(user, anonymous, name="Aliya") == 2
    assert (await complaints.mine(user.id))[0].name is None


async def test_one_take_wins_and_one_answer_closes_it(db: Database, clock: FixedClock) -> None:
    complaints, _ = service(db, clock)
    user = await resident(db, clock)
    await complaints.submit(user, ComplaintDraft("x" * 30, False, "k"), name="A")
    assert (await complaints.take(1, CHAT, 7, "Chief")).refused is None
    assert (await complaints.take(1, CHAT, 8, "Deputy")).refused is ComplaintRefused.TAKEN
    assert (await complaints.take(1, -999, 8, "Elsewhere")).refused is ComplaintRefused.UNKNOWN
    clock.now = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)  # Wednesday: 3 working days
    answered = await complaints.answer(1, CHAT, 7, "Chief", "Проверено.")
    assert answered.complaint is not None
    done = answered.complaint
    assert (done.status, done.answer_days, done.late_days) == (ComplaintStatus.ANSWERED, 3, 0)
    again = await complaints.answer(1, CHAT, 8, "Deputy", "Ещё ответ.")
    assert again.refused is ComplaintRefused.CLOSED
    assert (await complaints.write(1, Relayed(CHAT, 5))).refused is ComplaintRefused.CLOSED
    assert await texts_to(db, user.id) == ["receipt 1", "taken", "answer Проверено."]


async def test_a_reply_not_about_a_complaint_is_read_without_a_write(
    db: Database, clock: FixedClock
) -> None:
    """Every reply of a resident is asked here before the report relay: a write transaction
    would commit the update's "handled" mark ahead of the relay."""
    complaints, _ = service(db, clock)
    user = await resident(db, clock)
    statements: list[str] = []
    assert db.conn is not None
    await db.conn.set_trace_callback(statements.append)
    assert await complaints.from_resident(12345, Relayed(user.id, 77)) is None
    await db.conn.set_trace_callback(None)
    assert statements and not any(s.startswith(("BEGIN", "INSERT", "UPDATE")) for s in statements)


async def test_an_open_complaint_is_flagged_overdue_once_after_its_term(
    db: Database, clock: FixedClock
) -> None:
    complaints, followups = service(db, clock)
    user = await resident(db, clock)
    await complaints.submit(user, ComplaintDraft("y" * 30, True, "k"), name=None)
    clock.now = datetime(2026, 12, 11, 18, 59, tzinfo=UTC)  # 23:59 on its last day, in Almaty
    assert await followups.run_due() == 0
    clock.now = datetime(2026, 12, 11, 19, 0, tzinfo=UTC)  # midnight
    assert await followups.run_due() == 1
    assert await followups.run_due() == 0
    assert await texts_to(db, CHAT) == ["post new", "overdue"]  # the post is not out: no edit
    (flagged,) = await complaints.mine(user.id)
    assert flagged.overdue_at is not None
