"""Messages a stored report causes, rendered in the reader's language (staff or resident)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_decimal

from bot.domain.categories import Category
from bot.domain.delivery import NewMessage
from bot.domain.directory import Precinct
from bot.domain.reports import OPEN, Action, Report, Status
from bot.domain.subscriptions import LocalPriority
from bot.domain.users import FORGOTTEN
from bot.i18n import N_
from bot.services.desk import Card
from bot.services.directory import DirectoryService
from bot.services.reports import ask_ref, post_ref, topic_ref
from bot.services.stats import Stats
from bot.telegram import texts
from bot.telegram.buttons import main_menu
from bot.telegram.callbacks import SEEN, StaffCb, SurveyCb

STATUS_NAMES = {
    Status.NEW: N_("new"),
    Status.TAKEN: N_("taken"),
    Status.RESOLVED: N_("resolved"),
    Status.REJECTED: N_("rejected"),
    Status.WITHDRAWN: N_("withdrawn"),
}
LANGUAGE_NAMES = {"kk": "қазақша", "ru": "русский"}
#: Telegram's limit for a forum topic's name
TOPIC_NAME_MAX = 128

#: why staff reject a report: stable codes, texts in both languages
REJECT_REASONS = {
    "noviolation": N_("not a violation"),
    "duplicate": N_("a duplicate of another report"),
    "notpolice": N_("not a matter for the police"),
    "false": N_("false or abusive report"),
}


def two_gis(latitude: float, longitude: float) -> str:
    """A 2GIS map link (the map residents and police in Kazakhstan use)."""
    return f"https://2gis.kz/geo/{longitude:.6f},{latitude:.6f}"


def post_link(chat_id: int | None, message_id: int | None) -> str | None:
    """A link to a message in a supergroup, for its members (t.me/c/…)."""
    if chat_id is None or message_id is None or not str(chat_id).startswith("-100"):
        return None
    return f"https://t.me/c/{str(chat_id)[4:]}/{message_id}"


#: the digest names this many categories and precincts (the busiest first)
DIGEST_TOP = 15

#: /mine lists this many reports (a message holds 4096 characters)
MAX_HELD_LINES = 50


def duration(seconds: float, locale: str) -> str:
    """A span of time as the reader says it (Babel): 45 min, 3 h, 2 days."""
    return format_timedelta(timedelta(seconds=seconds), threshold=1.5, locale=locale)


class TelegramReportRenderer:
    def __init__(
        self,
        i18n: I18n,
        categories: tuple[Category, ...],
        zone: ZoneInfo,
        staff_locale: str,
        answer_hours: int,
        directory: DirectoryService | None = None,
    ) -> None:
        self.i18n = i18n
        self.categories = {c.key: c for c in categories}
        self.zone = zone
        self.staff_locale = staff_locale
        self.answer_hours = answer_hours
        #: precincts and inspectors by id (the post names them, and mentions a linked one)
        self.directory = directory

    def category_label(self, key: str, locale: str) -> str:
        category = self.categories.get(key)
        return category.label(locale) if category else key

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
            ref=f"report:{report.id}:{'close' if closed else 'reopen'}",
        )

    def staff_post(
        self,
        report: Report,
        chat_id: int,
        earlier_reports: int,
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
        self, report: Report, chat_id: int, earlier_reports: int, alike: list[tuple[int, int]]
    ) -> list[NewMessage]:
        locale = self.staff_locale
        with self.i18n.context(), self.i18n.use_locale(locale):
            number = _("Report № {number}").format(number=report.id)
            messages: list[NewMessage] = []
            if len(report.media) == 1:  # an album needs 2-10 items
                item = report.media[0]
                method = "sendPhoto" if item.kind == "photo" else "sendVideo"
                payload = {item.kind: item.file_id, "caption": number}
                messages.append(NewMessage(chat_id, method, payload))
            elif report.media:
                media = [{"type": item.kind, "media": item.file_id} for item in report.media]
                media[0]["caption"] = number
                messages.append(NewMessage(chat_id, "sendMediaGroup", {"media": media}))

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
                            "callback_data": StaffCb(
                                action=f"dup{number}", report=report.id, seen="n"
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
    ) -> dict[str, object]:
        """The buttons under a staff post, for the report as it is now (staff language);
        `menu` "reject" lists the reasons, "resolve" offers a note for the resident."""

        def button(text: str, action: str) -> dict[str, str]:
            data = StaffCb(action=action, report=report.id, seen=SEEN[report.status.value])
            return {"text": text, "callback_data": data.pack()}

        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            if menu == "reject" and report.status in OPEN:
                rows = [[button(_(text), f"rj_{code}")] for code, text in REJECT_REASONS.items()]
                rows.append([button(_("✍️ Another reason (type it)"), "rj_typed")])
                rows.append([button(_("⬅️ Back"), "back")])
            elif menu == "resolve" and report.status is Status.TAKEN:
                rows = [
                    [button(_("✍️ Resolve with a note for the resident"), "rs_note")],
                    [button(_("✅ Resolve without a note"), "rs_plain")],
                    [button(_("⬅️ Back"), "back")],
                ]
            elif menu == "templates" and report.status in OPEN:
                rows = [
                    [button("📋 " + str(t["title"])[:40], f"tp{t['id']}")]
                    for t in (templates or [])[:8]
                ]
                rows.append([button(_("⬅️ Back"), "back")])
            elif report.status is Status.NEW:
                rows = [
                    [button(_("🙋 Take"), "take"), button(_("⛔ Reject"), "reject")],
                    [button(_("📋 Ready answers"), "templates")],
                ]
            elif report.status is Status.TAKEN:
                rows = [
                    [button(_("✅ Resolved"), "resolve"), button(_("⛔ Reject"), "reject")],
                    [button(_("🙋 Take"), "take"), button(_("📋 Ready answers"), "templates")],
                ]
            elif report.status in (Status.RESOLVED, Status.REJECTED):
                rows = [[button(_("🔄 Reopen"), "reopen")]]
            else:
                rows = []
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
            ref=f"report:{report.id}:edit",
        )

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
            report.reporter_id, "sendMessage", {"text": text}, ref=f"report:{report.id}:notice"
        )

    def duplicate_notice(self, report: Report, original: Report) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(report.language):
            text = _(
                "Your report № {number} is about the same thing as report № {original}, which "
                "the police are already handling, so the two are handled as one. I will tell "
                "you how it ends."
            ).format(number=report.id, original=original.id)
        return NewMessage(
            report.reporter_id, "sendMessage", {"text": text}, ref=f"report:{report.id}:notice"
        )

    def group_lost(self, user_id: int, language: str, chat_id: int) -> NewMessage:
        """To an administrator of the staff group, in private: the bot is out of the group."""
        with self.i18n.context(), self.i18n.use_locale(language):
            text = _(
                "⚠️ Sakshy has been removed from the duty unit group (or can no longer post "
                "there). Residents' reports are kept, but they cannot reach the staff. Please add "
                "the bot back to the group as an administrator."
            )
        return NewMessage(user_id, "sendMessage", {"text": text}, ref=f"ops:group_lost:{chat_id}")

    def outbox_stalled(self, user_id: int, language: str, minutes: int) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(language):
            text = _(
                "⚠️ Sakshy cannot deliver its messages: one has waited {minutes} min. What "
                "residents send is kept and goes out once Telegram is reachable; please check the "
                "server's connection and its log."
            ).format(minutes=minutes)
        return NewMessage(user_id, "sendMessage", {"text": text}, ref="ops:outbox_stalled")

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
            user_id, "sendMessage", {"text": text}, ref=f"alert:{report.id}", priority=1
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
            ref=f"priorities:{precinct_id}",
            priority=1,
        )

    def duplicate_joined(self, original: Report, duplicate: Report) -> NewMessage | None:
        """Under the original's post: another resident reported the same thing."""
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = _(
                "🔁 Report № {number} is the same thing and joined this one; its author is told "
                "how this one ends. /card {number} shows what they sent."
            ).format(number=duplicate.id)
        return self._staff_message(original, text, f"report:{original.id}:joined:{duplicate.id}")

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
            ref=f"report:{follower['duplicate_id']}:followed",
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
            ref=f"report:{report.id}:relay",
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
            report.reporter_id, "sendMessage", {"text": text}, ref=f"report:{report.id}:notice"
        )

    def recategorised(self, report: Report) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(report.language):
            text = _("The police filed your report № {number} under «{category}».").format(
                number=report.id,
                category=escape(self.category_label(report.category, report.language)),
            )
        return NewMessage(
            report.reporter_id, "sendMessage", {"text": text}, ref=f"report:{report.id}:notice"
        )

    def officer_says(
        self, report: Report, officer: tuple[str, str] | None, from_chat: int, message_id: int
    ) -> list[NewMessage]:
        """An officer's message to the resident: a header naming the report, then the message
        copied (copyMessage: any media, and never the officer's identity)."""
        with self.i18n.context(), self.i18n.use_locale(report.language):
            who = " ".join(officer) if officer else _("the duty officer")
            header = _("💬 {officer} about your report № {number}:").format(
                officer=escape(who), number=report.id
            )
        ref = f"report:{report.id}:relay"
        return [
            NewMessage(report.reporter_id, "sendMessage", {"text": header}, ref=ref),
            NewMessage(
                report.reporter_id,
                "copyMessage",
                {"from_chat_id": from_chat, "message_id": message_id},
                ref=ref,
            ),
        ]

    def _to_staff(self, report: Report, payload: dict[str, object]) -> dict[str, object]:
        """Where a message about a report goes in the staff group: its open forum topic, or
        as a reply to its post; a closed topic takes no messages, so then the group itself."""
        if report.staff_thread_id is not None:
            if report.status in OPEN or report.staff_thread_shared:
                payload["message_thread_id"] = report.staff_thread_id
            else:
                return payload
        if report.staff_message_id:
            payload["reply_parameters"] = {
                "message_id": report.staff_message_id,
                "allow_sending_without_reply": True,
            }
        return payload

    def resident_says(self, report: Report, from_chat: int, message_id: int) -> list[NewMessage]:
        """The resident's answer, into the staff group under the report post."""
        assert report.staff_chat_id is not None
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            header = _("💬 The resident about report № {number}:").format(number=report.id)
        ref = f"report:{report.id}:relay"
        copy: dict[str, object] = {"from_chat_id": from_chat, "message_id": message_id}
        if report.staff_thread_id is not None and (
            report.status in OPEN or report.staff_thread_shared
        ):
            copy["message_thread_id"] = report.staff_thread_id
        return [
            NewMessage(
                report.staff_chat_id, "sendMessage", self._to_staff(report, {"text": header}), ref
            ),
            NewMessage(report.staff_chat_id, "copyMessage", copy, ref=ref),
        ]

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
            ref=f"report:{report.id}:unreachable",
        )

    def _precinct(self, report: Report) -> Precinct | None:
        if self.directory is None or report.precinct_id is None:
            return None
        return self.directory.current.precinct(report.precinct_id)

    def _precinct_line(self, report: Report) -> str:
        """Its precinct and inspector (the linked officer mentioned by id, so Telegram tells
        them), or a flag for the duty officer to route it by hand."""
        locale = self.staff_locale
        precinct = self._precinct(report)
        if precinct is None and report.precinct_id is not None:
            # placed when it came in; the directory has changed since
            return _("🏘 {precinct} (no longer in the directory)").format(
                precinct=escape(report.precinct_id)
            )
        if precinct is None and report.latitude is None:
            # a typed address was never placed on the map: no precinct was looked for
            return _("🏘 ⚠️ Typed address, not located on a map: find its precinct by hand")
        if precinct is None:
            return _("🏘 ⚠️ Unassigned: no precinct for this place; route it by hand")
        line = f"🏘 {escape(precinct.name(locale))} ({escape(precinct.district(locale))})"
        if self.directory is not None and report.inspector_id:
            inspector = self.directory.current.inspector(report.inspector_id)
            if inspector is not None:
                name = escape(f"{inspector.rank(locale)} {inspector.full_name}")
                user_id = self.directory.linked_user(inspector.id)
                if user_id is not None:
                    name = f'<a href="tg://user?id={user_id}">{name}</a>'
                line += f" · 👮 {name}"
        return line

    def _status_line(self, report: Report, officer: str | None) -> str:
        """Status, who changed it and when (the post is edited with every change)."""
        line = _("Status: {status}").format(status=_(STATUS_NAMES[report.status]))
        if report.status is not Status.NEW:
            if officer:
                line += f" · {escape(officer)}"
            line += " · " + format_datetime(
                report.updated_at, "HH:mm", tzinfo=self.zone, locale=self.staff_locale
            )
        return line

    def staff_text(
        self, report: Report, earlier_reports: int | None, officer: str | None = None
    ) -> str:
        locale = self.staff_locale
        when = format_datetime(
            report.created_at, "d MMMM y, HH:mm", tzinfo=self.zone, locale=locale
        )
        lines = [
            "<b>{}</b> · {}".format(
                escape(_("Report № {number}").format(number=report.id)),
                escape(self.category_label(report.category, locale)),
            ),
            self._status_line(report, officer),
            f"🕒 {when}",
        ]
        if report.priority == "high":
            lines.insert(0, _("🔴 <b>Urgent</b>"))
        if report.description:
            lines.append("📝 " + escape(report.description))
        if report.latitude is not None and report.longitude is not None:
            link = two_gis(report.latitude, report.longitude)
            lines.append(
                f'📍 {report.latitude:.5f}, {report.longitude:.5f} · <a href="{link}">2GIS</a>'
            )
        elif report.address:
            lines.append(
                _("📍 {address} · ⚠️ location not verified").format(address=escape(report.address))
            )
        if report.media:
            lines.append(
                ngettext(
                    "📷 {count} photo or video above",
                    "📷 {count} photos or videos above",
                    len(report.media),
                ).format(count=len(report.media))
            )
        if report.voice_file_id:
            lines.append(_("🎙 Voice message above"))
        lines.append(self._precinct_line(report))
        if report.reporter_id == FORGOTTEN:
            lines.append(_("👤 The resident's details were erased at their request"))
        elif report.anonymous:
            # no reporter card at all: name, phone and history would point at the person
            lines.append(_("👤 Anonymous: the resident chose not to show their name"))
        else:
            who = escape(report.reporter_name or "")
            if report.reporter_username:
                who += f" @{escape(report.reporter_username)}"
            details = [f"👤 {who.strip() or '—'}"]
            details.append(LANGUAGE_NAMES.get(report.language, report.language))
            if report.phone:
                details.append(f"📞 {escape(report.phone)}")
            if earlier_reports is not None:
                details.append(
                    ngettext(
                        "{count} earlier report", "{count} earlier reports", earlier_reports
                    ).format(count=earlier_reports)
                )
            lines.append(" · ".join(details))
        return "\n".join(lines)

    # --- the staff desk ------------------------------------------------------------------------

    def card(self, card: Card) -> str:
        """/card N: the report as its post shows it, then every step: when, who, what."""
        lines = [self.staff_text(card.report, None), "", texts.card_history_title()]
        steps = [(e["at"], e.get("actor_name") or texts.actor_name(e["actor"]), e["action"],
                  e.get("note")) for e in card.history]  # fmt: skip
        steps += [(a["at"], a["actor_name"] or "—", a["action"], a["detail"]) for a in card.audit]
        for at, who, action, note in sorted(steps, key=lambda step: step[0]):
            when = format_datetime(
                datetime.fromisoformat(at),
                "d MMM, HH:mm",
                tzinfo=self.zone,
                locale=self.staff_locale,
            )
            line = f"• {when} · {escape(who)} · {escape(texts.event_name(action))}"
            if note:
                line += f" · {escape(str(note)[:300])}"
            lines.append(line)
        return "\n".join(lines)

    def stats_summary(self, stats: Stats, precinct_name: str | None, locale: str) -> str:
        """In `locale` throughout (the requester's: texts, dates and categories alike)."""
        period = stats.period
        span = format_date(period.first, "d MMM", locale=locale)
        if period.last != period.first:
            span += "–" + format_date(period.last, "d MMM y", locale=locale)
        else:
            span = format_date(period.first, "d MMM y", locale=locale)
        head = texts.stats_title(span, precinct_name)
        if stats.empty:
            return texts.stats_empty(span, precinct_name)
        lines = [head, texts.stats_total(stats.total)]
        parts = [
            f"{_(STATUS_NAMES[Status(status)])} {texts.format_number(count)}"
            for status, count in sorted(
                stats.by_status.items(), key=lambda i: list(Status).index(Status(i[0]))
            )
        ]
        lines.append(" · ".join(parts))
        for key, series in sorted(stats.per_day.items(), key=lambda i: -sum(i[1])):
            lines.append(
                f"• {escape(self.category_label(key, locale))}: {texts.format_number(sum(series))}"
            )
        if stats.take_median_min is not None:
            lines.append(texts.stats_take(texts.duration(round(stats.take_median_min))))
        if stats.resolve_median_min is not None:
            lines.append(texts.stats_resolve(texts.duration(round(stats.resolve_median_min))))
        if stats.rating_mean is not None:
            lines.append(
                texts.stats_rating(
                    format_decimal(round(stats.rating_mean, 1), locale=locale), stats.ratings
                )
            )
        return "\n".join(lines)

    def chart_labels(self, locale: str) -> dict[str, str]:
        """Category names without emoji (the chart's font has none)."""
        return {
            key: "".join(ch for ch in self.category_label(key, locale) if ord(ch) < 0x2000).strip()
            for key in self.categories
        }

    def found_list(self, rows: list[dict[str, Any]]) -> str:
        if not rows:
            return texts.find_nothing()
        lines = [texts.find_title(len(rows))]
        for row in rows:
            when = format_datetime(
                datetime.fromisoformat(row["created_at"]), "d MMM y", tzinfo=self.zone,
                locale=self.staff_locale,
            )  # fmt: skip
            lines.append(
                "• № {} · {} · {} · {}".format(
                    row["id"],
                    escape(self.category_label(row["category"], self.staff_locale)),
                    _(STATUS_NAMES[Status(row["status"])]),
                    when,
                )
            )
        return "\n".join(lines)

    # --- follow-ups ----------------------------------------------------------------------------

    def _staff_message(
        self, report: Report, text: str, ref: str, chat_id: int | None = None
    ) -> NewMessage | None:
        """Under the report's post (in its topic); before the post has arrived, to `chat_id`."""
        if report.staff_chat_id is None:
            if chat_id is None:
                return None
            return NewMessage(chat_id, "sendMessage", {"text": text}, ref=ref)
        return NewMessage(
            report.staff_chat_id, "sendMessage", self._to_staff(report, {"text": text}), ref=ref
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
        return self._staff_message(report, text, f"report:{report.id}:remind", chat_id)

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
        ref = f"report:{report.id}:escalate"
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
        return self._staff_message(report, text, f"report:{report.id}:unresolved")

    def not_solved(self, report: Report, comment: str | None) -> NewMessage:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = _(
                "❗ The resident says report № {number} is not solved: it is open again."
            ).format(number=report.id)
        message = self._staff_message(report, text, f"report:{report.id}:not_solved")
        assert message is not None
        return message

    def survey_comment(self, report: Report, comment: str) -> NewMessage | None:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            text = _("💬 The resident's comment on report № {number}: {comment}").format(
                number=report.id, comment=escape(comment)
            )
        return self._staff_message(report, text, f"report:{report.id}:survey_comment")

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
                        "callback_data": SurveyCb(step="s", report=report.id, value=value).pack(),
                    }
                    for label, value in answers
                ]
            ]
        }
        return NewMessage(
            report.reporter_id,
            "sendMessage",
            {"text": text, "reply_markup": keyboard},
            ref=f"report:{report.id}:survey",
        )

    def digest(self, day: date, figures: dict[str, Any], chat_id: int) -> NewMessage:
        """Yesterday in figures, for the staff group (one line on an empty day)."""
        locale = self.staff_locale
        with self.i18n.context(), self.i18n.use_locale(locale):
            when = format_date(day, "d MMMM y", locale=locale)
            new = len(figures["new"])
            surveys = figures["surveys"]
            answered = sum(surveys["solved"].values())
            if not new and not figures["resolved"] and not answered and not figures["open"]:
                text = _("📊 {day}: no reports, nothing open.").format(day=when)
                return NewMessage(chat_id, "sendMessage", {"text": text}, ref="digest")
            lines = [_("📊 <b>The day in figures: {day}</b>").format(day=when)]
            lines.append(
                _(
                    "New: {new} · resolved: {resolved} · rejected: {rejected} · open now: "
                    "{open}, of them overdue: {overdue}"
                ).format(
                    new=new,
                    resolved=figures["resolved"],
                    rejected=figures["rejected"],
                    open=figures["open"],
                    overdue=figures["overdue"],
                )
            )
            if figures["by_category"]:
                lines.append(
                    _("By category: {list}").format(
                        list=", ".join(
                            f"{escape(self.category_label(key, locale))} {count}"
                            for key, count in figures["by_category"].most_common(DIGEST_TOP)
                        )
                    )
                )
            if figures["by_precinct"]:
                names = []
                ranked = figures["by_precinct"].most_common()
                for precinct_id, count in ranked[:DIGEST_TOP]:
                    precinct = (
                        self.directory.current.precinct(precinct_id)
                        if self.directory and precinct_id
                        else None
                    )
                    label = precinct.name(locale) if precinct else (precinct_id or _("unassigned"))
                    names.append(f"{escape(label[:60])} {count}")
                if len(ranked) > DIGEST_TOP:  # a message holds 4096 characters
                    names.append(_("… and {count} more").format(count=len(ranked) - DIGEST_TOP))
                lines.append(_("By precinct: {list}").format(list=", ".join(names)))
            medians = []
            if figures["take_median"] is not None:
                medians.append(
                    _("median time to take: {time}").format(
                        time=duration(figures["take_median"], locale)
                    )
                )
            if figures["resolve_median"] is not None:
                medians.append(
                    _("to resolve: {time}").format(time=duration(figures["resolve_median"], locale))
                )
            if medians:
                lines.append("⏱ " + ", ".join(medians))
            if answered:
                solved = surveys["solved"]
                line = _(
                    "Surveys: {count} answered; solved {yes}, partly {partly}, not solved {no}"
                ).format(
                    count=answered,
                    yes=solved.get("yes", 0),
                    partly=solved.get("partly", 0),
                    no=solved.get("no", 0),
                )
                if surveys["rating"] is not None:
                    line += " · " + _("average rating {rating} of 5").format(
                        rating=format_decimal(surveys["rating"], "0.0", locale=locale)
                    )
                lines.append(line)
        return NewMessage(chat_id, "sendMessage", {"text": "\n".join(lines)}, ref="digest")

    def held_list(self, reports: list[Report]) -> str:
        """/mine: an officer's open reports, each with a link to its post (staff language)."""
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            if not reports:
                return _("You hold no open reports.")
            lines = [
                ngettext(
                    "<b>You hold {count} open report:</b>",
                    "<b>You hold {count} open reports:</b>",
                    len(reports),
                ).format(count=len(reports))
            ]
            for report in reports[:MAX_HELD_LINES]:
                when = format_datetime(
                    report.updated_at, "d MMM, HH:mm", tzinfo=self.zone, locale=self.staff_locale
                )
                number = f"№ {report.id}"
                link = post_link(report.staff_chat_id, report.staff_message_id)
                if link:
                    number = f'<a href="{link}">{number}</a>'
                category = escape(self.category_label(report.category, self.staff_locale))
                lines.append(f"• {number} · {category} · {when}")
            if len(reports) > MAX_HELD_LINES:
                lines.append(_("… and {count} more").format(count=len(reports) - MAX_HELD_LINES))
        return "\n".join(lines)

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
            menu = main_menu().model_dump(mode="json", exclude_none=True)
        return NewMessage(
            report.reporter_id,
            "sendMessage",
            {"text": text, "reply_markup": menu},
            ref=f"report:{report.id}:receipt",
        )
