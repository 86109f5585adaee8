"""Messages the helper pipeline causes: the staff post (IIN masked) and the applicant's notices
in their own language."""

from __future__ import annotations

from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from babel.dates import format_datetime

from bot.domain.helpers import Helper, HelperAction, HelperEvent, HelperStatus, age_on, mask_iin
from bot.domain.outbox import NewMessage
from bot.domain.refs import Ref
from bot.services.clock import Clock
from bot.services.directory import DirectoryService
from bot.telegram import texts
from bot.telegram.callbacks import HelperCb, HelperPress
from bot.telegram.texts import format_number

#: one letter per status for HelperCb.seen (a stale press is refused)
HELPER_SEEN = {
    HelperStatus.APPLIED: "a",
    HelperStatus.CHECKED: "c",
    HelperStatus.REGISTERED: "g",
    HelperStatus.ACTIVE: "v",
    HelperStatus.REJECTED: "j",
    HelperStatus.SUSPENDED: "s",
    HelperStatus.RETIRED: "t",
}
SEEN_HELPER = {code: status for status, code in HELPER_SEEN.items()}


_whole_lines = texts.whole_lines


def mask_phone(phone: str) -> str:
    """+77001234567 as +7 700 ••• •• 67: enough to recognise it, not to call it."""
    if len(phone) == 12 and phone.startswith("+7"):
        return f"+7 {phone[2:5]} ••• •• {phone[-2:]}"
    return "•••"


