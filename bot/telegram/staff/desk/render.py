"""The staff desk: a report's card, statistics, search results, the held list and
the daily digest."""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from html import escape
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from bot.domain.deadlines import TermFigures
from bot.domain.outbox import NewMessage
from bot.domain.refs import Ref, RefKind
from bot.domain.reports import FoundReport, Report, Status
from bot.services.desk import Card
from bot.services.stats import Stats
from bot.telegram import charts, texts
from bot.telegram.common.render import (
    DIGEST_TOP,
    MAX_HELD_LINES,
    STATUS_NAMES,
    RendererBase,
    duration,
    post_link,
)


class DeskViews(RendererBase):
    # --- the staff desk ------------------------------------------------------------------------

    def card(self, card: Card) -> str:
        """/card N: the report as its post shows it, then every step: when, who, what."""
        lines = [self.staff_text(card.report, None), "", texts.card_history_title()]
        steps = [(e["at"], e.get("actor_name") or texts.actor_name(e["actor"]), e["action"],
                  e.get("note")) for e in card.history]  # fmt: skip
        number = str(card.report.id)
        steps += [(a["at"], a["actor_name"] or "—", a["action"],
                   None if a["detail"] == number else a["detail"]) for a in card.audit]  # fmt: skip
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
            terms = self.term_lines(stats.terms, locale)
            return "\n".join([texts.stats_empty(span, precinct_name), *terms])
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
        channels = self.channel_line(stats.by_channel)
        if channels:
            lines.append(channels)
        lines.extend(self.term_lines(stats.terms, locale))
        return "\n".join(lines)

    def channel_line(self, counts: dict[str, int]) -> str | None:
        """How the reports came in, when not all by Telegram (current gettext language)."""
        if not any(count for channel, count in counts.items() if channel != "telegram"):
            return None
        names = {"telegram": _("Telegram"), "phone": _("by phone"), "walkin": _("in person")}
        parts = [
            f"{names.get(channel, channel)} {count}"
            for channel, count in sorted(counts.items(), key=lambda item: -item[1])
        ]
        return _("By channel: {list}").format(list=" · ".join(parts))

    @staticmethod
    def stats_headline(summary: str) -> str:
        """The summary's first line as plain text: the chart's subtitle."""
        return html.unescape(re.sub(r"<[^>]+>", "", summary.splitlines()[0])).lstrip("📊 ")

    @staticmethod
    def stats_panels(stats: Stats) -> charts.Panels:
        """The chart's lower panels: median hours to take and to resolve, the rating (their
        words in the current language)."""

        def hours(values: list[float | None]) -> list[float | None]:
            return [round(v / 60, 2) if v is not None else None for v in values]

        return charts.Panels(
            hours(stats.take_by_day),
            hours(stats.resolve_by_day),
            [round(v, 2) if v is not None else None for v in stats.rating_by_day],
            texts.stats_chart_times(),
            texts.stats_chart_take(),
            texts.stats_chart_resolve(),
            texts.stats_chart_rating(),
        )

    def chart_labels(self, locale: str) -> dict[str, str]:
        """Category names without emoji (the chart's font has none)."""
        return {
            key: "".join(ch for ch in self.category_label(key, locale) if ord(ch) < 0x2000).strip()
            for key in self.categories
        }

    def found_list(self, rows: list[FoundReport]) -> str:
        if not rows:
            return texts.find_nothing()
        lines = [texts.find_title(len(rows))]
        for row in rows:
            when = format_datetime(
                row.created_at, "d MMM y", tzinfo=self.zone,
                locale=self.staff_locale,
            )  # fmt: skip
            category = escape(self.category_label(row.category, self.staff_locale))
            lines.append(f"• № {row.id} · {category} · {_(STATUS_NAMES[row.status])} · {when}")
        return "\n".join(lines)

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
                return NewMessage(chat_id, "sendMessage", {"text": text}, ref=Ref(RefKind.DIGEST))
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
            channels = self.channel_line(figures.get("by_channel", {}))
            if channels:
                lines.append(channels)
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
                    label = self.precinct_label(precinct_id, locale)
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
            lines.extend(self.term_lines(figures.get("terms", []), locale))
        return NewMessage(
            chat_id, "sendMessage", {"text": "\n".join(lines)}, ref=Ref(RefKind.DIGEST)
        )

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
                line = f"• {number} · {category} · {when}"
                if report.due_on is not None:
                    due = format_date(report.due_on, "d MMM", locale=self.staff_locale)
                    if self.is_overdue(report):
                        line += " · " + _("⏰ <b>overdue</b>, was due {date}").format(date=due)
                    else:
                        line += " · " + _("⏳ due {date}").format(date=due)
                lines.append(line)
            if len(reports) > MAX_HELD_LINES:
                lines.append(_("… and {count} more").format(count=len(reports) - MAX_HELD_LINES))
            late = sum(1 for report in reports if self.is_overdue(report))
            if late:
                lines.insert(
                    1,
                    ngettext(
                        "⏰ {count} of them is overdue: answer it or extend it (/extend).",
                        "⏰ {count} of them are overdue: answer them or extend them (/extend).",
                        late,
                    ).format(count=late),
                )
        return "\n".join(lines)

    def term_lines(self, terms: list[TermFigures], locale: str) -> list[str]:
        """The legal clock per precinct (in the current gettext language, `locale` for
        names and numbers): a heading and a line per precinct, the busiest first."""
        if not terms:
            return []
        lines = [_("⚖️ <b>The legal time</b> (answers given; open reports past their term)")]
        for figures in terms[:DIGEST_TOP]:
            median = (
                format_decimal(figures.median_days, "0.#", locale=locale)
                if figures.median_days is not None
                else "—"
            )
            lines.append(
                _(
                    "• {precinct}: answered {answered}, in time {in_time}, median {days} "
                    "working days · overdue now {overdue}"
                ).format(
                    precinct=escape(self.precinct_label(figures.precinct_id, locale)[:60]),
                    answered=figures.answered,
                    in_time=figures.in_time,
                    days=median,
                    overdue=figures.overdue,
                )
            )
        if len(terms) > DIGEST_TOP:
            lines.append(_("… and {count} more").format(count=len(terms) - DIGEST_TOP))
        return lines

    def precinct_label(self, precinct_id: str | None, locale: str) -> str:
        precinct = (
            self.directory.current.precinct(precinct_id) if self.directory and precinct_id else None
        )
        return precinct.name(locale) if precinct else (precinct_id or _("unassigned"))
