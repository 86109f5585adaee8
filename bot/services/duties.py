"""Duties: staff create one, the bot offers it to free helpers of its precincts in waves, seats
fill first come first served, reminders go out before it, helpers check in and out, and the
hours served are counted. Runs without Telegram: every message is an outbox row written in
the transaction of the change that causes it, and every later step is a follow-up."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.domain.directory import Directory, distance_m
from bot.domain.duties import (
    Duty,
    DutyCandidate,
    DutyDraft,
    DutyOffer,
    DutyStatus,
    HelperHours,
    OfferState,
    TakenDuty,
    is_free,
    may_withdraw,
    served_minutes,
    wave_size,
)
from bot.domain.helpers import HelperStatus
from bot.domain.outbox import NewMessage, OutgoingMessage, Unchanged
from bot.domain.refs import Ref, RefKind
from bot.services.followups import FollowUp, FollowUps, Later
from bot.services.outbox import Outbox
from bot.services.report_followups import in_quiet_hours
from bot.storage.db import Database, Tx
from bot.storage.repositories import DutyRepository

log = logging.getLogger(__name__)

WAVE = "duty_wave"
REMIND = "duty_remind"
START = "duty_start"
END = "duty_end"
CLOSE = "duty_close"
SHORT = "duty_short"
#: staff are told this long before the start if seats are still empty
SHORT_WARNING = timedelta(hours=3)
#: check-in opens this long before the start
EARLY = timedelta(minutes=30)
#: the "I'm here" prompt goes out this long before the start
START_PROMPT = timedelta(minutes=15)
#: helpers who did not check out are checked out at the end this long after it
AUTO_CHECKOUT = timedelta(hours=3)


@dataclass(frozen=True)
class DutyRules:
    wave_factor: int = 3
    wave_every: timedelta = timedelta(minutes=30)
    withdraw_hours: float = 12.0
    radius_m: int = 300
    #: no offers at night (local start, end) unless the duty starts within `urgent`
    quiet: tuple[time, time] | None = None
    urgent: timedelta = timedelta(hours=12)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Almaty"))


def _duty_ref(ref: Ref | None) -> tuple[int, tuple[str, ...]] | None:
    """A duty's outbox ref as its number and what follows ("duty:17:offer:42" is
    (17, ("offer", "42"))); None for any other ref."""
    if ref is None or ref.kind is not RefKind.DUTY or ref.id is None:
        return None
    return ref.id, ref.parts


class Answer(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    FULL = "full"
    ALREADY = "already"
    COLLIDES = "collides"
    TOO_LATE = "too_late"  # the withdrawal window has passed
    OVER = "over"  # the duty started, ended or was cancelled
    STALE = "stale"  # no such offer for this person, or an answer that no longer applies
    NOT_ACTIVE = "not_active"  # the helper is suspended or has stepped down


@dataclass(frozen=True)
class Outcome:
    answer: Answer
    duty: Duty | None = None
    other: int | None = None  # the colliding duty
    #: the offer's message is the outbox's to edit ("all seats are taken", "cancelled"): the
    #: handler leaves it alone, or two edits would race and Telegram refuse the second
    outbox_edits: bool = False


class CheckIn(StrEnum):
    DONE = "done"
    ALREADY = "already"
    NOT_YET = "not_yet"
    NONE = "none"  # no accepted duty going on now


class DutyRenderer(Protocol):
    def post(self, duty: Duty, offers: list[DutyOffer]) -> NewMessage: ...

    def post_payload(self, duty: Duty, offers: list[DutyOffer]) -> dict[str, Any]: ...

    def offer(self, duty: Duty, helper: DutyCandidate, free: int) -> NewMessage: ...

    def offer_closed(self, duty: Duty, offer: DutyOffer, why: str) -> NewMessage: ...

    def accepted_changed(self, duty: Duty, offer: DutyOffer, what: str) -> NewMessage: ...

    def reminder(self, duty: Duty, offer: DutyOffer, hours: int) -> list[NewMessage]: ...

    def start_prompt(self, duty: Duty, offer: DutyOffer) -> NewMessage: ...

    def end_prompt(self, duty: Duty, offer: DutyOffer) -> NewMessage: ...

    def short_of(self, duty: Duty, free: int) -> NewMessage: ...


class DutyService:
    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        clock: Callable[[], datetime],
        renderer: DutyRenderer,
        followups: FollowUps,
        directory: Callable[[], Directory],
        staff_chat_id: Callable[[], Awaitable[int | None]],
        rules: DutyRules,
    ) -> None:
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.renderer = renderer
        self.followups = followups
        self.directory = directory
        self.staff_chat_id = staff_chat_id
        self.rules = rules
        self.repo = DutyRepository()
        #: the staff post as last delivered, by duty (its drawn payload as JSON), and what
        #: each row on its way draws: a roster edit that would show the same is not sent
        self._drawn: dict[int, str] = {}
        self._drawing: dict[int, tuple[int, str]] = {}
        followups.register(WAVE, self._wave, slow=True)  # offers to a whole wave of helpers
        followups.register(REMIND, self._remind)
        followups.register(START, self._start)
        followups.register(END, self._end)
        followups.register(CLOSE, self._close)
        followups.register(SHORT, self._short)

    # --- staff ---------------------------------------------------------------------------------

    async def create(
        self, draft: DutyDraft, officer_id: int | None, officer_name: str | None
    ) -> Duty:
        """Store the duty, post it to the staff group and send the first wave of offers at once
        (a follow-up: it survives a crash between the two)."""
        chat = await self.staff_chat_id()
        now = self.clock()
        async with self.db.transaction() as conn:
            duty_id = await self.repo.insert(conn, draft, officer_id, officer_name, chat, now)
            duty = await self.repo.get(conn, duty_id)
            assert duty is not None
            if chat is not None:
                await self.outbox.add(conn, self.renderer.post(duty, []))
            await self.followups.schedule(conn, WAVE, Ref.duty(duty_id), now)
            if draft.starts_at - SHORT_WARNING > now:
                await self.followups.schedule(
                    conn, SHORT, Ref.duty(duty_id), draft.starts_at - SHORT_WARNING
                )
        self.outbox.notify()
        log.info("duty %s created by %s: %s seats", duty_id, officer_id, draft.seats)
        return duty

    def offers_wait_until(self, duty: Duty) -> datetime | None:
        """When the offers of an open duty can go out, if not now: the end of the quiet hours
        (no offers at night unless the duty is near)."""
        return self._held_until(duty.starts_at, self.clock())

    def _held_until(self, starts: datetime, now: datetime) -> datetime | None:
        quiet = self.rules.quiet
        if quiet is None or starts - now <= self.rules.urgent:
            return None
        return in_quiet_hours(now, quiet, self.rules.zone)

    async def cancel(self, duty_id: int, reason: str) -> Duty | None:
        """Cancel a duty: everyone who took a seat is told, unanswered offers are closed,
        nothing more is scheduled. None if there is no such open duty."""
        now = self.clock()
        async with self.db.transaction() as conn:
            duty = await self.repo.get(conn, duty_id)
            if duty is None or duty.starts_at <= now:
                return None  # a duty under way or served keeps its hours
            if not await self.repo.cancel(conn, duty_id, reason, now):
                return None
            duty = await self.repo.get(conn, duty_id)
            assert duty is not None
            await self._close_offers(conn, duty, "cancelled")
            for offer in await self.repo.offers(conn, duty_id):
                if offer.state is OfferState.ACCEPTED:
                    await self._cancel_personal(conn, duty_id, offer.helper_id)
                    await self.outbox.add(
                        conn, self.renderer.accepted_changed(duty, offer, "cancelled")
                    )
            await self.followups.cancel(conn, Ref.duty(duty_id), WAVE, END, CLOSE)
            await self._refresh_post(conn, duty_id)
        self.outbox.notify()
        return duty

    def form_values(self, duty: Duty) -> dict[str, str]:
        """A duty as its form's values (local date and times), so staff can change a line."""
        zone = self.rules.zone
        starts, ends = (moment.astimezone(zone) for moment in (duty.starts_at, duty.ends_at))
        end = "24:00" if ends.date() > starts.date() else ends.strftime("%H:%M")
        place = duty.place.point_id or (
            f"{duty.place.latitude:.6f}, {duty.place.longitude:.6f} {duty.place.label}"
        )
        return {
            "date": starts.strftime("%d.%m.%Y"),
            "time": f"{starts.strftime('%H:%M')}-{end}",
            "precincts": ", ".join(duty.precincts),
            "place": place,
            "seats": str(duty.seats),
            "task": duty.task,
            "leader": f"{duty.leader} {duty.leader_phone}",
        }

    async def change(self, duty_id: int, draft: DutyDraft) -> tuple[str, Duty | None]:
        """Staff change a duty that has not started: everyone on it is told what it is now,
        their reminders follow the new time, more seats are offered. Returns ("changed",
        duty), ("gone", None) for no such open duty, or ("seats", duty) when fewer seats
        than people already on it were asked for."""
        now = self.clock()
        async with self.db.transaction() as conn:
            duty = await self.repo.get(conn, duty_id)
            if duty is None or not duty.is_open or duty.starts_at <= now:
                return "gone", None
            states = await self.repo.states(conn, duty_id)
            if draft.seats < states.get(OfferState.ACCEPTED, 0):
                return "seats", duty
            await self.repo.update(conn, duty_id, draft, now)
            duty = await self.repo.get(conn, duty_id)
            assert duty is not None
            for offer in await self.repo.offers(conn, duty_id):
                if offer.state is not OfferState.ACCEPTED:
                    continue
                await self._cancel_personal(conn, duty_id, offer.helper_id)
                await self._plan_personal(conn, duty, offer.helper_id, now)
                await self.outbox.add(conn, self.renderer.accepted_changed(duty, offer, "changed"))
            if states.get(OfferState.ACCEPTED, 0) < draft.seats:
                await self.followups.schedule(conn, WAVE, Ref.duty(duty_id), now)
            await self._refresh_post(conn, duty_id)
        self.outbox.notify()
        return "changed", duty

    async def card(self, duty_id: int) -> tuple[Duty, list[DutyOffer]] | None:
        async with self.db.read() as conn:
            duty = await self.repo.get(conn, duty_id)
            if duty is None:
                return None
            return duty, await self.repo.offers(conn, duty_id)

    async def set_minutes(self, duty_id: int, helper_id: int, minutes: int, by: str) -> bool:
        async with self.db.transaction() as conn:
            done = await self.repo.set_minutes(conn, duty_id, helper_id, minutes, by)
            if done:
                await self._refresh_post(conn, duty_id)
        self.outbox.notify()
        return done

    async def no_show(self, duty_id: int, helper_id: int, by: str) -> bool | None:
        """True when recorded; None before the duty's start (the seat is still theirs to
        give back); False when the helper has no seat there."""
        async with self.db.transaction() as conn:
            duty = await self.repo.get(conn, duty_id)
            if duty is not None and duty.starts_at > self.clock():
                return None
            done = await self.repo.mark_no_show(conn, duty_id, helper_id, by)
            if done:
                await self._cancel_personal(conn, duty_id, helper_id)
                await self._refresh_post(conn, duty_id)
        self.outbox.notify()
        return done

    async def hours(self, since: datetime, until: datetime) -> list[HelperHours]:
        async with self.db.read() as conn:
            return await self.repo.hours_by_helper(conn, since, until)

    # --- helpers -------------------------------------------------------------------------------

    async def answer(self, user_id: int, duty_id: int, accept: bool) -> Outcome:
        """A helper's Accept or Decline under an offer."""
        now = self.clock()
        async with self.db.transaction() as conn:
            duty = await self.repo.get(conn, duty_id)
            offer = await self.repo.offer(conn, duty_id, user_id)
            if duty is None or offer is None:
                return Outcome(Answer.STALE)
            state = offer.state
            closed_by_outbox = state is OfferState.CLOSED and await self.outbox.repo.ever(
                conn, Ref.duty(duty_id, "closed", offer.helper_id)
            )
            if not duty.is_open or duty.starts_at <= now:
                return Outcome(Answer.OVER, duty, outbox_edits=closed_by_outbox)
            if state is OfferState.ACCEPTED:
                return Outcome(Answer.ALREADY, duty)
            if state is OfferState.CLOSED:
                return Outcome(Answer.FULL, duty, outbox_edits=closed_by_outbox)
            if state is not OfferState.OFFERED:
                return Outcome(Answer.STALE, duty)
            if offer.helper_status is not HelperStatus.ACTIVE:
                return Outcome(Answer.NOT_ACTIVE, duty)
            helper_id = offer.helper_id
            if not accept:
                await self.repo.set_state(
                    conn, duty_id, helper_id, (OfferState.OFFERED,), OfferState.DECLINED, now
                )
                await self._maybe_next_wave(conn, duty)
                await self._refresh_post(conn, duty_id)
                self.outbox.notify()
                return Outcome(Answer.DECLINED, duty)
            other = await self.repo.collides(conn, helper_id, duty_id, duty.starts_at, duty.ends_at)
            if other is not None:
                return Outcome(Answer.COLLIDES, duty, other)
            took = await self.repo.take_seat(conn, duty_id, helper_id, now)
            if took:
                await self._plan_personal(conn, duty, helper_id, now)
                await self._refresh_post(conn, duty_id)
            states = await self.repo.states(conn, duty_id)
            full = states.get(OfferState.ACCEPTED, 0) >= duty.seats
            if full:
                # every open offer (this one too when the seats were full already) is
                # edited to say so
                await self._close_offers(conn, duty, "full")
        self.outbox.notify()
        if not took:
            # the outbox edits this offer only when it was closed and its message is known
            return Outcome(Answer.FULL, duty, outbox_edits=full and bool(offer.message_id))
        return Outcome(Answer.ACCEPTED, duty)

    async def withdraw(self, user_id: int, duty_id: int) -> Outcome:
        """Give a seat back, until `withdraw_hours` before the start; the seat is offered
        again."""
        now = self.clock()
        async with self.db.transaction() as conn:
            duty = await self.repo.get(conn, duty_id)
            offer = await self.repo.offer(conn, duty_id, user_id)
            if duty is None or offer is None or offer.state is not OfferState.ACCEPTED:
                return Outcome(Answer.STALE, duty)
            starts = duty.starts_at
            if not duty.is_open or starts <= now:
                return Outcome(Answer.OVER, duty)
            if not may_withdraw(now, starts, self.rules.withdraw_hours):
                return Outcome(Answer.TOO_LATE, duty)
            helper_id = offer.helper_id
            await self.repo.set_state(
                conn, duty_id, helper_id, (OfferState.ACCEPTED,), OfferState.WITHDRAWN, now
            )
            await self._cancel_personal(conn, duty_id, helper_id)
            await self.followups.schedule(conn, WAVE, Ref.duty(duty_id), now)
            await self._refresh_post(conn, duty_id)
        self.outbox.notify()
        return Outcome(Answer.WITHDRAWN, duty)

    async def check_in(self, user_id: int, duty_id: int) -> tuple[CheckIn, Duty | None]:
        now = self.clock()
        async with self.db.transaction() as conn:
            duty = await self.repo.get(conn, duty_id)
            offer = await self.repo.offer(conn, duty_id, user_id)
            if duty is None or offer is None or offer.state is not OfferState.ACCEPTED:
                return CheckIn.NONE, duty
            starts, ends = duty.starts_at, duty.ends_at
            if not duty.is_open or now >= ends:
                return CheckIn.NONE, duty
            if now < starts - EARLY:
                return CheckIn.NOT_YET, duty
            if not await self.repo.check_in(conn, duty_id, offer.helper_id, now):
                return CheckIn.ALREADY, duty
            await self._refresh_post(conn, duty_id)
        self.outbox.notify()
        return CheckIn.DONE, duty

    async def located(
        self, user_id: int, latitude: float, longitude: float
    ) -> tuple[Duty, int] | None:
        """A location from a helper on duty now: where they are against the meeting point
        (recorded once, at check-in). None if they have no duty going on."""
        now = self.clock()
        async with self.db.transaction() as conn:
            current = await self.repo.current_of(conn, user_id, now, EARLY)
            if current is None:
                return None
            place, offer = current[0].place, current[1]
            metres = int(distance_m(latitude, longitude, place.latitude, place.longitude))
            duty_id, helper_id = offer.duty_id, offer.helper_id
            if offer.checked_in_at is None:
                await self.repo.check_in(conn, duty_id, helper_id, now)
            if offer.check_in_metres is None:
                await self.repo.set_check_in_metres(conn, duty_id, helper_id, metres)
            await self._refresh_post(conn, duty_id)
            duty = await self.repo.get(conn, duty_id)
            assert duty is not None
        self.outbox.notify()
        return duty, metres

    async def check_out(self, user_id: int, duty_id: int) -> tuple[int | None, Duty | None]:
        """Minutes counted, or None when there is nothing to check out of."""
        now = self.clock()
        async with self.db.transaction() as conn:
            duty = await self.repo.get(conn, duty_id)
            offer = await self.repo.offer(conn, duty_id, user_id)
            if duty is None or offer is None or offer.checked_in_at is None:
                return None, duty
            minutes = served_minutes(duty.starts_at, duty.ends_at, offer.checked_in_at, now)
            if not await self.repo.check_out(conn, duty_id, offer.helper_id, now, minutes):
                return None, duty
            await self._refresh_post(conn, duty_id)
        self.outbox.notify()
        return minutes, duty

    async def mine(self, user_id: int, limit: int = 20) -> list[TakenDuty]:
        async with self.db.read() as conn:
            return await self.repo.of_user(conn, user_id, limit)

    async def minutes_served(self, user_id: int) -> int:
        """Every minute a person served on duties that took place (as /hours counts them)."""
        async with self.db.read() as conn:
            return await self.repo.minutes_of_user(conn, user_id)

    async def release(self, conn: Tx, helper_id: int) -> None:
        """Inside the transaction that suspends or retires a helper: their seats on duties
        not yet started go back (offered again), their unanswered offers close."""
        now = self.clock()
        for offer in await self.repo.future_seats(conn, helper_id, now):
            duty = await self.repo.get(conn, offer.duty_id)
            assert duty is not None
            if offer.state is OfferState.ACCEPTED:
                await self.repo.set_state(
                    conn, duty.id, helper_id, (OfferState.ACCEPTED,), OfferState.WITHDRAWN, now
                )
                await self._cancel_personal(conn, duty.id, helper_id)
                await self.followups.schedule(conn, WAVE, Ref.duty(duty.id), now)
            else:
                await self.repo.set_state(
                    conn, duty.id, helper_id, (OfferState.OFFERED,), OfferState.CLOSED, now
                )
                await self.outbox.repo.drop_pending(conn, Ref.duty(duty.id, "offer", helper_id))
            await self._refresh_post(conn, duty.id)

    async def undeliverable(self, conn: Tx, message: OutgoingMessage) -> None:
        """Delivery hook: an offer Telegram will not deliver (blocked, refused) is closed, so
        it holds no place in the next wave."""
        match _duty_ref(message.ref):
            case (duty_id, ("offer", helper_id)):
                await self.repo.set_state(
                    conn,
                    duty_id,
                    int(helper_id),
                    (OfferState.OFFERED,),
                    OfferState.CLOSED,
                    self.clock(),
                )

    # --- delivery hooks ------------------------------------------------------------------------

    async def on_sent(self, conn: Tx, message: OutgoingMessage, message_id: int | None) -> None:
        """An offer reached a helper: remember its message (to edit it when the seats fill). If
        it filled while the offer was on its way, edit it now."""
        drawn = self._drawing.pop(message.id, None)
        if drawn is not None:
            self._drawn[drawn[0]] = drawn[1]
        match _duty_ref(message.ref):
            case (duty_id, ("post",)):
                # answers that came while the post was on its way are not on it yet
                if await self.repo.states(conn, duty_id):
                    await self._refresh_post(conn, duty_id)
                return
            case (duty_id, ("offer", helper)) if message_id:
                helper_id = int(helper)
            case _:
                return
        state = await self.repo.set_message(conn, duty_id, helper_id, message_id)
        if state is OfferState.CLOSED:
            duty = await self.repo.get(conn, duty_id)
            offer = await self.repo.offer(conn, duty_id, message.chat_id)
            if duty is not None and offer is not None:
                why = "cancelled" if duty.status is DutyStatus.CANCELLED else "full"
                await self.outbox.add(conn, self.renderer.offer_closed(duty, offer, why))

    async def prepare(self, message: OutgoingMessage, payload: dict[str, Any]) -> dict[str, Any]:
        """The staff post and its roster are drawn when sent, so a burst of answers costs one
        edit, never a stale one."""
        match _duty_ref(message.ref):
            case (duty_id, ("post" | "roster",)):
                found = await self.card(duty_id)
            case _:
                return payload
        if found is None:
            return payload
        drawn = self.renderer.post_payload(*found)
        key = json.dumps(drawn, sort_keys=True, ensure_ascii=False)
        if (
            message.ref is not None
            and message.ref.part == "roster"
            and (self._drawn.get(duty_id) == key)
        ):
            # e.g. an answer that came while the post was on its way, drawn on it already
            raise Unchanged(f"duty {duty_id}: the post shows this roster already")
        self._drawing[message.id] = (duty_id, key)
        return {**payload, **drawn}

    # --- follow-ups ----------------------------------------------------------------------------

    async def _wave(self, conn: Tx, job: FollowUp, _: Any) -> Later | None:
        duty_id = job.subject.number
        duty = await self.repo.get(conn, duty_id)
        now = self.clock()
        if duty is None or not duty.is_open:
            return None
        starts, ends = duty.starts_at, duty.ends_at
        if starts <= now:
            return None
        morning = self._held_until(starts, now)
        if morning is not None:
            return Later(morning)  # no offers at night unless the duty is near
        states = await self.repo.states(conn, duty_id)
        free = duty.seats - states.get(OfferState.ACCEPTED, 0)
        recent = await self.repo.awaiting(conn, duty_id, now - 2 * self.rules.wave_every)
        size = wave_size(free, recent, self.rules.wave_factor)
        if size > 0:
            found = await self.repo.candidates(conn, duty_id, duty.precincts, starts, ends)
            free_now = [h for h in found if is_free(h.days, h.bands, starts, ends, self.rules.zone)]
            served = await self.repo.minutes_of(conn, [h.id for h in free_now])
            directory = self.directory()

            metres_to: dict[str, float] = {}  # a city has hundreds of precincts, not thousands

            def nearness(helper: DutyCandidate) -> tuple[float, int, int]:
                metres = float("inf")
                for precinct in helper.precincts:
                    if precinct not in metres_to:
                        metres_to[precinct] = directory.distance_to_precinct(
                            duty.place.latitude, duty.place.longitude, precinct
                        )
                    metres = min(metres, metres_to[precinct])
                return metres, served.get(helper.id, 0), helper.id

            chosen = sorted(free_now, key=nearness)[:size]
            if chosen:
                wave = await self.repo.count_wave(conn, duty_id, now)
                for helper in chosen:
                    await self.repo.add_offer(conn, duty_id, helper.id, helper.user_id, wave, now)
                    await self.outbox.add(conn, self.renderer.offer(duty, helper, free))
                await self._refresh_post(conn, duty_id)
                log.info("duty %s: wave %s offered to %s helper(s)", duty_id, wave, len(chosen))
        # while seats stay empty and time allows, another wave later (this same follow-up:
        # scheduling it anew from inside its own run would be marked done with it)
        if free > 0 and now + self.rules.wave_every < starts:
            return Later(now + self.rules.wave_every)
        return None

    async def _short(self, conn: Tx, job: FollowUp, _: Any) -> Later | None:
        """Hours before the start, seats still empty: the staff group hears it while there is
        time to phone someone."""
        duty_id = job.subject.number
        duty = await self.repo.get(conn, duty_id)
        if duty is None or not duty.is_open or duty.staff_chat_id is None:
            return None
        free = duty.seats - (await self.repo.states(conn, duty_id)).get(OfferState.ACCEPTED, 0)
        if free > 0:
            await self.outbox.add(conn, self.renderer.short_of(duty, free))
        return None

    async def _remind(self, conn: Tx, job: FollowUp, _: Any) -> Later | None:
        duty_id = job.subject.number
        helper_id, hours = job.subject.parts
        duty = await self.repo.get(conn, duty_id)
        if duty is None or not duty.is_open:
            return None
        offer = await self._offer_of_helper(conn, duty_id, int(helper_id))
        if offer is None or offer.state is not OfferState.ACCEPTED:
            return None
        if self.clock() >= duty.starts_at:
            return None  # late after downtime: "in an hour" would be wrong now
        for message in self.renderer.reminder(duty, offer, int(hours)):
            await self.outbox.add(conn, message)
        return None

    async def _start(self, conn: Tx, job: FollowUp, _: Any) -> Later | None:
        duty_id = job.subject.number
        (helper_id,) = job.subject.parts
        duty = await self.repo.get(conn, duty_id)
        offer = await self._offer_of_helper(conn, duty_id, int(helper_id))
        if duty is None or not duty.is_open or offer is None:
            return None
        if self.clock() >= duty.ends_at:
            return None  # the duty is over: nothing to check in to
        if offer.state is OfferState.ACCEPTED and offer.checked_in_at is None:
            await self.outbox.add(conn, self.renderer.start_prompt(duty, offer))
        return None

    async def _end(self, conn: Tx, job: FollowUp, _: Any) -> Later | None:
        duty_id = job.subject.number
        duty = await self.repo.get(conn, duty_id)
        if duty is None or not duty.is_open:
            return None
        for offer in await self.repo.offers(conn, duty_id):
            if (
                offer.state is OfferState.ACCEPTED
                and offer.checked_in_at
                and not offer.checked_out_at
            ):
                await self.outbox.add(conn, self.renderer.end_prompt(duty, offer))
        return None

    async def _close(self, conn: Tx, job: FollowUp, _: Any) -> Later | None:
        """Long after the end: whoever forgot to check out is checked out at the end."""
        duty_id = job.subject.number
        duty = await self.repo.get(conn, duty_id)
        if duty is None or not duty.is_open:
            return None
        starts, ends = duty.starts_at, duty.ends_at
        for offer in await self.repo.open_check_ins(conn, duty_id):
            minutes = served_minutes(starts, ends, offer.checked_in_at, ends)
            await self.repo.check_out(conn, duty_id, offer.helper_id, ends, minutes)
        await self._refresh_post(conn, duty_id)
        return None

    # --- inside transactions -------------------------------------------------------------------

    async def _offer_of_helper(self, conn: Tx, duty_id: int, helper_id: int) -> DutyOffer | None:
        for offer in await self.repo.offers(conn, duty_id):
            if offer.helper_id == helper_id:
                return offer
        return None

    async def _plan_personal(self, conn: Tx, duty: Duty, helper_id: int, now: datetime) -> None:
        """Reminders 24 h and 1 h before (those still ahead), the "I'm here" prompt, and the
        duty's end (once per duty)."""
        starts, ends = duty.starts_at, duty.ends_at
        base = Ref.duty(duty.id, helper_id)
        for hours in (24, 1):
            due = starts - timedelta(hours=hours)
            if due > now:
                await self.followups.schedule(conn, REMIND, base.plus(hours), due)
        await self.followups.schedule(conn, START, base, max(starts - START_PROMPT, now))
        await self.followups.schedule(conn, END, Ref.duty(duty.id), ends)
        await self.followups.schedule(conn, CLOSE, Ref.duty(duty.id), ends + AUTO_CHECKOUT)

    async def _cancel_personal(self, conn: Tx, duty_id: int, helper_id: int) -> None:
        base = Ref.duty(duty_id, helper_id)
        for hours in (24, 1):
            await self.followups.cancel(conn, base.plus(hours), REMIND)
            ref = Ref.duty(duty_id, "remind", helper_id, hours)
            await self.outbox.repo.drop_pending(conn, ref)
            await self.outbox.repo.drop_pending(conn, ref.plus("pin"))
        await self.followups.cancel(conn, base, START)
        await self.outbox.repo.drop_pending(conn, Ref.duty(duty_id, "start", helper_id))

    async def _close_offers(self, conn: Tx, duty: Duty, why: str) -> None:
        """Unanswered offers end: those delivered are edited to say why, those not yet sent
        are not sent at all."""
        for offer in await self.repo.close_open(conn, duty.id):
            ref = Ref.duty(duty.id, "offer", offer.helper_id)
            await self.outbox.repo.drop_pending(conn, ref)
            if offer.message_id:
                await self.outbox.add(conn, self.renderer.offer_closed(duty, offer, why))

    async def _maybe_next_wave(self, conn: Tx, duty: Duty) -> None:
        """Everyone asked has answered and seats are still empty: the next wave now."""
        states = await self.repo.states(conn, duty.id)
        waiting, taken = states.get(OfferState.OFFERED, 0), states.get(OfferState.ACCEPTED, 0)
        if waiting == 0 and taken < duty.seats:
            await self.followups.schedule(conn, WAVE, Ref.duty(duty.id), self.clock())

    async def _refresh_post(self, conn: Tx, duty_id: int) -> None:
        """One pending edit of the staff post at a time; it is drawn when sent."""
        ref = Ref.duty(duty_id, "roster")
        if await self.outbox.repo.has_pending(conn, ref):
            return
        post = await self.outbox.repo.sent_to(conn, Ref.duty(duty_id, "post"))
        if post is None:
            return  # the post itself is not out yet: it will be drawn as it is then
        chat_id, message_id = post
        await self.outbox.add(
            conn,
            NewMessage(
                chat_id, "editMessageText", {"message_id": message_id, "text": "…"}, ref=ref
            ),
        )
