"""What every part of the renderer shares: the constants, the reader's
category and precinct, and a report's text as staff read it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from html import escape, unescape
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date, format_datetime, format_timedelta

from bot.domain.categories import Category
from bot.domain.deadlines import LegalClock
from bot.domain.directory import Precinct
from bot.domain.outbox import NewMessage
from bot.domain.referrals import Body
from bot.domain.refs import Ref
from bot.domain.reports import OPEN, Report, Status
from bot.domain.users import FORGOTTEN
from bot.i18n import N_
from bot.services.directory import DirectoryService
from bot.services.reports.ports import Relayed

STATUS_NAMES = {
    Status.NEW: N_("new"),
    Status.TAKEN: N_("taken"),
    Status.RESOLVED: N_("resolved"),
    Status.REJECTED: N_("rejected"),
    Status.WITHDRAWN: N_("withdrawn"),
    Status.REFERRED: N_("referred"),
}
LANGUAGE_NAMES = {"kk": "қазақша", "ru": "русский"}
#: Telegram's limit for a forum topic's name
TOPIC_NAME_MAX = 128
#: Telegram's limits for a message's text and a media caption, in characters after formatting
TEXT_MAX = 4096
CAPTION_MAX = 1024
#: what may carry a caption: the header of a relay goes into it
CAPTIONED = frozenset({"photo", "video", "animation", "audio", "document", "voice"})


def relay_messages(
    chat_id: int, header: str, said: Relayed, ref: Ref, where: dict[str, object]
) -> list[NewMessage]:
    """One message for a relay wherever it fits: the text under the header (sendMessage), or
    the media copied with the header above its caption (copyMessage); otherwise the header,
    then the copy. `header` is HTML without tags; `where` holds the thread or reply fields."""
    length = len(unescape(header)) + 1 + said.length
    body = f"{header}\n{said.html}" if said.html else header
    if said.content_type == "text" and said.html and length <= TEXT_MAX:
        return [NewMessage(chat_id, "sendMessage", {**where, "text": body}, ref=ref)]
    copy: dict[str, object] = {**where, "from_chat_id": said.chat_id, "message_id": said.message_id}
    if said.content_type in CAPTIONED and length <= CAPTION_MAX:
        return [NewMessage(chat_id, "copyMessage", {**copy, "caption": body}, ref=ref)]
    return [
        NewMessage(chat_id, "sendMessage", {**where, "text": header}, ref=ref.with_part("relay")),
        NewMessage(chat_id, "copyMessage", copy, ref=ref),
    ]


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


class RendererBase:
    def __init__(
        self,
        i18n: I18n,
        categories: tuple[Category, ...],
        zone: ZoneInfo,
        staff_locale: str,
        answer_hours: int,
        directory: DirectoryService | None = None,
        *,
        legal: LegalClock | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.i18n = i18n
        self.categories = {c.key: c for c in categories}
        self.zone = zone
        self.staff_locale = staff_locale
        self.answer_hours = answer_hours
        #: precincts and inspectors by id (the post names them, and mentions a linked one)
        self.directory = directory
        #: the legal clock (the answer's term on the post, the receipt, the lists) and "now"
        self.legal = legal
        self.clock = clock
        #: the outside bodies reports are referred to, by key (set by the composition root)
        self.bodies: Callable[[str], Body | None] = lambda key: None
        #: the console's Mini App link (CONSOLE_APP_LINK): staff posts link to their card
        self.console_link: str | None = None

    def body_name(self, key: str, locale: str) -> str:
        body = self.bodies(key)
        return body.name(locale) if body else key

    def is_overdue(self, report: Report) -> bool:
        """Open and past the last day of its answer's term (in the city's time zone)."""
        if self.legal is None or self.clock is None or report.status not in OPEN:
            return False
        return self.legal.is_overdue(report.due_on, self.clock())

    def day(self, day: date, locale: str) -> str:
        """A date as the reader writes it: 31 December 2026, 31 желтоқсан 2026 ж."""
        return format_date(day, "d MMMM y", locale=locale)

    def _term_line(self, report: Report) -> str | None:
        """The legal clock on the staff post: the due date, overdue, or how the answer kept it."""
        if report.due_on is None:
            return None  # received before the clock
        due = self.day(report.due_on, self.staff_locale)
        if report.status in OPEN:
            if self.is_overdue(report):
                return _("⏰ <b>Overdue</b> (answer due by {date})").format(date=due)
            if report.extensions:
                return _("⏳ Answer due by {date} (extended)").format(date=due)
            return _("⏳ Answer due by {date}").format(date=due)
        if report.answer_days is None:
            return None  # withdrawn by the resident: no answer was owed
        if report.late_days:
            return ngettext(
                "⚖️ Answered {late} working day late ({days} in all)",
                "⚖️ Answered {late} working days late ({days} in all)",
                report.late_days,
            ).format(late=report.late_days, days=report.answer_days)
        return ngettext(
            "⚖️ Answered in time, in {days} working day",
            "⚖️ Answered in time, in {days} working days",
            report.answer_days,
        ).format(days=report.answer_days)

    def category_label(self, key: str, locale: str) -> str:
        category = self.categories.get(key)
        return category.label(locale) if category else key

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

    def album(self, report: Report, chat_id: int, caption: str) -> list[NewMessage]:
        """The report's photos and videos: one photo or video, or an album (2-10 items)."""
        if len(report.media) == 1:
            item = report.media[0]
            method = "sendPhoto" if item.kind == "photo" else "sendVideo"
            return [NewMessage(chat_id, method, {item.kind: item.file_id, "caption": caption})]
        if not report.media:
            return []
        media = [{"type": item.kind, "media": item.file_id} for item in report.media]
        media[0]["caption"] = caption
        return [NewMessage(chat_id, "sendMediaGroup", {"media": media})]

    def what_and_where(self, report: Report, *, flag_typed: bool) -> list[str]:
        """What happened (escaped), where (a location with its 2GIS link, or the typed
        address, flagged as not verified for staff), and the photos or videos above; in the
        current gettext language."""
        lines = []
        if report.description:
            lines.append("📝 " + escape(report.description))
        if report.latitude is not None and report.longitude is not None:
            link = two_gis(report.latitude, report.longitude)
            lines.append(
                f'📍 {report.latitude:.5f}, {report.longitude:.5f} · <a href="{link}">2GIS</a>'
            )
        elif report.address and flag_typed:
            lines.append(
                _("📍 {address} · ⚠️ location not verified").format(address=escape(report.address))
            )
        elif report.address:
            lines.append("📍 " + escape(report.address))
        if report.media:
            lines.append(
                ngettext(
                    "📷 {count} photo or video above",
                    "📷 {count} photos or videos above",
                    len(report.media),
                ).format(count=len(report.media))
            )
        return lines

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
        lines += self.what_and_where(report, flag_typed=True)
        if report.voice_file_id:
            lines.append(_("🎙 Voice message above"))
        lines.append(self._precinct_line(report))
        if report.status is Status.REFERRED and report.referred_to:
            lines.append(
                _("↪️ Referred to: <b>{body}</b>").format(
                    body=escape(self.body_name(report.referred_to, locale))
                )
            )
        term = self._term_line(report)
        if term is not None:
            lines.append(term)
        if report.also_affected:
            lines.append(
                ngettext(
                    "👥 {count} more resident reported the same",
                    "👥 {count} more residents reported the same",
                    report.also_affected,
                ).format(count=report.also_affected)
            )
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
        if report.channel != "telegram":
            officer = escape(report.consent_by or "—")
            if report.channel == "walkin":
                line = _("🚶 Taken in person by {officer}; the caller agreed aloud to their data "
                         "being kept").format(officer=officer)  # fmt: skip
            else:
                line = _("☎️ Taken by phone by {officer}; the caller agreed aloud to their data "
                         "being kept").format(officer=officer)  # fmt: skip
            lines.append(line)
        return "\n".join(lines)

    # --- follow-ups ----------------------------------------------------------------------------

    def _staff_message(
        self, report: Report, text: str, ref: Ref, chat_id: int | None = None
    ) -> NewMessage | None:
        """Under the report's post (in its topic); before the post has arrived, to `chat_id`."""
        if report.staff_chat_id is None:
            if chat_id is None:
                return None
            return NewMessage(chat_id, "sendMessage", {"text": text}, ref=ref)
        return NewMessage(
            report.staff_chat_id, "sendMessage", self._to_staff(report, {"text": text}), ref=ref
        )
