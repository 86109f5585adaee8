"""Referral without Telegram: the directory of outside bodies, passing a report to one, and
what the body does with it (accept, answer, close), each step told to the resident.

Every step is one transaction through the reports' lifecycle (bot/services/reports/
lifecycle.py): the report's status (referred, resolved, taken back), its history, the staff
post, the resident's notice and the follow-ups move together. A body reached in Telegram gets
a post in its chat; the resident hears who handles the report only once that post has reached
the chat (its delivery hook), and a post Telegram refuses (the bot was removed) brings the
report back to the officer with the staff told. A body reached by e-mail or by hand: staff get
a ready text, and record the body's answer with the post's «Resolved» button.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.domain.deadlines import LegalClock
from bot.domain.outbox import NewMessage, OutgoingMessage
from bot.domain.referrals import LIVE, Body, Contact, Referral, ReferralState
from bot.domain.refs import RefKind
from bot.domain.reports import Action, Actor, IllegalTransition, Report, Status, apply
from bot.services.reports.lifecycle import ReportLifecycle
from bot.storage.db import Tx
from bot.storage.repositories import BodyRepository, ReferralRepository

log = logging.getLogger(__name__)

#: a body's answer for the resident, at most (a Telegram message, with the header)
MAX_ANSWER = 3000


class ReferralRenderer(Protocol):
    def body_post(self, report: Report, referral: Referral, body: Body) -> list[NewMessage]: ...

    def body_post_update(
        self, report: Report, referral: Referral, body: Body
    ) -> NewMessage | None: ...

    def body_ask_answer(self, referral: Referral, body: Body) -> NewMessage: ...

    def body_reminder(self, report: Report, referral: Referral, body: Body) -> NewMessage: ...

    def referred_resident(self, report: Report, referral: Referral, body: Body) -> NewMessage: ...

    def accepted_resident(self, report: Report, body: Body) -> NewMessage: ...

    def answer_resident(self, report: Report, body: Body, text: str | None) -> NewMessage: ...

    def ready_text(self, report: Report, referral: Referral, body: Body) -> NewMessage | None: ...

    def referral_staff_note(
        self, report: Report, referral: Referral, body: Body, what: str, text: str | None = None
    ) -> NewMessage | None: ...


class Refused(StrEnum):
    """Why a step on a referral did nothing."""

    NO_BODY = "no body"  # unknown or removed
    CHANGED = "changed"  # the report is not as the officer saw it
    CLOSED = "closed"  # the report or the referral is over
    NOT_HERE = "not here"  # a press in a chat that is not the body's


@dataclass(frozen=True)
class Step:
    """The outcome of a step: the report and referral as they are now, or why not."""

    report: Report | None
    referral: Referral | None = None
    refused: Refused | None = None


class ReferralService:
    def __init__(
        self,
        lifecycle: ReportLifecycle,
        renderer: ReferralRenderer,
        legal: LegalClock | None = None,
    ) -> None:
        self.lifecycle = lifecycle
        self.db = lifecycle.db
        self.outbox = lifecycle.outbox
        self.clock = lifecycle.clock
        self.reports = lifecycle.repo
        self.relays = lifecycle.relays
        self.renderer = renderer
        self.legal = legal
        self.bodies_repo = BodyRepository()
        self.repo = ReferralRepository()
        #: every body ever added, by key (a removed one stays: old referrals name it)
        self.known: dict[str, Body] = {}
        lifecycle.on_left_referral = self._left

    # --- the directory of bodies ----------------------------------------------------------

    async def load(self) -> None:
        async with self.db.read() as conn:
            self.known = {body.id: body for body in await self.bodies_repo.all(conn)}

    def body(self, key: str) -> Body | None:
        return self.known.get(key)

    def active(self) -> list[Body]:
        return [body for body in self.known.values() if body.active]

    def body_of_chat(self, chat_id: int) -> Body | None:
        """The active body reached in this chat."""
        return next((b for b in self.known.values() if b.active and b.chat_id == chat_id), None)

    async def save_body(self, body: Body) -> bool:
        """Add or change a body; False if another body is reached in the same chat."""
        async with self.db.transaction() as conn:
            if body.chat_id is not None and await self.bodies_repo.chat_taken(
                conn, body.chat_id, body.id
            ):
                return False
            await self.bodies_repo.save(conn, body, self.clock())
        await self.load()
        return True

    async def remove_body(self, key: str) -> bool:
        async with self.db.transaction() as conn:
            removed = await self.bodies_repo.deactivate(conn, key, self.clock())
        await self.load()
        return removed

    # --- staff: refer ---------------------------------------------------------------------

    async def refer(
        self,
        report_id: int,
        body_id: str,
        reason: str,
        officer_id: int,
        officer_name: str,
        seen: Status | None = None,
    ) -> Step:
        """Pass an open report to a body: its status becomes «referred», the police's answer
        is the referral (timed against the term to refer), the body's own term starts, the
        body gets the report (or staff a ready text), and the resident is told."""
        body = self.body(body_id)
        if body is None or not body.active:
            return Step(None, refused=Refused.NO_BODY)
        now = self.clock()
        async with self.db.transaction() as conn:
            report = await self.reports.get(conn, report_id)
            if report is None:
                return Step(None, refused=Refused.CLOSED)
            if seen is not None and report.status is not seen:
                return Step(report, refused=Refused.CHANGED)
            try:
                apply(report.status, Action.REFER, Actor.STAFF, holder=report.officer_id,
                      officer_id=officer_id)  # fmt: skip
            except IllegalTransition:
                return Step(report, refused=Refused.CLOSED)
            due = self.legal.due(report.category, now) if self.legal else now.date()
            if self.legal is not None and report.due_on is not None:
                kept = self.legal.referred(report.category, report.created_at, now)
                await self.reports.record_answer(conn, report.id, now, kept.days, kept.late)
            await self.reports.set_due(conn, report.id, due)
            result = await self.lifecycle.transition(
                conn,
                report,
                Action.REFER,
                Actor.STAFF,
                officer_id,
                officer_id=officer_id,
                note=f"{body.id}: {reason}",
                actor_name=officer_name,
                referred_to=body.id,
            )
            if not result.changed:  # checked above: cannot happen inside this transaction
                raise RuntimeError(f"report {report_id}: referral refused: {result.refused}")
            updated = result.report
            referral_id = await self.repo.insert(
                conn,
                report_id=report.id,
                body=body,
                reason=reason,
                officer_id=officer_id,
                officer_name=officer_name,
                due_on=due,
                now=now,
            )
            referral = await self.repo.get(conn, referral_id)
            assert referral is not None
            await self.lifecycle.redraw(conn, updated)
            if body.contact is Contact.TELEGRAM:
                for message in self.renderer.body_post(updated, referral, body):
                    await self.outbox.add(conn, message)
            else:
                # no chat of theirs: the resident is told now, staff send it themselves
                told = self.renderer.referred_resident(updated, referral, body)
                await self.outbox.add(conn, told)
                ready = self.renderer.ready_text(updated, referral, body)
                if ready is not None:
                    await self.outbox.add(conn, ready)
        self.outbox.notify()
        log.info("report %s referred to %s by %s", report_id, body.id, officer_id)
        return Step(updated, referral)

    # --- the body, in its chat ------------------------------------------------------------

    async def _step(
        self, conn: Tx, referral_id: int, chat_id: int
    ) -> tuple[Report | None, Referral | None, Body | None, Refused | None]:
        referral = await self.repo.get(conn, referral_id)
        if referral is None:
            return None, None, None, Refused.CLOSED
        body = self.body(referral.body_id)
        if body is None or body.chat_id != chat_id:
            return None, referral, body, Refused.NOT_HERE
        report = await self.reports.get(conn, referral.report_id)
        if report is None or not referral.live or report.status is not Status.REFERRED:
            return report, referral, body, Refused.CLOSED
        return report, referral, body, None

    async def accept(self, referral_id: int, chat_id: int, by_id: int, by_name: str) -> Step:
        async with self.db.transaction() as conn:
            report, referral, body, refused = await self._step(conn, referral_id, chat_id)
            if refused is not None or referral is None or report is None or body is None:
                return Step(report, referral, refused)
            if referral.state is ReferralState.ACCEPTED:
                return Step(report, referral)  # a second press: nothing new to tell
            await self.repo.move(conn, referral.id, LIVE, ReferralState.ACCEPTED, self.clock())
            await self.lifecycle.event(
                conn, report.id, "system", by_id, "body_accept", note=body.id,
                actor_name=f"{by_name} ({body.name('ru')})",
            )  # fmt: skip
            referral = await self.repo.get(conn, referral.id)
            assert referral is not None
            edit = self.renderer.body_post_update(report, referral, body)
            if edit is not None:
                await self.outbox.add(conn, edit)
            await self.outbox.add(conn, self.renderer.accepted_resident(report, body))
            note = self.renderer.referral_staff_note(report, referral, body, "accepted")
            if note is not None:
                await self.outbox.add(conn, note)
        self.outbox.notify()
        return Step(report, referral)

    async def ask_answer(self, referral_id: int, chat_id: int) -> Step:
        """«Answer»: the bot asks the body's chat for the text (a reply to its question)."""
        async with self.db.transaction() as conn:
            report, referral, body, refused = await self._step(conn, referral_id, chat_id)
            if refused is not None or referral is None or body is None:
                return Step(report, referral, refused)
            await self.outbox.add(conn, self.renderer.body_ask_answer(referral, body))
        self.outbox.notify()
        return Step(report, referral)

    async def finish(
        self, referral_id: int, chat_id: int, by_id: int, by_name: str, text: str | None
    ) -> Step:
        """The body's answer (`text`), or its «Close» without one: the resident gets it, the
        report is resolved, the staff see it under the post."""
        async with self.db.transaction() as conn:
            report, referral, body, refused = await self._step(conn, referral_id, chat_id)
            if refused is not None or referral is None or report is None or body is None:
                return Step(report, referral, refused)
            state = ReferralState.ANSWERED if text else ReferralState.CLOSED
            await self.repo.move(conn, referral.id, LIVE, state, self.clock())
            result = await self.lifecycle.transition(
                conn,
                report,
                Action.RESOLVE,
                Actor.BODY,
                by_id,
                note=text or body.id,
                actor_name=f"{by_name} ({body.name('ru')})",
            )
            if not result.changed:
                raise RuntimeError(f"report {report.id}: the body's answer refused")
            updated = result.report
            referral = await self.repo.get(conn, referral.id)
            assert referral is not None
            await self.lifecycle.redraw(conn, updated)
            await self.lifecycle.topic_state(conn, updated, closed=True)
            edit = self.renderer.body_post_update(updated, referral, body)
            if edit is not None:
                await self.outbox.add(conn, edit)
            await self.outbox.add(conn, self.renderer.answer_resident(updated, body, text))
            note = self.renderer.referral_staff_note(updated, referral, body, state.value, text)
            if note is not None:
                await self.outbox.add(conn, note)
            await self.lifecycle.tell_followers(conn, updated)
            if self.lifecycle.on_resolved is not None:
                await self.lifecycle.on_resolved(conn, updated)
        self.outbox.notify()
        log.info("report %s: %s by %s", report.id, state.value, body.id)
        return Step(updated, referral)

    # --- inside other transactions --------------------------------------------------------

    async def _left(self, conn: Tx, report: Report, to: Status) -> None:
        """The report leaves «referred» by staff (taken back, or the answer recorded): the
        live referral is over; its post in the body's chat says so."""
        referral = await self.repo.live(conn, report.id)
        if referral is None:
            return
        state = ReferralState.RECALLED if to is Status.TAKEN else ReferralState.ANSWERED
        await self.repo.move(conn, referral.id, LIVE, state, self.clock())
        body = self.body(referral.body_id)
        moved = await self.repo.get(conn, referral.id)
        if body is not None and moved is not None:
            edit = self.renderer.body_post_update(report, moved, body)
            if edit is not None:
                await self.outbox.add(conn, edit)

    async def overdue(self, conn: Tx, report: Report) -> None:
        """The body's term has passed: a reminder in its chat (the staff are told by the
        overdue follow-up itself)."""
        referral = await self.repo.live(conn, report.id)
        body = self.body(referral.body_id) if referral else None
        if referral is None or body is None or body.contact is not Contact.TELEGRAM:
            return
        if referral.body_message_id is None:
            return  # the post never arrived (its failure brought the report back)
        await self.outbox.add(conn, self.renderer.body_reminder(report, referral, body))

    # --- delivery hooks -------------------------------------------------------------------

    async def on_sent(self, conn: Tx, message: OutgoingMessage, message_id: int | None) -> None:
        """The report's post reached the body's chat: remember it, tell the resident."""
        ref = message.ref
        if ref is None or ref.id is None or ref.part != "post" or message_id is None:
            return
        referral = await self.repo.get(conn, ref.id)
        if referral is None:
            return
        await self.repo.set_post(conn, referral.id, message.chat_id, message_id)
        report = await self.reports.get(conn, referral.report_id)
        body = self.body(referral.body_id)
        if report is None or body is None or not referral.live:
            return  # taken back meanwhile: the resident was never told it went
        await self.outbox.add(conn, self.renderer.referred_resident(report, referral, body))
        note = self.renderer.referral_staff_note(report, referral, body, "delivered")
        if note is not None:
            await self.outbox.add(conn, note)
        self.outbox.notify()

    async def on_failed(self, conn: Tx, message: OutgoingMessage, error: str) -> None:
        """Telegram refuses the body's chat (the bot was removed, the chat is gone): the
        referral failed, the report is back with the officer who referred it, staff told."""
        ref = message.ref
        if ref is None or ref.id is None or ref.part != "post":
            return
        referral = await self.repo.get(conn, ref.id)
        if referral is None or not referral.live:
            return
        report = await self.reports.get(conn, referral.report_id)
        body = self.body(referral.body_id)
        await self.repo.move(conn, referral.id, LIVE, ReferralState.FAILED, self.clock())
        log.warning("referral %s to %s failed: %s", referral.id, referral.body_id, error)
        if report is None or body is None or report.status is not Status.REFERRED:
            return
        result = await self.lifecycle.transition(
            conn,
            report,
            Action.TAKE,
            Actor.STAFF,
            referral.officer_id,
            officer_id=referral.officer_id,
            note=f"{body.id}: {error[:200]}",
            actor_name=referral.officer_name,
        )
        if result.changed:
            await self.lifecycle.redraw(conn, result.report)
            note = self.renderer.referral_staff_note(result.report, referral, body, "failed")
            if note is not None:
                await self.outbox.add(conn, note)
            self.outbox.notify()

    async def asked(self, chat_id: int, message_id: int) -> int | None:
        """The referral whose answer the bot asked for with this message, if it did."""
        async with self.db.read() as conn:
            ref = await self.relays.ref_of(conn, chat_id, message_id)
        if ref is None or ref.kind is not RefKind.REFERRAL or ref.part != "ask":
            return None
        return ref.id

    async def history(self, report_id: int) -> list[Referral]:
        async with self.db.read() as conn:
            return await self.repo.of_report(conn, report_id)


def body_label(known: Callable[[str], Body | None], key: str, locale: str) -> str:
    body = known(key)
    return body.name(locale) if body else key
