"""Messages a referral causes: the report's post in the body's chat (with its buttons), the
body's question and reminder, what the resident is told, the notes under the staff post."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from bot.domain.outbox import NewMessage
from bot.domain.referrals import COMPETENCE, Body, Contact, Referral, ReferralState
from bot.domain.refs import Ref
from bot.domain.reports import Report
from bot.telegram.callbacks import BodyAction, BodyCb
from bot.telegram.common.render import RendererBase

STATES = {
    ReferralState.SENT: "",
    ReferralState.ACCEPTED: "✅",
    ReferralState.ANSWERED: "💬",
    ReferralState.CLOSED: "🏁",
    ReferralState.RECALLED: "↩️",
    ReferralState.FAILED: "⚠️",
}


class ReferralViews(RendererBase):
    # --- in the body's chat (the staff language) ------------------------------------------

    def _body_text(self, report: Report, referral: Referral, body: Body) -> str:
        locale = self.staff_locale
        lines = [
            "↪️ <b>{}</b> · {}".format(
                escape(_("Appeal № {number}").format(number=report.id)),
                escape(self.category_label(report.category, locale)),
            ),
            _(
                "Passed on by the police (Sakshy) as a matter for {body}. By law the answer is "
                "due by {date}."
            ).format(body=escape(body.name(locale)), date=self.day(referral.due_on, locale)),
        ]
        lines += self.what_and_where(report, flag_typed=False)
        if referral.reason != COMPETENCE:
            lines.append(_("💬 The police's note: {note}").format(note=escape(referral.reason)))
        lines.append(
            _(
                "The resident's name and contacts stay with the police. Answer with the buttons: "
                "the bot passes your answer on to the resident."
            )
        )
        state = self._state_line(referral)
        if state:
            lines.append(state)
        return "\n".join(lines)

    def _state_line(self, referral: Referral) -> str:
        names = {
            ReferralState.ACCEPTED: _("accepted"),
            ReferralState.ANSWERED: _("answered"),
            ReferralState.CLOSED: _("closed"),
            ReferralState.RECALLED: _("taken back by the police"),
            ReferralState.FAILED: _("not delivered"),
        }
        name = names.get(referral.state)
        if name is None:
            return ""
        return f"{STATES[referral.state]} " + _("Status: {status}").format(status=name)

    def _body_buttons(self, referral: Referral) -> dict[str, object]:
        rows: list[list[dict[str, str]]] = []
        if referral.live:
            pack = lambda action: BodyCb(action=action, referral=referral.id).pack()  # noqa: E731
            first = []
            if referral.state is ReferralState.SENT:
                first.append({"text": _("✅ Accept"), "callback_data": pack(BodyAction.ACCEPT)})
            first.append({"text": _("✍️ Answer"), "callback_data": pack(BodyAction.ANSWER)})
            rows = [first, [{"text": _("🏁 Close"), "callback_data": pack(BodyAction.CLOSE)}]]
        return {"inline_keyboard": rows}

    def body_post(self, report: Report, referral: Referral, body: Body) -> list[NewMessage]:
        """The photos or videos as an album, the map pin, then the post with its buttons."""
        assert body.chat_id is not None
        chat = body.chat_id
        messages: list[NewMessage] = []
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            number = _("Appeal № {number}").format(number=report.id)
            # never the resident's voice message: a voice tells who they are
            messages += self.album(report, chat, number)
            if report.latitude is not None and report.longitude is not None:
                messages.append(
                    NewMessage(
                        chat,
                        "sendLocation",
                        {"latitude": report.latitude, "longitude": report.longitude},
                    )
                )
            text = self._body_text(report, referral, body)
            buttons = self._body_buttons(referral)
        messages.append(
            NewMessage(
                chat,
                "sendMessage",
                {"text": text, "reply_markup": buttons},
                ref=Ref.referral(referral.id, "post"),
            )
        )
        return messages

    def body_post_update(self, report: Report, referral: Referral, body: Body) -> NewMessage | None:
        if referral.body_chat_id is None or referral.body_message_id is None:
            return None
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = self._body_text(report, referral, body)
            buttons = self._body_buttons(referral)
        return NewMessage(
            referral.body_chat_id,
            "editMessageText",
            {"message_id": referral.body_message_id, "text": text, "reply_markup": buttons},
            ref=Ref.referral(referral.id, "edit"),
        )

    def body_ask_answer(self, referral: Referral, body: Body) -> NewMessage:
        assert body.chat_id is not None
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = _(
                "✍️ Reply to this message with the answer to appeal № {number}. The resident "
                "reads it as you write it, and the appeal is closed."
            ).format(number=referral.report_id)
        placeholder = f"№ {referral.report_id}"
        payload: dict[str, object] = {
            "text": text,
            "reply_markup": {"force_reply": True, "input_field_placeholder": placeholder},
        }
        if referral.body_message_id is not None:
            payload["reply_parameters"] = {
                "message_id": referral.body_message_id,
                "allow_sending_without_reply": True,
            }
        return NewMessage(
            body.chat_id, "sendMessage", payload, ref=Ref.referral(referral.id, "ask")
        )

    def body_reminder(self, report: Report, referral: Referral, body: Body) -> NewMessage:
        assert body.chat_id is not None
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = _(
                "⏰ Appeal № {number}: the answer was due by {date}. Please answer it with the "
                "buttons under its post."
            ).format(number=report.id, date=self.day(referral.due_on, self.staff_locale))
        payload: dict[str, object] = {"text": text}
        if referral.body_message_id is not None:
            payload["reply_parameters"] = {
                "message_id": referral.body_message_id,
                "allow_sending_without_reply": True,
            }
        return NewMessage(
            body.chat_id, "sendMessage", payload, ref=Ref.referral(referral.id, "remind")
        )

    # --- the resident (their language) ---------------------------------------------------

    def referred_resident(self, report: Report, referral: Referral, body: Body) -> NewMessage:
        locale = report.language
        with self.i18n.context(), self.i18n.use_locale(locale):
            text = _(
                "Your report № {number} is a matter for {body}, not for the police, so the "
                "police passed it to them. They are to answer by {date}; I will pass their "
                "answer on here."
            ).format(
                number=report.id,
                body=escape(body.name(locale)),
                date=self.day(referral.due_on, locale),
            )
            if referral.reason != COMPETENCE:
                text += "\n" + _("The officer's note: {note}").format(
                    note=f"<i>{escape(referral.reason)}</i>"
                )
        return NewMessage(
            report.reporter_id,
            "sendMessage",
            {"text": text},
            ref=Ref.report(report.id, "referred", referral.id),
        )

    def accepted_resident(self, report: Report, body: Body) -> NewMessage:
        locale = report.language
        with self.i18n.context(), self.i18n.use_locale(locale):
            text = _("{body} has taken up your report № {number}.").format(
                body=escape(body.name(locale)), number=report.id
            )
        return NewMessage(
            report.reporter_id, "sendMessage", {"text": text}, ref=Ref.report(report.id, "notice")
        )

    def answer_resident(self, report: Report, body: Body, text: str | None) -> NewMessage:
        locale = report.language
        with self.i18n.context(), self.i18n.use_locale(locale):
            if text:
                said = _("💬 {body} answered your report № {number}:").format(
                    body=escape(body.name(locale)), number=report.id
                )
                said += "\n\n" + escape(text)
            else:
                said = _(
                    "{body} has dealt with your report № {number} and closed it. Thank you for "
                    "helping keep order."
                ).format(body=escape(body.name(locale)), number=report.id)
        return NewMessage(
            report.reporter_id, "sendMessage", {"text": said}, ref=Ref.report(report.id, "notice")
        )

    # --- the staff (under the report's post) ---------------------------------------------

    def ready_text(self, report: Report, referral: Referral, body: Body) -> NewMessage | None:
        """A body without a chat: the text to send them, and how to record their answer."""
        locale = self.staff_locale
        with self.i18n.context(), self.i18n.use_locale(locale):
            how = (
                escape(body.email) if body.contact is Contact.EMAIL and body.email else _("by hand")
            )
            head = _(
                "↪️ Report № {number} is referred to {body} ({how}). Send them the text below, "
                "then record their answer with «✅ Record the answer»."
            ).format(number=report.id, body=escape(body.name(locale)), how=how)
            letter = self._body_text(report, referral, body)
        plain = letter.replace("<b>", "").replace("</b>", "")
        text = f"{head}\n\n<blockquote>{plain}</blockquote>"
        return self._staff_message(report, text, Ref.report(report.id, "ready", referral.id))

    def referral_staff_note(
        self, report: Report, referral: Referral, body: Body, what: str, text: str | None = None
    ) -> NewMessage | None:
        locale = self.staff_locale
        name = escape(body.name(locale))
        with self.i18n.context(), self.i18n.use_locale(locale):
            if what == "delivered":
                said = _("↪️ Report № {number} reached the chat of {body}; the resident is told.")
            elif what == "accepted":
                said = _("✅ {body} accepted report № {number}.")
            elif what == ReferralState.ANSWERED:
                said = _("💬 {body} answered report № {number}; the resident got the answer:")
            elif what == ReferralState.CLOSED:
                said = _("🏁 {body} closed report № {number}; the resident is told.")
            else:
                said = _(
                    "⚠️ Report № {number} could not reach the chat of {body} (is the bot still "
                    "a member there?). It is back with the officer who referred it: refer it "
                    "again or handle it."
                )
            said = said.format(number=report.id, body=name)
            if text:
                said += "\n" + escape(text)
        ref = Ref.report(report.id, "referral", referral.id, what)
        return self._staff_message(report, said, ref)
