"""Complaints about police conduct: filed by a resident, read only in the complaints chat.

A complaint is never a report. It has its own numbers and its own table, so none of the staff
group's commands (`/find`, `/card`, `/export` …), figures or open data can see it or tell that
it exists. It is posted to one chat only (COMPLAINTS_CHAT_ID, else the supervisors' chat),
where any member can take it, write to the resident (who can answer), and give the answer,
which closes it. It runs on the legal clock like a report: due in COMPLAINT_ANSWER_WORKING_DAYS
working days, flagged in the chat the morning after the term if still open, and the answer
records how many working days it took and how late it was.

Every step is one transaction: the complaint's row, the messages it causes (outbox) and its
follow-up commit together, so a crash neither loses nor repeats one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from bot.domain.complaints import (
    MAX_ANSWER,
    Complaint,
    ComplaintDraft,
    ComplaintRefused,
    ComplaintStep,
)
from bot.domain.deadlines import LegalClock
from bot.domain.followups import FollowUp
from bot.domain.outbox import NewMessage, OutgoingMessage, delivered_mark
from bot.domain.refs import Ref, RefKind
from bot.domain.users import User
from bot.services.followups import FollowUps
from bot.services.outbox import Outbox
from bot.services.reports.ports import Relayed
from bot.storage.db import Database, Tx
from bot.storage.repositories import ComplaintRepository, RelayRepository

log = logging.getLogger(__name__)

#: the follow-up that flags an open complaint the morning after its term
OVERDUE = "complaint_overdue"
#: what a supervisor's reply to one of the bot's messages in the chat means
ANSWER, WRITE = "answer", "write"


class ComplaintRenderer(Protocol):
    def complaint_post(self, complaint: Complaint) -> NewMessage: ...

    def complaint_post_update(self, complaint: Complaint) -> NewMessage | None: ...

    def complaint_receipt(self, complaint: Complaint) -> NewMessage: ...

    def complaint_ask(self, complaint: Complaint, what: str, by_id: int, by: str) -> NewMessage: ...

    def complaint_taken(self, complaint: Complaint) -> NewMessage: ...

    def complaint_answer(self, complaint: Complaint) -> NewMessage: ...

    def complaint_to_resident(self, complaint: Complaint, said: Relayed) -> list[NewMessage]: ...

    def complaint_from_resident(self, complaint: Complaint, said: Relayed) -> list[NewMessage]: ...

    def complaint_overdue(self, complaint: Complaint) -> NewMessage: ...


class ComplaintService:
    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        clock: Callable[[], datetime],
        followups: FollowUps,
        renderer: ComplaintRenderer,
        legal: LegalClock,
        chat_id: int | None,
        answer_days: int = 15,
    ) -> None:
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.followups = followups
        self.renderer = renderer
        self.legal = legal
        #: the complaints chat (None: complaints are not taken in the bot)
        self.chat_id = chat_id
        self.answer_days = answer_days
        self.repo = ComplaintRepository()
        self.relays = RelayRepository()
        followups.register(OVERDUE, self._overdue)

    @property
    def accepted(self) -> bool:
        """Whether the bot takes complaints at all (a complaints chat is configured)."""
        return self.chat_id is not None

    def is_complaints_chat(self, chat_id: int) -> bool:
        return self.chat_id is not None and chat_id == self.chat_id

    # --- the resident -----------------------------------------------------------------------

    async def submit(self, user: User, draft: ComplaintDraft, name: str | None) -> int | None:
        """File a complaint: the row, its post to the complaints chat, the resident's receipt
        (with its number and the answer's term) and the overdue follow-up, in one commit.
        Returns its number; None when this wizard's complaint was filed already (a «Send»
        handled twice) or complaints are not taken."""
        if self.chat_id is None:
            return None
        now = self.clock()
        due = self.legal.calendar.add(self.legal.local_day(now), self.answer_days)
        async with self.db.transaction() as conn:
            number = await self.repo.insert(
                conn,
                key=draft.key,
                user_id=user.id,
                language=user.language,
                name=None if draft.anonymous else name,
                description=draft.description,
                due_on=due,
                chat_id=self.chat_id,
                now=now,
            )
            if number is None:
                return None
            complaint = await self.repo.get(conn, number)
            assert complaint is not None
            await self.outbox.add(conn, self.renderer.complaint_post(complaint))
            await self.outbox.add(conn, self.renderer.complaint_receipt(complaint))
            await self.followups.schedule(
                conn, OVERDUE, Ref.complaint(number), self.legal.overdue_at(due)
            )
        self.outbox.notify()
        log.info("complaint № %s filed", number)
        return number

    async def mine(self, user_id: int) -> list[Complaint]:
        """The resident's latest complaints, newest first."""
        async with self.db.read() as conn:
            return await self.repo.of_user(conn, user_id)

    async def from_resident(self, reply_to: int, said: Relayed) -> Complaint | None:
        """The resident replies to one of the bot's messages about a complaint: while it is
        open, the words go to the complaints chat under its post. None: the message replied
        to is not about a complaint of theirs (the other handlers decide).

        Every reply of a resident is asked here first, so the question is a read: a write
        transaction would commit the update's "handled" mark before the handler that relays a
        reply about a report had committed its relay, and a kill between the two would lose it.
        """
        async with self.db.read() as conn:
            ref = await self.relays.ref_of(conn, said.chat_id, reply_to)
        if ref is None or ref.kind is not RefKind.COMPLAINT or ref.id is None:
            return None
        async with self.db.transaction() as conn:
            complaint = await self.repo.get(conn, ref.id)
            if complaint is None or complaint.user_id != said.chat_id:
                return None
            if complaint.is_open:
                for message in self.renderer.complaint_from_resident(complaint, said):
                    await self.outbox.add(conn, message)
        self.outbox.notify()
        return complaint

    # --- the complaints chat ----------------------------------------------------------------

    async def _open_here(
        self, conn: Tx, complaint_id: int, chat_id: int
    ) -> tuple[Complaint | None, ComplaintRefused | None]:
        complaint = await self.repo.get(conn, complaint_id)
        if complaint is None or complaint.chat_id != chat_id:
            return None, ComplaintRefused.UNKNOWN
        if not complaint.is_open:
            return complaint, ComplaintRefused.CLOSED
        return complaint, None

    async def take(self, complaint_id: int, chat_id: int, by_id: int, by: str) -> ComplaintStep:
        """A supervisor takes the complaint up: the post names them, the resident is told
        (without the name)."""
        async with self.db.transaction() as conn:
            complaint, refused = await self._open_here(conn, complaint_id, chat_id)
            if refused is not None or complaint is None:
                return ComplaintStep(complaint, refused)
            if not await self.repo.take(conn, complaint.id, by_id, by, self.clock()):
                return ComplaintStep(complaint, ComplaintRefused.TAKEN)
            taken = await self.repo.get(conn, complaint.id)
            assert taken is not None
            await self._redraw(conn, taken)
            await self.outbox.add(conn, self.renderer.complaint_taken(taken))
        self.outbox.notify()
        return ComplaintStep(taken)

    async def ask(
        self, complaint_id: int, chat_id: int, what: str, by_id: int, by: str
    ) -> ComplaintStep:
        """«Write to the resident» or «Answer and close»: the bot asks for the text, a reply
        to its question."""
        async with self.db.transaction() as conn:
            complaint, refused = await self._open_here(conn, complaint_id, chat_id)
            if refused is not None or complaint is None:
                return ComplaintStep(complaint, refused)
            await self.outbox.add(conn, self.renderer.complaint_ask(complaint, what, by_id, by))
        self.outbox.notify()
        return ComplaintStep(complaint)

    async def replied_to(self, chat_id: int, message_id: int) -> tuple[int, str] | None:
        """A supervisor replies to a message of the bot's in the complaints chat: which
        complaint, and whether the reply is its answer (ANSWER) or a message to the resident
        (WRITE: a reply to the post, to the resident's words or to «write»)."""
        async with self.db.read() as conn:
            ref = await self.relays.ref_of(conn, chat_id, message_id)
        if ref is None or ref.kind is not RefKind.COMPLAINT or ref.id is None:
            return None
        if ref.parts[:2] == ("ask", ANSWER):
            return ref.id, ANSWER
        if ref.parts[:1] in (("post",), ("edit",), ("said",), ("ask",), ("overdue",)):
            return ref.id, WRITE
        return None

    async def write(self, complaint_id: int, said: Relayed) -> ComplaintStep:
        """A supervisor's message to the resident (any kind Telegram copies)."""
        async with self.db.transaction() as conn:
            complaint, refused = await self._open_here(conn, complaint_id, said.chat_id)
            if refused is not None or complaint is None:
                return ComplaintStep(complaint, refused)
            for message in self.renderer.complaint_to_resident(complaint, said):
                await self.outbox.add(conn, message)
        self.outbox.notify()
        return ComplaintStep(complaint)

    async def answer(
        self, complaint_id: int, chat_id: int, by_id: int, by: str, text: str
    ) -> ComplaintStep:
        """The answer: the resident gets it as written, the complaint is closed, and the
        working days it took (and past the term) are recorded."""
        if not text or len(text) > MAX_ANSWER:
            raise ValueError("an answer of 1 to MAX_ANSWER characters")
        now = self.clock()
        async with self.db.transaction() as conn:
            complaint, refused = await self._open_here(conn, complaint_id, chat_id)
            if refused is not None or complaint is None:
                return ComplaintStep(complaint, refused)
            kept = self.legal.answered(complaint.created_at, complaint.due_on, now)
            if not await self.repo.answer(
                conn, complaint.id, handler_id=by_id, handler_name=by, text=text,
                days=kept.days, late=kept.late, now=now,
            ):  # fmt: skip
                return ComplaintStep(complaint, ComplaintRefused.CLOSED)
            answered = await self.repo.get(conn, complaint.id)
            assert answered is not None
            await self._redraw(conn, answered)
            await self.outbox.add(conn, self.renderer.complaint_answer(answered))
            await self.followups.cancel(conn, Ref.complaint(complaint.id), OVERDUE)
        self.outbox.notify()
        log.info("complaint № %s answered (%s working days)", complaint.id, kept.days)
        return ComplaintStep(answered)

    async def _redraw(self, conn: Tx, complaint: Complaint) -> None:
        edit = self.renderer.complaint_post_update(complaint)
        if edit is not None:
            await self.outbox.add(conn, edit)

    async def _overdue(self, conn: Tx, followup: FollowUp, _: Any) -> None:
        """The morning after the term, still open: flagged on the post and said under it."""
        complaint = await self.repo.get(conn, followup.subject.number)
        if complaint is None or not complaint.is_open:
            return
        if not await self.repo.flag_overdue(conn, complaint.id, self.clock()):
            return
        flagged = await self.repo.get(conn, complaint.id)
        assert flagged is not None
        await self._redraw(conn, flagged)
        await self.outbox.add(conn, self.renderer.complaint_overdue(flagged))

    # --- delivery ---------------------------------------------------------------------------

    async def on_sent(self, conn: Tx, message: OutgoingMessage, message_id: int | None) -> None:
        """The post reached the chat: remember it (the buttons and replies act on it). A
        relayed message reached its reader: its source gets the DELIVERED reaction."""
        ref = message.ref
        if ref is None or ref.id is None or message_id is None:
            return
        if ref.parts == ("post",):
            await self.repo.posted(conn, ref.id, message_id, self.clock())
        elif ref.parts[:1] in (("relay",), ("said",)) and len(ref.parts) == 3:
            source_chat, source_message = int(ref.parts[1]), int(ref.parts[2])
            await self.outbox.add(conn, delivered_mark(source_chat, source_message, ref))
            self.outbox.notify()