class TelegramHelperRenderer:
    def __init__(
        self,
        i18n: I18n,
        staff_locale: str,
        zone: ZoneInfo,
        directory: DirectoryService,
        clock: Clock,
    ) -> None:
        self.i18n = i18n
        self.staff_locale = staff_locale
        self.zone = zone
        self.directory = directory
        self.clock = clock

    def staff_text(self, helper: Helper) -> str:
        locale = self.staff_locale
        born = helper.birth_date
        precincts = []
        for precinct_id in helper.precincts:
            precinct = self.directory.current.precinct(precinct_id)
            precincts.append(precinct.name(locale) if precinct else precinct_id)
        days = [texts.helper_day_names()[d] for d in helper.days]
        bands = [texts.helper_band_names().get(b, b) for b in helper.bands]
        lines = [
            _("🤝 <b>Public helper application № {number}</b> · {status}").format(
                number=helper.id, status=texts.helper_status_name(helper.status)
            ),
            f"👤 {escape(helper.full_name)}",
            # only the year and the age, and the phone masked: with the IIN's last digits,
            # a full date of birth would give the whole IIN away
            _("Born {date} ({age})").format(
                date=born.year,
                age=age_on(born, self.clock().astimezone(self.zone).date()),
            ),
            _("IIN: {iin}").format(iin=mask_iin(helper.iin)),
            f"📞 {mask_phone(helper.phone)}",
            _("Precincts: {list}").format(list=escape(", ".join(precincts))),
            _("When: {days}; {bands}").format(days=", ".join(days), bands=", ".join(bands)),
        ]
        if helper.note:
            lines.append("📝 " + escape(helper.note))
        if helper.registration_number:
            lines.append(
                _("Registered by the akimat: № {number}, {date}").format(
                    number=escape(helper.registration_number),
                    date=escape(helper.registration_date or ""),
                )
            )
        return "\n".join(lines)

    def staff_keyboard(self, helper: Helper) -> dict[str, Any]:
        status = helper.status
        options = {
            HelperStatus.APPLIED: [
                (HelperPress.CHECK, _("✅ Checked by the police")),
                (HelperPress.REJECT, _("⛔ Reject")),
                (HelperPress.ASK, _("❓ Ask for more")),
            ],
            HelperStatus.CHECKED: [
                (HelperPress.REGISTER, _("🏛 Registered by the akimat")),
                (HelperPress.REJECT, _("⛔ Reject")),
                (HelperPress.ASK, _("❓ Ask for more")),
            ],
            HelperStatus.REGISTERED: [(HelperPress.ACTIVATE, _("▶️ Activate"))],
            HelperStatus.ACTIVE: [
                (HelperPress.SUSPEND, _("⏸ Suspend")),
                (HelperPress.RETIRE, _("🏁 Retire")),
            ],
            HelperStatus.SUSPENDED: [
                (HelperPress.RESUME, _("▶️ Resume")),
                (HelperPress.RETIRE, _("🏁 Retire")),
            ],
        }.get(status, [])
        rows = (
            [
                [
                    {
                        "text": text,
                        "callback_data": HelperCb(
                            action=action, helper=helper.id, seen=HELPER_SEEN[status]
                        ).pack(),
                    }
                    for action, text in options
                ]
            ]
            if options
            else []
        )
        rows.append(
            [
                {
                    "text": _("👁 Full IIN (administrators)"),
                    "callback_data": HelperCb(
                        action=HelperPress.IIN, helper=helper.id, seen="-"
                    ).pack(),
                }
            ]
        )
        return {"inline_keyboard": rows}

    def keyboard_markup(self, helper: Helper) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup.model_validate(self.staff_keyboard(helper))

    def _precinct_label(self, precinct_id: str) -> str:
        precinct = self.directory.current.precinct(precinct_id)
        return precinct.name(self.staff_locale) if precinct else precinct_id

    def overview(self, total: int, counts: list[tuple[str, str, int]]) -> str:
        """/helpers: per precinct, how many helpers are in each state (one person serving in
        two precincts counts in both)."""
        if not total:
            return texts.helpers_none()
        by_precinct: dict[str, dict[str, int]] = {}
        for precinct_id, status, count in counts:
            by_precinct.setdefault(precinct_id, {})[status] = count
        lines = [texts.helpers_title(total)]
        order = [s.value for s in HelperStatus]
        for label, precinct_id in sorted((self._precinct_label(p), p) for p in by_precinct):
            parts = [
                f"{texts.helper_status_name(status)} {format_number(count)}"
                for status, count in sorted(
                    by_precinct[precinct_id].items(), key=lambda item: order.index(item[0])
                )
            ]
            lines.append(f"• <b>{escape(label)}</b> (<code>{escape(precinct_id)}</code>): "
                         + " · ".join(parts))  # fmt: skip
        lines += ["", texts.helpers_usage()]
        return _whole_lines(lines)

    def listing(
        self,
        helpers: list[Helper],
        total: int,
        status: HelperStatus | None,
        precinct: str | None,
    ) -> str:
        """/helpers with a status and/or a precinct: the newest ones, one line each."""
        if not helpers:
            return texts.helpers_none_such()
        what = [texts.helper_status_name(status)] if status else []
        if precinct:
            what.append(self._precinct_label(precinct))
        lines = [f"{texts.helpers_title(total)} · {escape(' · '.join(what))}"]
        for helper in helpers:
            places = ", ".join(self._precinct_label(p) for p in helper.precincts)
            name = escape(helper.full_name[:60])
            status_name = texts.helper_status_name(helper.status)
            lines.append(f"• № {helper.id} · {name} · {status_name} · {escape(places[:120])}")
        if total > len(helpers):
            lines.append(texts.helpers_more(total - len(helpers)))
        return _whole_lines(lines)

    def card(self, helper: Helper, history: list[HelperEvent]) -> str:
        lines = [self.staff_text(helper), ""]
        for event in history[-20:]:
            when = format_datetime(
                event.at,
                "d MMM, HH:mm",
                tzinfo=self.zone,
                locale=self.staff_locale,
            )
            who = escape(event.actor_name or event.actor)
            lines.append(f"• {when} · {who} · {escape(event.action)}")
        return _whole_lines(lines)

    def topic(self, helper: Helper, chat_id: int) -> NewMessage:
        """The application's own forum topic: «🤝 № 12 · name» (a topic name holds 128)."""
        name = f"🤝 № {helper.id} · {' '.join(helper.full_name.split())}"[:128]
        return NewMessage(
            chat_id, "createForumTopic", {"name": name}, ref=Ref.helper(helper.id, "topic")
        )

    def _in_thread(self, helper: Helper, payload: dict[str, Any]) -> dict[str, Any]:
        if helper.staff_thread_id:
            payload["message_thread_id"] = helper.staff_thread_id
        return payload

    def application_post(self, helper: Helper, chat_id: int) -> list[NewMessage]:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            payload = {"text": self.staff_text(helper), "reply_markup": self.staff_keyboard(helper)}
        return [NewMessage(chat_id, "sendMessage", payload, ref=Ref.helper(helper.id, "post"))]

    def post_update(self, helper: Helper, chat_id: int, message_id: int) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            payload = {
                "message_id": message_id,
                "text": self.staff_text(helper),
                "reply_markup": self.staff_keyboard(helper),
            }
        return NewMessage(chat_id, "editMessageText", payload, ref=Ref.helper(helper.id, "edit"))

    def ask(
        self,
        helper: Helper,
        action: HelperAction | None,
        officer_id: int,
        officer: str,
        chat_id: int,
        reply_to: int | None,
    ) -> NewMessage:
        """Ask the officer for the akimat's registration (number and date) or the reason."""
        mention = f'<a href="tg://user?id={officer_id}">{escape(officer)}</a>'
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            if action is None:
                text = _(
                    "{officer}, reply to this message with your question for the applicant of "
                    "application № {number}: it goes to them, and their answer comes back here."
                )
            elif action is HelperAction.REGISTER:
                text = _(
                    "{officer}, reply to this message with the akimat's registration number "
                    "and date for application № {number}, like: ҚК-0042 25.11.2026"
                )
            else:
                text = _(
                    "{officer}, reply to this message with the reason for rejecting "
                    "application № {number}: the applicant will see it."
                )
            text = text.format(officer=mention, number=helper.id)
        payload: dict[str, Any] = self._in_thread(
            helper, {"text": text, "reply_markup": {"force_reply": True, "selective": True}}
        )
        if reply_to:
            payload["reply_parameters"] = {
                "message_id": reply_to,
                "allow_sending_without_reply": True,
            }
        return NewMessage(
            chat_id,
            "sendMessage",
            payload,
            ref=Ref.helper(
                helper.id, "ask", action.value if action else "question", helper.status.value
            ),
        )

    def stepped_down(self, helper: Helper, chat_id: int, reply_to: int | None) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            body = _("🏁 Public helper № {number} ({name}) has stepped down.").format(
                number=helper.id, name=escape(helper.full_name[:60])
            )
        payload: dict[str, Any] = self._in_thread(helper, {"text": body})
        if reply_to:
            payload["reply_parameters"] = {
                "message_id": reply_to,
                "allow_sending_without_reply": True,
            }
        return NewMessage(
            chat_id, "sendMessage", payload, ref=Ref.helper(helper.id, "stepped_down")
        )

    def question(self, helper: Helper, text: str) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(helper.language):
            body = _(
                "❓ The police ask about your public helper application № {number}:\n{question}"
                "\n\nReply to this message to answer."
            ).format(number=helper.id, question=escape(text))
        return NewMessage(
            helper.user_id, "sendMessage", {"text": body}, ref=Ref.helper(helper.id, "question")
        )

    def answer(
        self, helper: Helper, text: str, chat_id: int, reply_to: int | None, ref: Ref
    ) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            body = _("💬 The applicant of № {number} answers: {answer}").format(
                number=helper.id, answer=escape(text)
            )
        payload: dict[str, Any] = self._in_thread(helper, {"text": body})
        if reply_to:
            payload["reply_parameters"] = {
                "message_id": reply_to,
                "allow_sending_without_reply": True,
            }
        return NewMessage(chat_id, "sendMessage", payload, ref=ref)

    def applicant_notice(
        self,
        helper: Helper,
        action: HelperAction,
        note: str | None,
        by_applicant: bool = False,
    ) -> NewMessage | None:
        with self.i18n.context(), self.i18n.use_locale(helper.language):
            number = helper.id
            if action is HelperAction.CHECK:
                text = _(
                    "Your public helper application № {number} has been checked by the police. "
                    "Now the akimat registers it."
                ).format(number=number)
            elif action is HelperAction.REGISTER:
                text = _(
                    "The akimat has registered you as a public helper: № {registration}. You "
                    "will be told when you can start."
                ).format(registration=escape(helper.registration_number or ""))
            elif action is HelperAction.ACTIVATE:
                text = _("You are an active public helper now. Thank you for helping keep order!")
            elif action is HelperAction.REJECT:
                text = _("Your public helper application № {number} was not approved.").format(
                    number=number
                )
                if note:
                    text += " " + _("Reason: {reason}").format(reason=escape(note))
            elif action is HelperAction.SUSPEND:
                text = _("Your work as a public helper is suspended for now.")
            elif action is HelperAction.RESUME:
                text = _("Your work as a public helper is resumed.")
            elif action is HelperAction.RETIRE and by_applicant:
                text = _("You have stepped down as a public helper. Thank you for your service!")
            elif action is HelperAction.RETIRE:
                text = _("The police have ended your work as a public helper.")
                if note:
                    text += " " + _("Reason: {reason}").format(reason=escape(note))
            else:
                return None
        return NewMessage(
            helper.user_id, "sendMessage", {"text": text}, ref=Ref.helper(number, "notice")
        )
