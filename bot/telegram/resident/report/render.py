"""Messages for residents: what happens to their report, the officer's answers,
the satisfaction survey, and notices about an area they follow."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.outbox import NewMessage
from bot.domain.refs import Ref, RefKind
from bot.domain.reports import OPEN, Action, Report, Status
from bot.domain.subscriptions import LocalPriority
from bot.services.reports.ports import Relayed, relay_ref
from bot.telegram import texts
from bot.telegram.buttons import main_menu
from bot.telegram.callbacks import SurveyCb, SurveyStep
from bot.telegram.common.render import (
    REJECT_REASONS,
    STATUS_NAMES,
    RendererBase,
    relay_messages,
)


class ResidentNotices(RendererBase):
    def resident_notice(
        self,
        report: Report,
        action: Action,
        officer: tuple[str, str] | None,
        reason: str | None,
        note: str | None = None,
    ) -> NewMessage | None:
        with self.i18n.context(), self.i18n.use_locale(report.language):
            who = " ".join(officer) if officer else _("a duty officer")
            if action is Action.TAKE:
                text = _("Your report № {number} has been taken by {officer}.").format(
                    number=report.id, officer=escape(who)
                )
            elif action is Action.RESOLVE:
                text = _(
                    "Your report № {number} is resolved. Thank you for helping keep order."
                ).format(number=report.id)
                if note:
                    text += f"\n\n💬 {escape(who)}: {escape(note)}"
            elif action is Action.REJECT:
                if note:
                    why = f"<i>{escape(note)}</i>"
                elif reason in REJECT_REASONS:
                    why = _(REJECT_REASONS[reason])
                else:
                    why = "—"
                text = _("Your report № {number} was rejected: {reason}.").format(
                    number=report.id, reason=why
                )
            elif action is Action.REOPEN:
                text = _("Your report № {number} has been reopened and is handled again.").format(
                    number=report.id
                )
            else:
                return None
        return NewMessage(
            report.reporter_id, "sendMessage", {"text": text}, ref=Ref.report(report.id, "notice")
        )

    def duplicate_notice(self, report: Report, original: Report) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(report.language):
            text = _(
                "Your report № {number} is about the same thing as report № {original}, which "
                "the police are already handling, so the two are handled as one. I will tell "
                "you how it ends."
            ).format(number=report.id, original=original.id)
        return NewMessage(
            report.reporter_id, "sendMessage", {"text": text}, ref=Ref.report(report.id, "notice")
        )

    def group_lost(self, user_id: int, language: str, chat_id: int) -> NewMessage:
        """To an administrator of the staff group, in private: the bot is out of the group."""
        with self.i18n.context(), self.i18n.use_locale(language):
            text = _(
                "⚠️ Sakshy has been removed from the duty unit group (or can no longer post "
                "there). Residents' reports are kept, but they cannot reach the staff. Please add "
                "the bot back to the group as an administrator."
            )
        return NewMessage(
            user_id, "sendMessage", {"text": text}, ref=Ref.ops("group_lost", chat_id)
        )

    def outbox_stalled(self, user_id: int, language: str, minutes: int) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(language):
            text = _(
                "⚠️ Sakshy cannot deliver its messages: one has waited {minutes} min. What "
                "residents send is kept and goes out once Telegram is reachable; please check the "
                "server's connection and its log."
            ).format(minutes=minutes)
        return NewMessage(user_id, "sendMessage", {"text": text}, ref=Ref.ops("outbox_stalled"))

    def area_alert(self, report: Report, user_id: int, language: str) -> NewMessage:
        """To a resident who follows the area: what kind of problem, where, and that it is
        resolved; nothing about who reported it."""
        with self.i18n.context(), self.i18n.use_locale(language):
            precinct = self._precinct(report)
            where = precinct.name(language) if precinct else "—"
            text = _(
                "🔔 {area}: a report about «{category}» has been resolved by the police. "
                "/subscriptions changes what I tell you."
            ).format(
                area=escape(where), category=escape(self.category_label(report.category, language))
            )
        return NewMessage(
            user_id, "sendMessage", {"text": text}, ref=Ref.alert(report.id), priority=1
        )

    def priorities_changed(
        self, precinct_id: str, items: list[LocalPriority], user_id: int, language: str
    ) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(language):
            precinct = self.directory.current.precinct(precinct_id) if self.directory else None
            area = precinct.name(language) if precinct else precinct_id
            lines = [_("📌 {area}: the police's local priorities have changed.").format(
                area=escape(area)
            )]  # fmt: skip
            lines += [texts.priority_line(item, language) for item in items] or [
                texts.priorities_none()
            ]
        return NewMessage(
            user_id,
            "sendMessage",
            {"text": texts.whole_lines(lines)},
            ref=Ref(RefKind.PRIORITIES, part=precinct_id),
            priority=1,
        )

    def original_closed(self, original: Report, follower: dict[str, Any]) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(follower["language"]):
            if original.status is Status.RESOLVED:
                text = _(
                    "Report № {original}, which your report № {number} joined, is resolved. "
                    "Thank you for helping keep order."
                )
            elif original.status is Status.WITHDRAWN:
                text = _(
                    "Report № {original}, which your report № {number} joined, was withdrawn "
                    "by its author. If the problem is still there, please report it again."
                )
            else:
                text = _("Report № {original}, which your report № {number} joined, was closed.")
            text = text.format(original=original.id, number=follower["duplicate_id"])
        return NewMessage(
            follower["user_id"],
            "sendMessage",
            {"text": text},
            ref=Ref.report(follower["duplicate_id"], "followed"),
        )

    def watched_closed(self, report: Report, watcher: dict[str, Any]) -> NewMessage:
        """To a resident who followed this report instead of sending their own."""
        with self.i18n.context(), self.i18n.use_locale(watcher["language"]):
            if report.status is Status.RESOLVED:
                text = _(
                    "Report № {number}, which you followed, is resolved. Thank you for helping "
                    "keep order."
                )
            elif report.status is Status.WITHDRAWN:
                text = _(
                    "Report № {number}, which you followed, was withdrawn by its author. If the "
                    "problem is still there, please report it yourself."
                )
            else:
                text = _(
                    "Report № {number}, which you followed, was closed without being resolved. "
                    "If the problem is still there, please report it yourself."
                )
        return NewMessage(
            watcher["user_id"],
            "sendMessage",
            {"text": text.format(number=report.id)},
            ref=Ref.report(report.id, "watched", watcher["user_id"]),
        )

    def template_says(
        self, report: Report, officer: tuple[str, str] | None, text: str
    ) -> NewMessage:
        """A ready answer, signed like an officer's own message (the resident can reply)."""
        with self.i18n.context(), self.i18n.use_locale(report.language):
            who = " ".join(officer) if officer else _("the duty officer")
            header = _("💬 {officer} about your report № {number}:").format(
                officer=escape(who), number=report.id
            )
        return NewMessage(
            report.reporter_id,
            "sendMessage",
            {"text": f"{header}\n{escape(text)}"},
            ref=Ref.report(report.id, "relay"),
        )

    def relocated(self, report: Report) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(report.language):
            precinct = self._precinct(report)
            if precinct is not None:
                text = _(
                    "The police corrected where your report № {number} is: it is handled in "
                    "{precinct}."
                ).format(number=report.id, precinct=escape(precinct.name(report.language)))
            else:
                text = _("The police corrected where your report № {number} is.").format(
                    number=report.id
                )
        return NewMessage(
            report.reporter_id, "sendMessage", {"text": text}, ref=Ref.report(report.id, "notice")
        )

    def relay_failed(self, report: Report, message_id: int) -> NewMessage:
        """Telegram will never take the resident's message to the staff (`message_id`, in
        their chat): they are told under it, instead of waiting for a 👌 that never comes."""
        with self.i18n.context(), self.i18n.use_locale(report.language):
            text = _(
                "❗ This did not reach the duty officer of report № {number}. Send it again a "
                "little later. In an emergency call 102 or 112."
            ).format(number=report.id)
        payload = {
            "text": text,
            "reply_parameters": {"message_id": message_id, "allow_sending_without_reply": True},
        }
        return NewMessage(
            report.reporter_id, "sendMessage", payload, ref=Ref.report(report.id, "notice")
        )

    def recategorised(self, report: Report) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(report.language):
            text = _("The police filed your report № {number} under «{category}».").format(
                number=report.id,
                category=escape(self.category_label(report.category, report.language)),
            )
        return NewMessage(
            report.reporter_id, "sendMessage", {"text": text}, ref=Ref.report(report.id, "notice")
        )

    def claimed(self, report: Report) -> NewMessage:
        """A caller claimed, in Telegram, the report an officer took from them."""
        with self.i18n.context(), self.i18n.use_locale(report.language):
            text = _(
                "Report № {number}, which the police took from you by phone or in person, is now "
                "linked to you: its updates will come to this chat."
            ).format(number=report.id)
            text += "\n" + _("Status: {status}").format(status=_(STATUS_NAMES[report.status]))
            menu = main_menu().model_dump(mode="json", exclude_none=True)
        return NewMessage(
            report.reporter_id,
            "sendMessage",
            {"text": text, "reply_markup": menu},
            ref=Ref.report(report.id, "claimed"),
        )

    def extended(self, report: Report, reason: str) -> NewMessage:
        """The resident hears that the answer will take longer, why, and until when."""
        assert report.due_on is not None
        with self.i18n.context(), self.i18n.use_locale(report.language):
            text = _(
                "The police need more time to answer your report № {number}: the answer is "
                "now due by {date}.\nReason: {reason}"
            ).format(
                number=report.id,
                date=self.day(report.due_on, report.language),
                reason=f"<i>{escape(reason)}</i>",
            )
        return NewMessage(
            report.reporter_id,
            "sendMessage",
            {"text": text},
            ref=Ref.report(report.id, "extended", report.extensions),
        )

    def resident_term(self, report: Report, locale: str) -> str | None:
        """/myreports: when the answer is due (for an open report)."""
        if report.due_on is None or report.status not in OPEN:
            return None
        due = self.day(report.due_on, locale)
        if report.status is Status.REFERRED and report.referred_to:
            body = escape(self.body_name(report.referred_to, locale))
            return _("↪️ Handled by: {body}; answer due: {date}").format(body=body, date=due)
        if self.is_overdue(report):
            return _("📅 Answer due: {date} (overdue)").format(date=due)
        if report.extensions:
            return _("📅 Answer due: {date} (extended)").format(date=due)
        return _("📅 Answer due: {date}").format(date=due)

    def officer_says(
        self, report: Report, officer: tuple[str, str] | None, said: Relayed
    ) -> list[NewMessage]:
        """An officer's message to the resident under a header naming the report: its text
        written anew, or its media copied (copyMessage: never the officer's account)."""
        with self.i18n.context(), self.i18n.use_locale(report.language):
            who = " ".join(officer) if officer else _("the duty officer")
            header = _("💬 {officer} about your report № {number}:").format(
                officer=escape(who), number=report.id
            )
        return relay_messages(report.reporter_id, header, said, relay_ref(report.id, said), {})

    def survey(self, report: Report) -> NewMessage:
        """The first question to the resident, in their language."""
        with self.i18n.context(), self.i18n.use_locale(report.language):
            text = _(
                "Your report № {number} was resolved. Please tell us how it went: was the "
                "problem solved?"
            ).format(number=report.id)
            answers = [
                (_("✅ Yes"), "yes"),
                (_("🟡 Partly"), "partly"),
                (_("❌ No"), "no"),
            ]
        keyboard = {
            "inline_keyboard": [
                [
                    {
                        "text": label,
                        "callback_data": SurveyCb(
                            step=SurveyStep.SOLVED, report=report.id, value=value
                        ).pack(),
                    }
                    for label, value in answers
                ]
            ]
        }
        return NewMessage(
            report.reporter_id,
            "sendMessage",
            {"text": text, "reply_markup": keyboard},
            ref=Ref.report(report.id, "survey"),
        )

    def receipt(self, report: Report) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(report.language):
            text = ngettext(
                "Your report № {number} has been received. A duty officer will review it, "
                "usually within {hours} hour. I will tell you here when it is taken and when "
                "it is resolved.",
                "Your report № {number} has been received. A duty officer will review it, "
                "usually within {hours} hours. I will tell you here when it is taken and when "
                "it is resolved.",
                self.answer_hours,
            ).format(number=report.id, hours=self.answer_hours)
            if report.due_on is not None:
                text += "\n\n" + _("📅 By law, the answer is due by {date}.").format(
                    date=self.day(report.due_on, report.language)
                )
            menu = main_menu().model_dump(mode="json", exclude_none=True)
        return NewMessage(
            report.reporter_id,
            "sendMessage",
            {"text": text, "reply_markup": menu},
            ref=Ref.report(report.id, "receipt"),
        )
