"""Messages for the staff group: a report's topic and post, its buttons, what the
resident writes, reminders and follow-ups."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.numbers import format_decimal

from bot.domain.outbox import NewMessage
from bot.domain.referrals import Body
from bot.domain.refs import Ref
from bot.domain.reports import OPEN, Action, Report, Status
from bot.services.reports import ask_ref, post_ref, topic_ref
from bot.services.reports.ports import Relayed, relay_ref
from bot.telegram.callbacks import (
    SEEN,
    RejectReason,
    Seen,
    StaffAction,
    StaffCb,
    StaffDuplicateCb,
    StaffReferCb,
    StaffRejectCb,
    StaffTemplateCb,
)
from bot.telegram.common.render import (
    REJECT_REASONS,
    TOPIC_NAME_MAX,
    RendererBase,
    post_link,
    relay_messages,
)


class StaffPosts(RendererBase):
    def staff_topic(self, report: Report, chat_id: int) -> NewMessage:
        """The report's own forum topic: number, category and where (a topic name holds 128
        characters)."""
        locale = self.staff_locale
        number = f"№ {report.id}"  # the same in both languages
        precinct = self._precinct(report)
        if precinct is not None:
            where = precinct.name(locale)
        elif report.latitude is not None and report.longitude is not None:
            where = f"{report.latitude:.4f}, {report.longitude:.4f}"
        else:
            where = " ".join((report.address or "").split())
        parts = [number, self.category_label(report.category, locale)]
        if where:
            parts.append(where)
        name = " · ".join(parts)
        if len(name) > TOPIC_NAME_MAX:
            name = name[: TOPIC_NAME_MAX - 1].rstrip() + "…"
        return NewMessage(chat_id, "createForumTopic", {"name": name}, ref=topic_ref(report.id))

    def topic_state(self, report: Report, closed: bool) -> NewMessage | None:
        """Close the topic when the report is closed, reopen it when the report is (never a
        precinct's topic, which its other reports share)."""
        if report.staff_chat_id is None or report.staff_thread_id is None:
            return None
        if report.staff_thread_shared:
            return None
        return NewMessage(
            report.staff_chat_id,
            "closeForumTopic" if closed else "reopenForumTopic",
            {"message_thread_id": report.staff_thread_id},
            ref=Ref.report(report.id, "close" if closed else "reopen"),
        )

    def staff_post(
        self,
        report: Report,
        chat_id: int,
        earlier_reports: int | None,
        thread_id: int | None = None,
        alike: list[tuple[int, int]] | None = None,
    ) -> list[NewMessage]:
        """As few messages as Telegram allows: the photos/videos as one album, the voice, the
        map pin, then the post itself (the one officers act on); all in the report's topic
        when it has one. `alike`: open reports that may be the same thing (number, metres),
        shown with a one-tap «same as №…»."""
        messages = self._staff_post(report, chat_id, earlier_reports, alike or [])
        if thread_id is None:
            return messages
        return [
            NewMessage(m.chat_id, m.method, {**m.payload, "message_thread_id": thread_id}, m.ref)
            for m in messages
        ]

    def _staff_post(
        self,
        report: Report,
        chat_id: int,
        earlier_reports: int | None,
        alike: list[tuple[int, int]],
    ) -> list[NewMessage]:
        locale = self.staff_locale
        with self.i18n.context(), self.i18n.use_locale(locale):
            number = _("Report № {number}").format(number=report.id)
            messages: list[NewMessage] = []
            messages += self.album(report, chat_id, number)
            if report.voice_file_id:
                messages.append(
                    NewMessage(
                        chat_id,
                        "sendVoice",
                        {"voice": report.voice_file_id, "caption": number},
                    )
                )
            if report.latitude is not None and report.longitude is not None:
                messages.append(
                    NewMessage(
                        chat_id,
                        "sendLocation",
                        {"latitude": report.latitude, "longitude": report.longitude},
                    )
                )
            text = self.staff_text(report, earlier_reports)
            keyboard = self.staff_keyboard(report)
            if alike and report.status is Status.NEW:
                text += "\n" + _("🔁 Maybe the same as: {list}").format(
                    list=", ".join(
                        _("№ {number} ({metres} m away)").format(
                            number=number, metres=format_decimal(metres, locale=locale)
                        )
                        for number, metres in alike
                    )
                )
                rows = keyboard["inline_keyboard"]
                assert isinstance(rows, list)  # staff_keyboard's rows of buttons
                rows.append(
                    [
                        {
                            "text": _("🔁 Same as № {number}").format(number=number),
                            "callback_data": StaffDuplicateCb(
                                original=number, report=report.id, seen=Seen.NEW
                            ).pack(),
                        }
                        for number, _metres in alike
                    ]
                )
            messages.append(
                NewMessage(
                    chat_id,
                    "sendMessage",
                    {"text": text, "reply_markup": keyboard},
                    ref=post_ref(report.id),
                )
            )
            return messages

    def staff_keyboard(
        self,
        report: Report,
        menu: str | None = None,
        templates: list[dict[str, Any]] | None = None,
        bodies: list[Body] | None = None,
    ) -> dict[str, object]:
        """The buttons under a staff post, for the report as it is now (staff language);
        `menu` "reject" lists the reasons, "resolve" offers a note for the resident, "refer"
        the outside bodies (`bodies`). A category that usually belongs to a body offers the
        referral to it first."""

        seen = SEEN[report.status.value]

        def refer(body: str) -> StaffReferCb:
            return StaffReferCb(body=body, report=report.id, seen=seen)

        def button(text: str, data: StaffAction | CallbackData) -> dict[str, str]:
            if isinstance(data, StaffAction):
                data = StaffCb(action=data, report=report.id, seen=seen)
            return {"text": text, "callback_data": data.pack()}

        A = StaffAction
        category = self.categories.get(report.category)
        usual = self.bodies(category.refer_to) if category and category.refer_to else None
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            usually = []
            if usual is not None and usual.active:
                label = _("↪️ To: {body}").format(body=usual.name(self.staff_locale))
                usually = [[button(label[:60], refer(usual.id))]]
            if menu == "reject" and report.status in (Status.NEW, Status.TAKEN):
                rows = [
                    [
                        button(
                            _(text),
                            StaffRejectCb(reason=RejectReason(code), report=report.id, seen=seen),
                        )
                    ]
                    for code, text in REJECT_REASONS.items()
                ]
                rows.append([button(_("✍️ Another reason (type it)"), A.REJECT_TYPED)])
                rows.append([button(_("⬅️ Back"), A.BACK)])
            elif menu == "resolve" and report.status in (Status.TAKEN, Status.REFERRED):
                rows = [
                    [button(_("✍️ Resolve with a note for the resident"), A.RESOLVE_NOTE)],
                    [button(_("✅ Resolve without a note"), A.RESOLVE_PLAIN)],
                    [button(_("⬅️ Back"), A.BACK)],
                ]
            elif menu == "templates" and report.status in OPEN:
                rows = [
                    [
                        button(
                            "📋 " + str(t["title"])[:40],
                            StaffTemplateCb(template=t["id"], report=report.id, seen=seen),
                        )
                    ]
                    for t in (templates or [])[:8]
                ]
                rows.append([button(_("⬅️ Back"), A.BACK)])
            elif menu == "refer" and report.status in (Status.NEW, Status.TAKEN):
                rows = [
                    [button("↪️ " + body.name(self.staff_locale)[:40], refer(body.id))]
                    for body in (bodies or [])[:10]
                ]
                rows.append([button(_("⬅️ Back"), A.BACK)])
            elif report.status is Status.NEW:
                rows = [
                    [button(_("🙋 Take"), A.TAKE), button(_("⛔ Reject"), A.REJECT)],
                    [button(_("📋 Ready answers"), A.TEMPLATES), button(_("↪️ Refer"), A.REFER)],
                ]
                rows[:0] = usually
            elif report.status is Status.TAKEN:
                rows = [
                    [button(_("✅ Resolved"), A.RESOLVE), button(_("⛔ Reject"), A.REJECT)],
                    [button(_("🙋 Take"), A.TAKE), button(_("📋 Ready answers"), A.TEMPLATES)],
                    [button(_("↪️ Refer"), A.REFER)],
                ]
                rows[:0] = usually
            elif report.status is Status.REFERRED:
                rows = [
                    [button(_("✅ Record the answer"), A.RESOLVE)],
                    [button(_("🙋 Take back"), A.TAKE)],
                ]
            elif report.status in (Status.RESOLVED, Status.REJECTED):
                rows = [[button(_("🔄 Reopen"), A.REOPEN)]]
            else:
                rows = []
            if menu is None and self.console_link:
                # a Mini App opens from a t.me link (a web_app button is refused in groups)
                link = f"{self.console_link}?startapp=r{report.id}"
                rows.append([{"text": _("🗂 In the console"), "url": link}])
        return {"inline_keyboard": rows}

    def staff_post_update(
        self, report: Report, earlier_reports: int, officer: str | None
    ) -> NewMessage | None:
        if report.staff_chat_id is None or report.staff_message_id is None:
            return None  # the post is not delivered yet; it will be sent as it was stored
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = self.staff_text(report, earlier_reports, officer)
        return NewMessage(
            report.staff_chat_id,
            "editMessageText",
            {
                "message_id": report.staff_message_id,
                "text": text,
                "reply_markup": self.staff_keyboard(report),
            },
            ref=Ref.report(report.id, "edit"),
        )

    def duplicate_joined(self, original: Report, duplicate: Report) -> NewMessage | None:
        """Under the original's post: another resident reported the same thing."""
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = _(
                "🔁 Report № {number} is the same thing and joined this one; its author is told "
                "how this one ends. /card {number} shows what they sent."
            ).format(number=duplicate.id)
        return self._staff_message(original, text, Ref.report(original.id, "joined", duplicate.id))

    def resident_says(
        self, report: Report, said: Relayed, *, header: bool = True
    ) -> list[NewMessage]:
        """The resident's words, into the staff group under the report's post: in its topic,
        which names the report already, under a shorter header (still with its number: a
        topic closed meanwhile sends it to the General topic). Without `header` (the other
        items of an album) a plain copy."""
        assert report.staff_chat_id is not None
        where = self._to_staff(report, {})
        ref = relay_ref(report.id, said)
        if not header:
            copy = {**where, "from_chat_id": said.chat_id, "message_id": said.message_id}
            return [NewMessage(report.staff_chat_id, "copyMessage", copy, ref=ref)]
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            if "message_thread_id" in where:  # the number stays: a closed topic sends it
                line = _("💬 The resident (№ {number}):").format(number=report.id)  # to General
            else:
                line = _("💬 The resident about report № {number}:").format(number=report.id)
        return relay_messages(report.staff_chat_id, line, said, ref, where)

    def ask_note(
        self, report: Report, action: Action, officer_id: int, officer: str, version: int
    ) -> NewMessage:
        """Ask the officer who pressed the button for the note (resolve) or the reason
        (reject); a reply to this very message completes the action."""
        assert report.staff_chat_id is not None
        mention = f'<a href="tg://user?id={officer_id}">{escape(officer)}</a>'
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            if action is Action.RESOLVE:
                text = _(
                    "{officer}, reply to this message with a note for the resident about what "
                    "was done: report № {number} is resolved when you send it."
                )
                hint = _("What was done")
            else:
                text = _(
                    "{officer}, reply to this message with the reason for rejecting report "
                    "№ {number}: the resident will see it."
                )
                hint = _("The reason")
            text = text.format(officer=mention, number=report.id)
        payload = self._to_staff(report, {"text": text})
        payload["reply_markup"] = {
            "force_reply": True,
            "selective": True,
            "input_field_placeholder": hint,
        }
        return NewMessage(
            report.staff_chat_id,
            "sendMessage",
            payload,
            ref=ask_ref(report.id, action, version),
        )

    def resident_unreachable(self, report: Report) -> NewMessage:
        assert report.staff_chat_id is not None
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = _(
                "⚠️ The resident of report № {number} has blocked the bot: messages do not "
                "reach them."
            ).format(number=report.id)
        return NewMessage(
            report.staff_chat_id,
            "sendMessage",
            self._to_staff(report, {"text": text}),
            ref=Ref.report(report.id, "unreachable"),
        )

    def console_wrote(self, report: Report, officer: str, text: str) -> NewMessage | None:
        """What an officer wrote to the resident from the console, under the report's post
        (in the group, the officer's own message is there already)."""
        if report.staff_chat_id is None:
            return None
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            header = _("💬 {officer} wrote to the resident of report № {number} (console):").format(
                officer=escape(officer), number=report.id
            )
        return NewMessage(
            report.staff_chat_id,
            "sendMessage",
            self._to_staff(report, {"text": f"{header}\n{escape(text)}"}),
            ref=Ref.report(report.id, "console"),
        )

    def remind_untaken(
        self, report: Report, minutes: int, chat_id: int | None = None
    ) -> NewMessage | None:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = ngettext(
                "⏰ Report № {number} has waited {minutes} minute: nobody has taken it.",
                "⏰ Report № {number} has waited {minutes} minutes: nobody has taken it.",
                minutes,
            ).format(number=report.id, minutes=minutes)
        return self._staff_message(report, text, Ref.report(report.id, "remind"), chat_id)

    def overdue(self, report: Report) -> NewMessage | None:
        """Under the post, the day after the answer's term ended."""
        assert report.due_on is not None
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            if report.status is Status.REFERRED and report.referred_to:
                text = self._body_late(report)
                ref = Ref.report(report.id, "overdue", report.extensions)
                return self._staff_message(report, text, ref)
            text = _(
                "⏰ Report № {number} is overdue: the answer was due by {date}. Answer the "
                "resident, or extend the term with a reason: /extend {number} DD.MM.YYYY reason"
            ).format(number=report.id, date=self.day(report.due_on, self.staff_locale))
        return self._staff_message(
            report, text, Ref.report(report.id, "overdue", report.extensions)
        )

    def _body_late(self, report: Report) -> str:
        assert report.due_on is not None
        return _(
            "⏰ {body} has not answered report № {number}: the answer was due by {date}. "
            "They are reminded in their chat; take the report back if it stalls."
        ).format(
            body=escape(self.body_name(report.referred_to or "", self.staff_locale)),
            number=report.id,
            date=self.day(report.due_on, self.staff_locale),
        )

    def refer_due(self, report: Report, body: str, refer_by: date) -> NewMessage | None:
        """Under the post: a report of a kind usually an outside body's, not passed on in the
        term the law gives for it."""
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = _(
                "⏰ Report № {number} is usually a matter for {body}, and the term to pass such "
                "an appeal on ended on {date}. Refer it now, or keep it if it is police work."
            ).format(
                number=report.id,
                body=escape(self.body_name(body, self.staff_locale)),
                date=self.day(refer_by, self.staff_locale),
            )
        return self._staff_message(report, text, Ref.report(report.id, "refer_due"))

    def overdue_escalation(self, report: Report, chat_id: int) -> NewMessage:
        """To the supervisors: a referral its body has left unanswered."""
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = self._body_late(report)
        link = post_link(report.staff_chat_id, report.staff_message_id)
        if link:
            text += f'\n<a href="{link}">№ {report.id}</a>'
        return NewMessage(
            chat_id, "sendMessage", {"text": text}, ref=Ref.report(report.id, "overdue_up")
        )

    def escalate_untaken(
        self, report: Report, minutes: int, chat_id: int, admins: list[tuple[int, str]]
    ) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = ngettext(
                "⚠️ Report № {number} has waited {minutes} minute and nobody has taken it. "
                "Please assign it.",
                "⚠️ Report № {number} has waited {minutes} minutes and nobody has taken it. "
                "Please assign it.",
                minutes,
            ).format(number=report.id, minutes=minutes)
        link = post_link(report.staff_chat_id, report.staff_message_id)
        if link and chat_id != report.staff_chat_id:
            text += f'\n<a href="{link}">№ {report.id}</a>'
        if admins:
            text += "\n" + " ".join(
                f'<a href="tg://user?id={user_id}">{escape(name[:40])}</a>'
                for user_id, name in admins[:10]
            )
        ref = Ref.report(report.id, "escalate")
        if chat_id == report.staff_chat_id:
            message = self._staff_message(report, text, ref)
            assert message is not None
            return message
        return NewMessage(chat_id, "sendMessage", {"text": text}, ref=ref)

    def remind_unresolved(
        self, report: Report, officer_id: int, officer: str, hours: int
    ) -> NewMessage | None:
        mention = f'<a href="tg://user?id={officer_id}">{escape(officer[:40])}</a>'
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = ngettext(
                "⏰ {officer}, report № {number} has been yours for {hours} hour and is not "
                "resolved yet.",
                "⏰ {officer}, report № {number} has been yours for {hours} hours and is not "
                "resolved yet.",
                hours,
            ).format(officer=mention, number=report.id, hours=hours)
        return self._staff_message(report, text, Ref.report(report.id, "unresolved"))

    def not_solved(self, report: Report, comment: str | None) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = _(
                "❗ The resident says report № {number} is not solved: it is open again."
            ).format(number=report.id)
        message = self._staff_message(report, text, Ref.report(report.id, "not_solved"))
        assert message is not None
        return message

    def survey_comment(self, report: Report, comment: str) -> NewMessage | None:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = _("💬 The resident's comment on report № {number}: {comment}").format(
                number=report.id, comment=escape(comment)
            )
        return self._staff_message(report, text, Ref.report(report.id, "survey_comment"))
