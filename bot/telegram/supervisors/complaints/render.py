"""What a complaint about police conduct causes: its post in the complaints chat (with its
buttons), the bot's questions there, the overdue note, and what the resident is told."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_datetime

from bot.domain.complaints import Complaint, ComplaintStatus
from bot.domain.outbox import NewMessage
from bot.domain.refs import Ref
from bot.services.complaints import ANSWER
from bot.services.reports.ports import Relayed
from bot.telegram.buttons import main_menu
from bot.telegram.callbacks import ComplaintAction, ComplaintCb
from bot.telegram.common.render import RendererBase, relay_messages

#: the answer as the post repeats it, at most (the post holds the complaint too, and Telegram
#: 4096 characters; the whole answer is the supervisor's own reply just above)
ANSWER_ON_POST = 500


def _clipped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class ComplaintViews(RendererBase):
    # --- in the complaints chat (the staff language) ----------------------------------------

    def _number(self, complaint: Complaint) -> str:
        return _("Complaint № {number}").format(number=complaint.id)

    def _status(self, complaint: Complaint) -> str:
        if complaint.status is ComplaintStatus.ANSWERED:
            return _("answered")
        if complaint.overdue_at is not None:
            return _("overdue")
        if complaint.status is ComplaintStatus.TAKEN:
            return _("being looked into")
        return _("not yet taken")

    def _term(self, complaint: Complaint) -> str:
        due = self.day(complaint.due_on, self.staff_locale)
        if complaint.status is not ComplaintStatus.ANSWERED:
            if complaint.overdue_at is not None:
                return _("⏰ <b>Overdue</b> (answer due by {date})").format(date=due)
            return _("⏳ Answer due by {date}").format(date=due)
        late, days = complaint.late_days or 0, complaint.answer_days or 0
        if late:
            return ngettext(
                "⚖️ Answered {late} working day late ({days} in all)",
                "⚖️ Answered {late} working days late ({days} in all)",
                late,
            ).format(late=late, days=days)
        return ngettext(
            "⚖️ Answered in time, in {days} working day",
            "⚖️ Answered in time, in {days} working days",
            days,
        ).format(days=days)

    def _post_text(self, complaint: Complaint) -> str:
        received = format_datetime(
            complaint.created_at, "d MMMM y, HH:mm", tzinfo=self.zone, locale=self.staff_locale
        )
        lines = [
            f"⚖️ <b>{escape(self._number(complaint))}</b> · {self._status(complaint)}",
            _("About the conduct of police officers. Only this chat receives it."),
            "",
            escape(complaint.description),
            "",
        ]
        if complaint.name is None:
            lines.append(
                _("🕶 Anonymous: the resident's name is not shown; the bot passes messages on.")
            )
        else:
            lines.append(_("👤 From: {name}").format(name=escape(complaint.name)))
        lines.append(_("📅 Received: {when}").format(when=received))
        lines.append(self._term(complaint))
        if complaint.handler_name and complaint.status is ComplaintStatus.TAKEN:
            lines.append(_("🙋 Taken by {name}").format(name=escape(complaint.handler_name)))
        if complaint.answer is not None:
            lines.append(
                _("✅ Answer by {name}: {answer}").format(
                    name=escape(complaint.handler_name or ""),
                    answer=escape(_clipped(complaint.answer, ANSWER_ON_POST)),
                )
            )
        else:
            lines.append(_("Reply to this message to write to the resident."))
        return "\n".join(lines)

    def _buttons(self, complaint: Complaint) -> dict[str, Any]:
        rows: list[list[dict[str, str]]] = []
        if complaint.is_open:
            pack = lambda action: ComplaintCb(action=action, complaint=complaint.id).pack()  # noqa: E731
            if complaint.status is ComplaintStatus.NEW:
                rows.append([{"text": _("🙋 Take"), "callback_data": pack(ComplaintAction.TAKE)}])
            rows.append(
                [
                    {"text": _("💬 Write"), "callback_data": pack(ComplaintAction.WRITE)},
                    {
                        "text": _("✅ Answer and close"),
                        "callback_data": pack(ComplaintAction.ANSWER),
                    },
                ]
            )
        return {"inline_keyboard": rows}

    def _under_post(self, complaint: Complaint, payload: dict[str, Any]) -> dict[str, Any]:
        if complaint.message_id is not None:
            payload["reply_parameters"] = {
                "message_id": complaint.message_id,
                "allow_sending_without_reply": True,
            }
        return payload

    def complaint_post(self, complaint: Complaint) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text, buttons = self._post_text(complaint), self._buttons(complaint)
        return NewMessage(
            complaint.chat_id,
            "sendMessage",
            {"text": text, "reply_markup": buttons},
            ref=Ref.complaint(complaint.id, "post"),
        )

    def complaint_post_update(self, complaint: Complaint) -> NewMessage | None:
        if complaint.message_id is None:
            return None  # not delivered yet: it shows what it was written with
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text, buttons = self._post_text(complaint), self._buttons(complaint)
        return NewMessage(
            complaint.chat_id,
            "editMessageText",
            {"message_id": complaint.message_id, "text": text, "reply_markup": buttons},
            ref=Ref.complaint(complaint.id, "edit"),
        )

    def complaint_ask(self, complaint: Complaint, what: str, by_id: int, by: str) -> NewMessage:
        mention = f'<a href="tg://user?id={by_id}">{escape(by)}</a>'
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            if what == ANSWER:
                text = _(
                    "{name}, reply to this message with the answer to complaint № {number}. "
                    "The resident reads it as you write it, and the complaint is closed."
                )
            else:
                text = _(
                    "{name}, reply to this message with your message to the author of "
                    "complaint № {number}: a question, or a request for details."
                )
            text = text.format(name=mention, number=complaint.id)
        payload: dict[str, Any] = {
            "text": text,
            "reply_markup": {
                "force_reply": True,
                "selective": True,
                "input_field_placeholder": f"№ {complaint.id}",
            },
        }
        return NewMessage(
            complaint.chat_id,
            "sendMessage",
            self._under_post(complaint, payload),
            ref=Ref.complaint(complaint.id, "ask", what),
        )

    def complaint_overdue(self, complaint: Complaint) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = _(
                "⏰ Complaint № {number} is overdue: by law the answer was due by {date}."
            ).format(number=complaint.id, date=self.day(complaint.due_on, self.staff_locale))
        return NewMessage(
            complaint.chat_id,
            "sendMessage",
            self._under_post(complaint, {"text": text}),
            ref=Ref.complaint(complaint.id, "overdue"),
        )

    def complaint_from_resident(self, complaint: Complaint, said: Relayed) -> list[NewMessage]:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            header = _("💬 The author of complaint № {number}:").format(number=complaint.id)
        ref = Ref.complaint(complaint.id, "said", said.chat_id, said.message_id)
        return relay_messages(complaint.chat_id, header, said, ref, self._under_post(complaint, {}))

    # --- to the resident (their language) ---------------------------------------------------

    def complaint_receipt(self, complaint: Complaint) -> NewMessage:
        locale = complaint.language
        with self.i18n.context(), self.i18n.use_locale(locale):
            text = _(
                "✅ Your complaint is registered: <b>№ {number}</b>.\n\n"
                "It is read only by the leadership of the police department (the supervisors "
                "and the internal security unit), never by the officers of your precinct.\n"
                "📅 By law, the answer is due by {date}.\n\n"
                "They may write to you here; reply to their message to answer."
            ).format(number=complaint.id, date=self.day(complaint.due_on, locale))
            # the wizard's keyboard gives way to the menu with the receipt
            menu = main_menu().model_dump(mode="json", exclude_none=True)
        return NewMessage(
            complaint.user_id,
            "sendMessage",
            {"text": text, "reply_markup": menu},
            ref=Ref.complaint(complaint.id, "receipt"),
        )

    def complaint_taken(self, complaint: Complaint) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(complaint.language):
            text = _(
                "🙋 A senior officer has taken up your complaint № {number}. The answer will "
                "come here."
            ).format(number=complaint.id)
        return NewMessage(
            complaint.user_id, "sendMessage", {"text": text},
            ref=Ref.complaint(complaint.id, "taken"),
        )  # fmt: skip

    def complaint_answer(self, complaint: Complaint) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(complaint.language):
            text = "\n\n".join(
                (
                    _("⚖️ <b>The answer to your complaint № {number}</b>").format(
                        number=complaint.id
                    ),
                    escape(complaint.answer or ""),
                    _(
                        "The complaint is closed. If you disagree with the answer, you may "
                        "appeal it to a higher police body, the prosecutor's office or a court."
                    ),
                )
            )
        return NewMessage(
            complaint.user_id, "sendMessage", {"text": text},
            ref=Ref.complaint(complaint.id, "answer"),
        )  # fmt: skip

    def complaint_to_resident(self, complaint: Complaint, said: Relayed) -> list[NewMessage]:
        with self.i18n.context(), self.i18n.use_locale(complaint.language):
            header = _(
                "💬 About your complaint № {number} (reply to this message to answer):"
            ).format(number=complaint.id)
        ref = Ref.complaint(complaint.id, "relay", said.chat_id, said.message_id)
        return relay_messages(complaint.user_id, header, said, ref, {})
