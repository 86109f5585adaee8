"""Messages about duties: the staff post with its live roster (in the staff's language) and
everything a helper gets (in the helper's language): offers, reminders with a map pin,
check-in and check-out prompts, cancellations."""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from babel.dates import format_datetime

from bot.domain.duties import Duty, DutyCandidate, DutyOffer, DutyStatus, OfferState
from bot.domain.outbox import NewMessage
from bot.domain.refs import Ref
from bot.services.directory import DirectoryService
from bot.telegram import texts
from bot.telegram.callbacks import DutyAction, DutyCb
from bot.telegram.staff.helpers.render import mask_phone


class TelegramDutyRenderer:
    #: roster lines on the post (a message holds 4096 characters; 100 seats would not fit)
    ROSTER = 40

    def __init__(
        self,
        i18n: I18n,
        staff_locale: str,
        zone: ZoneInfo,
        directory: DirectoryService,
        radius_m: int = 300,
    ) -> None:
        self.radius_m = radius_m
        self._offers: dict[tuple[Any, ...], tuple[str, dict[str, Any]]] = {}
        self.i18n = i18n
        self.staff_locale = staff_locale
        self.zone = zone
        self.directory = directory

    # --- pieces (call inside a locale) ---------------------------------------------------------

    def when(self, duty: Duty, locale: str) -> str:
        """«сб, 28 қараша, 18:00–21:00» in the city's time."""
        starts, ends = duty.starts_at, duty.ends_at
        day = format_datetime(starts, "EEE, d MMMM, HH:mm", tzinfo=self.zone, locale=locale)
        return f"{day}–{format_datetime(ends, 'HH:mm', tzinfo=self.zone, locale=locale)}"

    def precincts(self, duty: Duty, locale: str) -> str:
        names = []
        for precinct_id in duty.precincts:
            precinct = self.directory.current.precinct(precinct_id)
            names.append(precinct.name(locale) if precinct else precinct_id)
        return ", ".join(names)

    def place(self, duty: Duty, locale: str) -> str:
        point = self.directory.current.point(duty.place.point_id)
        return point.name(locale) if point else duty.place.label

    def details(self, duty: Duty, locale: str) -> list[str]:
        return [
            f"📅 {escape(self.when(duty, locale))}",
            f"🏘 {escape(self.precincts(duty, locale))}",
            f"📍 {escape(self.place(duty, locale))}",
            f"📝 {escape(duty.task)}",
        ]

    # --- the staff post ------------------------------------------------------------------------

    def post(self, duty: Duty, offers: list[DutyOffer]) -> NewMessage:
        assert duty.staff_chat_id is not None  # posted only when there is a staff group
        payload = self.post_payload(duty, offers)
        return NewMessage(duty.staff_chat_id, "sendMessage", payload, ref=Ref.duty(duty.id, "post"))

    def post_payload(self, duty: Duty, offers: list[DutyOffer]) -> dict[str, Any]:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            return {"text": self.staff_text(duty, offers, with_phones=False)}

    def staff_text(self, duty: Duty, offers: list[DutyOffer], *, with_phones: bool) -> str:
        locale = self.staff_locale
        counts = Counter(offer.state for offer in offers)
        taken = counts[OfferState.ACCEPTED] + counts[OfferState.NO_SHOW]
        lines = [_("🛡 <b>Duty № {number}</b>").format(number=duty.id)]
        if duty.status is DutyStatus.CANCELLED:
            lines[0] += " · " + _("❌ cancelled: {reason}").format(
                reason=escape(duty.cancel_reason or "—")
            )
        lines += self.details(duty, locale)
        lines.append(
            _("👮 Leader: {leader}, {phone}").format(
                leader=escape(duty.leader), phone=duty.leader_phone
            )
        )
        lines.append(
            _(
                "👥 Seats taken: {taken} of {seats} · offered {offered} · declined {declined} · "
                "waves {waves}"
            ).format(
                taken=texts.format_number(taken),
                seats=texts.format_number(duty.seats),
                offered=texts.format_number(sum(counts.values()) - counts[OfferState.CLOSED]),
                declined=texts.format_number(
                    counts[OfferState.DECLINED] + counts[OfferState.WITHDRAWN]
                ),
                waves=texts.format_number(duty.waves),
            )
        )
        roster = [o for o in offers if o.state in (OfferState.ACCEPTED, OfferState.NO_SHOW)]
        if roster:
            lines.append("")
            lines.append(_("<b>On duty:</b>"))
        shown = roster if with_phones else roster[: self.ROSTER]
        for n, offer in enumerate(shown, 1):
            line = f"{n}. {escape(offer.full_name)} (№ {offer.helper_id})"
            line += f" · {offer.phone if with_phones else mask_phone(offer.phone)}"
            if offer.state is OfferState.NO_SHOW:
                line += " · " + _("did not come")
            elif offer.checked_in_at:
                line += " · " + _("here since {time}").format(
                    time=format_datetime(
                        offer.checked_in_at, "HH:mm", tzinfo=self.zone, locale=locale
                    )
                )
                metres = offer.check_in_metres
                if metres is None:
                    line += " " + _("(no location)")
                else:
                    flag = "⚠️ " if metres > self.radius_m else ""
                    line += (
                        " "
                        + flag
                        + _("({metres} m from the meeting point)").format(
                            metres=texts.format_number(metres)
                        )
                    )
            if offer.minutes is not None:
                line += " · ⏱ " + texts.duration(offer.minutes)
            lines.append(line)
        if len(roster) > len(shown):
            lines.append(texts.duty_roster_more(len(roster) - len(shown)))
        return "\n".join(lines) if with_phones else texts.whole_lines(lines)

    def short_of(self, duty: Duty, free: int) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = ngettext(
                "⚠️ Duty № {number} ({when}) still has {free} empty seat of {seats}. The "
                "helpers asked have not taken it; /duty {number} shows who was asked.",
                "⚠️ Duty № {number} ({when}) still has {free} empty seats of {seats}. The "
                "helpers asked have not taken them; /duty {number} shows who was asked.",
                free,
            ).format(
                number=duty.id,
                when=escape(self.when(duty, self.staff_locale)),
                free=texts.format_number(free),
                seats=texts.format_number(duty.seats),
            )
        assert duty.staff_chat_id is not None  # the service asks only when there is a group
        return NewMessage(
            duty.staff_chat_id, "sendMessage", {"text": text}, ref=Ref.duty(duty.id, "short")
        )

    # --- to helpers ----------------------------------------------------------------------------

    def offer_text(self, duty: Duty, locale: str, free: int | None = None) -> str:
        lines = [_("🛡 <b>A duty for public helpers, № {number}</b>").format(number=duty.id)]
        lines += self.details(duty, locale)
        if free is not None:
            lines.append(
                _("👥 Free seats: {free} of {seats}").format(
                    free=texts.format_number(free), seats=texts.format_number(duty.seats)
                )
            )
        return "\n".join(lines)

    def offer(self, duty: Duty, helper: DutyCandidate, free: int) -> NewMessage:
        key = (duty.id, duty.updated_at, helper.language, free, id(self.directory.current))
        drawn = self._offers.get(key)  # a wave of 2,000 offers is two texts, not 2,000
        if drawn is None:
            drawn = self._draw_offer(duty, helper.language, free)
            if len(self._offers) > 64:
                self._offers.clear()
            self._offers[key] = drawn
        text, keyboard = drawn
        return NewMessage(
            helper.user_id,
            "sendMessage",
            {"text": text, "reply_markup": keyboard},
            ref=Ref.duty(duty.id, "offer", helper.id),
            priority=1,
        )

    def _draw_offer(self, duty: Duty, language: str, free: int) -> tuple[str, dict[str, Any]]:
        with self.i18n.context(), self.i18n.use_locale(language):
            text = (
                self.offer_text(duty, language, free)
                + "\n\n"
                + _("Will you take it? The seats go to those who answer first.")
            )
            keyboard = {
                "inline_keyboard": [
                    [
                        {
                            "text": _("✅ I will come"),
                            "callback_data": DutyCb(action=DutyAction.ACCEPT, duty=duty.id).pack(),
                        },
                        {
                            "text": _("✖️ Not this time"),
                            "callback_data": DutyCb(action=DutyAction.DECLINE, duty=duty.id).pack(),
                        },
                    ]
                ]
            }
        return text, keyboard

    def offer_closed(self, duty: Duty, offer: DutyOffer, why: str) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(offer.language):
            note = (
                _("This duty was cancelled.")
                if why == "cancelled"
                else _("All the seats are taken. Thank you, and see you at the next duty!")
            )
            text = self.offer_text(duty, offer.language) + f"\n\n<i>{note}</i>"
        return NewMessage(
            offer.user_id,
            "editMessageText",
            {"message_id": offer.message_id, "text": text},
            ref=Ref.duty(duty.id, "closed", offer.helper_id),
            priority=1,
        )

    def accepted_changed(self, duty: Duty, offer: DutyOffer, what: str) -> NewMessage:
        locale = offer.language
        markup: dict[str, Any] | None = None
        with self.i18n.context(), self.i18n.use_locale(locale):
            if what == "changed":
                lines = [
                    _("✏️ Duty № {number} has changed. Now it is:").format(number=duty.id),
                    *self.details(duty, locale),
                    _("👮 Duty leader: {leader}, {phone}").format(
                        leader=escape(duty.leader), phone=duty.leader_phone
                    ),
                    _("If you can no longer come, give your seat back or call the leader."),
                ]
                text = "\n".join(lines)
                markup = {
                    "inline_keyboard": [
                        [
                            {
                                "text": texts.duty_withdraw_button(),
                                "callback_data": DutyCb(
                                    action=DutyAction.WITHDRAW, duty=duty.id
                                ).pack(),
                            }
                        ]
                    ]
                }
            else:
                text = _(
                    "❌ Duty № {number} ({when}) is cancelled: {reason}. Thank you for being "
                    "ready to help."
                ).format(
                    number=duty.id,
                    when=escape(self.when(duty, locale)),
                    reason=escape(duty.cancel_reason or "—"),
                )
        payload: dict[str, Any] = {"text": text}
        if markup is not None:
            payload["reply_markup"] = markup
        return NewMessage(
            offer.user_id,
            "sendMessage",
            payload,
            ref=Ref.duty(duty.id, what, offer.helper_id),
        )

    def reminder(self, duty: Duty, offer: DutyOffer, hours: int) -> list[NewMessage]:
        locale = offer.language
        with self.i18n.context(), self.i18n.use_locale(locale):
            head = (
                _("⏰ Tomorrow you are on duty № {number}.")
                if hours >= 24
                else _("⏰ In an hour you are on duty № {number}.")
            ).format(number=duty.id)
            lines = [head, *self.details(duty, locale)]
            lines.append(
                _("👮 Duty leader: {leader}, {phone}").format(
                    leader=escape(duty.leader), phone=duty.leader_phone
                )
            )
            lines.append(_("The meeting point is on the map below."))
            title = self.place(duty, locale)[:100]
            address = self.when(duty, locale)
        ref = Ref.duty(duty.id, "remind", offer.helper_id, hours)
        return [
            NewMessage(offer.user_id, "sendMessage", {"text": "\n".join(lines)}, ref=ref),
            NewMessage(
                offer.user_id,
                "sendVenue",
                {
                    "latitude": duty.place.latitude,
                    "longitude": duty.place.longitude,
                    "title": title,
                    "address": address,
                },
                ref=ref.plus("pin"),
            ),
        ]

    def start_prompt(self, duty: Duty, offer: DutyOffer) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(offer.language):
            text = _(
                "🛡 Duty № {number} starts at {time}. When you are at the meeting point, press "
                "«📍 I am here». You can also send your location so the leader sees you are "
                "there."
            ).format(
                number=duty.id,
                time=format_datetime(
                    duty.starts_at, "HH:mm", tzinfo=self.zone, locale=offer.language
                ),
            )
            button = _("📍 I am here")
        return NewMessage(
            offer.user_id,
            "sendMessage",
            {
                "text": text,
                "reply_markup": {
                    "inline_keyboard": [
                        [
                            {
                                "text": button,
                                "callback_data": DutyCb(
                                    action=DutyAction.HERE, duty=duty.id
                                ).pack(),
                            }
                        ]
                    ]
                },
            },
            ref=Ref.duty(duty.id, "start", offer.helper_id),
        )

    def end_prompt(self, duty: Duty, offer: DutyOffer) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(offer.language):
            text = _(
                "🛡 Duty № {number} is over. Press «🏁 Check out» so your hours are counted. "
                "Thank you for your help!"
            ).format(number=duty.id)
            button = _("🏁 Check out")
        return NewMessage(
            offer.user_id,
            "sendMessage",
            {
                "text": text,
                "reply_markup": {
                    "inline_keyboard": [
                        [
                            {
                                "text": button,
                                "callback_data": DutyCb(action=DutyAction.OUT, duty=duty.id).pack(),
                            }
                        ]
                    ]
                },
            },
            ref=Ref.duty(duty.id, "end", offer.helper_id),
        )
