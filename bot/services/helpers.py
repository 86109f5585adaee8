"""Public helpers: an application is checked and stored with its audit line; staff move it
through the pipeline (compare-and-set, audited); a full IIN is shown only with an audit line.

The Telegram side (the /volunteer wizard, the staff post and its buttons, /helpers, /profile)
is built on this service; every message it causes is written to the outbox in the same
transaction as the change, through `HelperRenderer`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from bot.domain.helpers import (
    Helper,
    HelperAction,
    HelperActor,
    HelperDraft,
    HelperEvent,
    HelperStatus,
    IllegalHelperChange,
    age_on,
    application_problems,
    helper_apply,
    may_apply_again,
)
from bot.domain.outbox import NewMessage, OutgoingMessage, delivered_mark
from bot.domain.refs import Ref, RefKind
from bot.domain.users import User
from bot.services.outbox import Outbox, fill_thread
from bot.storage.db import Database, Tx
from bot.storage.repositories import (
    FsmRepository,
    HelperRepository,
    RelayRepository,
    UserRepository,
)

log = logging.getLogger(__name__)

#: the text version of the helpers' consent to personal data processing (name, birth date,
#: IIN, phone): a new text needs a new version, and consent is asked again
HELPER_CONSENT_VERSION = "helper-2026-11"
#: in an outbox row: "the forum topic of this application", filled in when the row is sent
TOPIC_OF_HELPER = "topic_of_helper"


class HelperRenderer(Protocol):
    def application_post(self, helper: Helper, chat_id: int) -> list[NewMessage]: ...

    def topic(self, helper: Helper, chat_id: int) -> NewMessage: ...

    def post_update(self, helper: Helper, chat_id: int, message_id: int) -> NewMessage: ...

    def ask(
        self,
        helper: Helper,
        action: HelperAction | None,
        officer_id: int,
        officer: str,
        chat_id: int,
        reply_to: int | None,
    ) -> NewMessage: ...

    def applicant_notice(
        self,
        helper: Helper,
        action: HelperAction,
        note: str | None,
        by_applicant: bool = False,
    ) -> NewMessage | None: ...

    def stepped_down(self, helper: Helper, chat_id: int, reply_to: int | None) -> NewMessage: ...

    def question(self, helper: Helper, text: str) -> NewMessage: ...

    def answer(
        self, helper: Helper, text: str, chat_id: int, reply_to: int | None, ref: Ref
    ) -> NewMessage: ...


@dataclass(frozen=True)
class HelperRules:
    min_age: int = 18
    cooldown: timedelta = timedelta(days=30)


class ApplicationRefused(Exception):
    """Not stored: `reason` is "problems" (with codes), "open" (one in progress) or
    "cooldown" (with the moment one may apply again)."""

    def __init__(
        self, reason: str, problems: list[str] | None = None, until: datetime | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.problems = problems or []
        self.until = until


@dataclass(frozen=True)
class HelperChange:
    helper: Helper
    changed: bool
    refused: str | None = None


class HelperService:
    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        clock: Callable[[], datetime],
        renderer: HelperRenderer,
        staff_chat_id: Callable[[], Any],
        known_precincts: Callable[[], set[str]],
        rules: HelperRules | None = None,
        staff_topics: Callable[[], Any] | None = None,
    ) -> None:
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.renderer = renderer
        self.staff_chat_id = staff_chat_id
        self.known_precincts = known_precincts
        self.rules = rules or HelperRules()
        #: whether the staff group has forum topics (an application then gets its own)
        self.staff_topics = staff_topics
        self.repo = HelperRepository()
        self.users = UserRepository()
        self.relays = RelayRepository()
        #: called inside the transaction that suspends or retires a helper (their duties)
        self.on_leave: Callable[[Tx, int], Awaitable[None]] | None = None
        #: called when conversations were erased behind the FSM storage (it forgets its copy)
        self.conversations_changed: Callable[[], None] = lambda: None

    def too_young(self, born: date, today: date) -> bool:
        return age_on(born, today) < self.rules.min_age

    async def may_apply(self, user_id: int) -> datetime | None:
        """None if the person may apply now; else from when (after a rejection or retirement)."""
        async with self.db.read() as conn:
            latest = await self.repo.latest_of(conn, user_id)
        if latest is None or not latest.ended:
            return None
        return may_apply_again(latest.status, latest.updated_at, self.clock(), self.rules.cooldown)

    async def status_of(self, user_id: int) -> HelperStatus | None:
        """The status of the person's latest application (None: never applied)."""
        async with self.db.read() as conn:
            latest = await self.repo.latest_of(conn, user_id)
        return latest.status if latest else None

    def check(self, draft: HelperDraft, today: date) -> list[str]:
        return application_problems(draft, today, self.rules.min_age, self.known_precincts())

    async def apply(
        self, user: User, draft: HelperDraft, today: date, consent_at: datetime | None = None
    ) -> Helper:
        """Store the application, the consent it was given with (its time and text version),
        its audit line and its staff post in one transaction."""
        problems = self.check(draft, today)
        if problems:
            raise ApplicationRefused("problems", problems)
        staff_chat = await self.staff_chat_id()
        topics = staff_chat is not None and self.staff_topics is not None
        topics = topics and bool(await self.staff_topics())  # type: ignore[misc]
        now = self.clock()
        async with self.db.transaction() as conn:
            latest = await self.repo.latest_of(conn, user.id)
            if latest is not None:
                wait = may_apply_again(latest.status, latest.updated_at, now, self.rules.cooldown)
                if wait is not None:
                    if latest.ended:
                        raise ApplicationRefused("cooldown", until=wait)
                    raise ApplicationRefused("open")
            helper_id = await self.repo.insert(
                conn, user.id, draft, user.language, HELPER_CONSENT_VERSION, now
            )
            await self.users.log_consent(
                conn, user.id, HELPER_CONSENT_VERSION, "given", consent_at or now
            )
            await self.repo.add_event(
                conn,
                helper_id,
                actor=HelperActor.APPLICANT,
                actor_id=user.id,
                actor_name=None,
                action="applied",
                from_status=None,
                to_status=HelperStatus.APPLIED,
                note=None,
                now=now,
            )
            helper = await self.repo.get(conn, helper_id)
            assert helper is not None
            if staff_chat is not None:
                posts = self.renderer.application_post(helper, staff_chat)
                if topics:
                    # its own topic first; the post learns the topic's id when it is sent
                    await self.outbox.add(conn, self.renderer.topic(helper, staff_chat))
                    posts = [
                        NewMessage(
                            m.chat_id,
                            m.method,
                            {**m.payload, "message_thread_id": {TOPIC_OF_HELPER: helper_id}},
                            m.ref,
                        )
                        for m in posts
                    ]
                for message in posts:
                    await self.outbox.add(conn, message)
        self.outbox.notify()
        log.info("helper application %s from %s", helper_id, user.id)
        return helper

    async def act(
        self,
        helper_id: int,
        action: HelperAction,
        *,
        officer_id: int,
        officer_name: str,
        note: str | None = None,
        registration: tuple[str, str] | None = None,
        seen: HelperStatus | None = None,
    ) -> HelperChange:
        """A staff step of the pipeline (or the helper stepping down: RETIRE by the helper),
        audited, with the applicant told in their language, all in one transaction."""
        async with self.db.transaction() as conn:
            helper = await self.repo.get(conn, helper_id)
            if helper is None:
                raise LookupError(f"helper {helper_id} does not exist")
            status = helper.status
            if officer_id == helper.user_id and action is not HelperAction.RETIRE:
                return HelperChange(helper, False, "own application")  # nobody vets themselves
            if seen is not None and status is not seen:
                return HelperChange(helper, False, "changed meanwhile")
            if action is HelperAction.REGISTER and registration is None:
                return HelperChange(helper, False, "registration number and date needed")
            try:
                target = helper_apply(status, action)
            except IllegalHelperChange as exc:
                return HelperChange(helper, False, str(exc))
            now = self.clock()
            if not await self.repo.change_status(
                conn, helper_id, status, target, now, registration=registration
            ):
                current = await self.repo.get(conn, helper_id)
                return HelperChange(current or helper, False, "changed meanwhile")
            actor = HelperActor.APPLICANT if officer_id == helper.user_id else HelperActor.STAFF
            await self.repo.add_event(
                conn,
                helper_id,
                actor=actor,
                actor_id=officer_id,
                actor_name=officer_name,
                action=action.value,
                from_status=status,
                to_status=target,
                note=note if registration is None else " · ".join(registration),
                now=now,
            )
            if self.on_leave is not None and target in (
                HelperStatus.SUSPENDED,
                HelperStatus.RETIRED,
            ):
                await self.on_leave(conn, helper_id)
            updated = await self.repo.get(conn, helper_id)
            assert updated is not None
            post = await self.outbox.repo.sent_to(conn, Ref.helper(helper_id, "post"))
            if post is not None:
                await self.outbox.add(conn, self.renderer.post_update(updated, *post))
                if actor is HelperActor.APPLICANT:  # the helper stepped down: the staff are told
                    await self.outbox.add(
                        conn, self.renderer.stepped_down(updated, post[0], post[1])
                    )
            notice = self.renderer.applicant_notice(
                updated, action, note, by_applicant=actor is HelperActor.APPLICANT
            )
            if notice is not None:
                await self.outbox.add(conn, notice)
        self.outbox.notify()
        return HelperChange(updated, True)

    async def ask(
        self,
        helper_id: int,
        action: HelperAction | None,
        *,
        officer_id: int,
        officer_name: str,
        chat_id: int,
        reply_to: int | None,
    ) -> bool:
        """Registration and rejection need typed words, and so does a question for the
        applicant (`action` None): ask the officer for them (a reply acts)."""
        async with self.db.transaction() as conn:
            helper = await self.repo.get(conn, helper_id)
            if helper is None:
                return False
            if action is None:  # a question for the applicant
                if not helper.undecided:
                    return False
            else:
                try:
                    helper_apply(helper.status, action)
                except IllegalHelperChange:
                    return False
            await self.outbox.add(
                conn, self.renderer.ask(helper, action, officer_id, officer_name, chat_id, reply_to)
            )
        self.outbox.notify()
        return True

    async def question(
        self, helper_id: int, text: str, *, officer_id: int, officer_name: str
    ) -> Helper | None:
        """ "Ask for more": the officer's question goes to the applicant (audited)."""
        async with self.db.transaction() as conn:
            helper = await self.repo.get(conn, helper_id)
            if helper is None or not helper.undecided:
                return None
            await self._audit(
                conn, helper_id, HelperActor.STAFF, officer_id, officer_name, "question", text
            )
            await self.outbox.add(conn, self.renderer.question(helper, text))
        self.outbox.notify()
        return helper

    async def answer(
        self, user_id: int, reply_to: int, text: str, message_id: int
    ) -> Helper | None:
        """The applicant answers the police's question (a reply to it, their message
        `message_id`): into the staff group, under the application; once Telegram has taken
        it, the applicant's message gets the DELIVERED reaction. None if that message was no
        question to them, or the application is decided."""
        staff_chat = await self.staff_chat_id()  # before the transaction: one lock
        async with self.db.transaction() as conn:
            ref = await self.relays.ref_of(conn, user_id, reply_to)
            if ref is None or ref.kind is not RefKind.HELPER or ref.id is None:
                return None
            if ref.parts != ("question",):
                return None
            helper = await self.repo.get(conn, ref.id)
            if helper is None or helper.user_id != user_id:
                return None
            if not helper.undecided:
                return None  # decided: no more answers into the staff group
            post = await self.outbox.repo.sent_to(conn, Ref.helper(helper.id, "post"))
            chat = post[0] if post else staff_chat
            if chat is None:
                return None
            await self._audit(conn, helper.id, HelperActor.APPLICANT, user_id, None, "answer", text)
            ref = Ref.helper(helper.id, "answer", user_id, message_id)
            await self.outbox.add(
                conn, self.renderer.answer(helper, text, chat, post[1] if post else None, ref)
            )
        self.outbox.notify()
        return helper

    async def asked(
        self, chat_id: int, message_id: int
    ) -> tuple[int, HelperAction | None, str] | None:
        """Which helper step a bot message asked typed words for: (helper, action, status);
        action None: a question for the applicant."""
        async with self.db.read() as conn:
            ref = await self.relays.ref_of(conn, chat_id, message_id)
        if ref is None or ref.kind is not RefKind.HELPER or ref.id is None:
            return None
        match ref.parts:
            case ("ask", asked, status):
                try:
                    action = None if asked == "question" else HelperAction(asked)
                except ValueError:
                    return None
                return ref.id, action, status
            case _:
                return None

    async def reveal_iin(self, helper_id: int, *, officer_id: int, officer_name: str) -> str | None:
        """The full IIN, for a staff administrator; the look is audited."""
        async with self.db.transaction() as conn:
            helper = await self.repo.get(conn, helper_id)
            if helper is None:
                return None
            await self._audit(
                conn, helper_id, HelperActor.STAFF, officer_id, officer_name, "iin_shown", None
            )
        return helper.iin

    async def current_of(self, user_id: int) -> Helper | None:
        async with self.db.read() as conn:
            return await self.repo.latest_of(conn, user_id)

    async def get(self, helper_id: int) -> Helper | None:
        async with self.db.read() as conn:
            return await self.repo.get(conn, helper_id)

    async def overview(self) -> tuple[int, list[tuple[str, str, int]]]:
        """How many helpers and applications there are, and (precinct, status, count)."""
        async with self.db.read() as conn:
            return await self.repo.total(conn, None), await self.repo.counts(conn)

    async def listing(
        self, status: HelperStatus | None, precinct: str | None, limit: int = 50
    ) -> tuple[list[Helper], int]:
        """The newest `limit` helpers with that status in that precinct, and how many in all."""
        async with self.db.read() as conn:
            return await self.repo.find(conn, status, precinct, limit)

    async def set_availability(
        self, user_id: int, days: list[int], bands: list[str]
    ) -> Helper | None:
        """The helper changes when they are free (audited); None if they are no helper."""
        if not days or not bands:
            return None
        async with self.db.transaction() as conn:
            helper = await self.repo.latest_of(conn, user_id)
            if helper is None or helper.ended:
                return None
            now = self.clock()
            await self.repo.set_availability(conn, helper.id, sorted(days), bands, now)
            await self._audit(
                conn, helper.id, HelperActor.APPLICANT, user_id, None, "availability", None
            )
            return await self.repo.get(conn, helper.id)

    async def on_sent(self, conn: Tx, message: OutgoingMessage, message_id: int | None) -> None:
        """Delivery hook: an application's topic exists, remember its id; an applicant's
        answer reached the staff group, mark their message DELIVERED."""
        match message.ref:
            case Ref(RefKind.HELPER, int(helper_id), "topic") if message_id:
                await self.repo.set_thread(conn, helper_id, message_id)
            case Ref(RefKind.HELPER, int(), _) as ref if ref.parts[:1] == ("answer",):
                source = _answer_source(ref)
                if source is not None:  # answers written before 0.2 name no source
                    await self.outbox.add(conn, delivered_mark(*source, ref))
                    self.outbox.notify()

    async def prepare(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Delivery hook: fill in an application's topic (none after all: the group)."""

        async def thread_of(helper_id: int) -> int | None:
            helper = await self.get(helper_id)
            return helper.staff_thread_id if helper else None

        return await fill_thread(payload, TOPIC_OF_HELPER, thread_of)

    async def forget_abandoned_drafts(self, older_than: timedelta = timedelta(hours=24)) -> int:
        """An application left half-way keeps a name, a birth date, an IIN and a phone in the
        conversation store: erase it after a day."""
        gone = 0
        try:
            async with self.db.transaction() as conn:
                gone = await FsmRepository().forget_stale(
                    conn, "HelperForm", self.clock() - older_than
                )
        finally:  # even cancelled after the commit, the store must not keep its copy
            self.conversations_changed()
        if gone:
            log.info("erased %s abandoned helper application draft(s)", gone)
        return gone

    async def _audit(
        self,
        conn: Tx,
        helper_id: int,
        actor: HelperActor,
        actor_id: int | None,
        actor_name: str | None,
        action: str,
        note: str | None,
    ) -> None:
        """One audit line that changes no status (a question, an answer, a look at the IIN…)."""
        await self.repo.add_event(
            conn,
            helper_id,
            actor=actor,
            actor_id=actor_id,
            actor_name=actor_name,
            action=action,
            from_status=None,
            to_status=None,
            note=note,
            now=self.clock(),
        )

    async def history(self, helper_id: int) -> list[HelperEvent]:
        async with self.db.read() as conn:
            return await self.repo.history(conn, helper_id)


def _answer_source(ref: Ref) -> tuple[int, int] | None:
    """(chat, message) of the applicant's answer an "answer" ref names."""
    match ref.parts:
        case ("answer", chat, message) if chat.lstrip("-").isdigit() and message.isdigit():
            return int(chat), int(message)
        case _:
            return None
