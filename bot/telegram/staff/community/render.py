"""Community surveys on Telegram: the draft the staff check (both languages side by side), the
survey a resident gets in their language with one button per option, and the results (text
and a bar chart per area) in the staff's language."""

from __future__ import annotations

import asyncio
import logging
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from babel.dates import format_datetime
from babel.numbers import format_percent

from bot.domain.community import (
    OTHER,
    CommunitySurvey,
    SurveyRecipient,
    SurveyStatus,
    SurveySummary,
    Tally,
    fold_small,
)
from bot.domain.outbox import NewMessage, OutgoingMessage, Rejected
from bot.domain.refs import Ref, RefKind
from bot.services.community import Results
from bot.services.directory import DirectoryService
from bot.telegram import charts, texts
from bot.telegram.callbacks import CommunityCb, SurveyDraftAction, SurveyDraftCb

log = logging.getLogger(__name__)

#: the outbox row of a results chart carries this instead of a file: drawn when sent
CHART = "sakshy:survey-chart"
#: areas drawn on the chart (the text lists them all)
CHART_AREAS = 20


class TelegramCommunityRenderer:
    def __init__(
        self,
        i18n: I18n,
        staff_locale: str,
        zone: ZoneInfo,
        directory: DirectoryService,
        min_answers: int = 5,
    ) -> None:
        self.i18n = i18n
        self.staff_locale = staff_locale
        self.zone = zone
        self.directory = directory
        #: an area with fewer answers is shown only within «other areas»
        self.min_answers = min_answers

    # --- pieces (call inside a locale) ---------------------------------------------------------

    def area(self, precinct_id: str | None, locale: str) -> str:
        if precinct_id is None:
            return _("All areas")
        if precinct_id == OTHER:
            return _("Other areas")
        precinct = self.directory.current.precinct(precinct_id)
        return precinct.name(locale) if precinct else precinct_id

    def until(self, survey: CommunitySurvey | SurveySummary, locale: str) -> str:
        return format_datetime(survey.ends_at, "d MMMM y, HH:mm", tzinfo=self.zone, locale=locale)

    @staticmethod
    def question(survey: CommunitySurvey, locale: str) -> str:
        return survey.question(locale)

    @staticmethod
    def option(survey: CommunitySurvey, n: int, locale: str) -> str:
        return survey.option(n, locale)

    def percent(self, share: float, locale: str) -> str:
        return format_percent(share / 100, locale=locale)

    # --- residents -----------------------------------------------------------------------------

    def resident_view(
        self, survey: CommunitySurvey, recipient: SurveyRecipient, chosen: int | None
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        """The survey as the resident sees it now: with the chosen option marked, and without
        buttons once it has ended."""
        locale = recipient.language
        with self.i18n.context(), self.i18n.use_locale(locale):
            if recipient.precinct_id:
                head = _("📋 <b>{area}: a survey by the local police</b>").format(
                    area=escape(self.area(recipient.precinct_id, locale))
                )
            else:  # an ended survey keeps no link to whom it was sent for
                head = _("📋 <b>A survey by the local police</b>")
            lines = [
                head,
                "",
                escape(self.question(survey, locale)),
                "",
            ]
            closed = survey.status is SurveyStatus.CLOSED
            if chosen is not None:
                lines.append(
                    _("✅ Your answer: «{option}».").format(
                        option=escape(self.option(survey, chosen, locale))
                    )
                )
            if closed:
                lines.append(_("The survey has ended. Thank you for taking part."))
                return "\n".join(lines), None
            lines.append(
                _(
                    "Answers are counted without names: the police see only how many people "
                    "chose each option. You can change your answer until {until}."
                ).format(until=self.until(survey, locale))
            )
            buttons = [
                [
                    InlineKeyboardButton(
                        text=("✅ " if n == chosen else "") + self.option(survey, n, locale),
                        callback_data=CommunityCb(survey=survey.id, option=n).pack(),
                    )
                ]
                for n in range(len(survey.options))
            ]
        return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=buttons)

    def survey_message(self, survey: CommunitySurvey, recipient: SurveyRecipient) -> NewMessage:
        text, markup = self.resident_view(survey, recipient, None)
        payload: dict[str, Any] = {"text": text}
        if markup is not None:
            payload["reply_markup"] = markup.model_dump(exclude_none=True)
        return NewMessage(
            recipient.user_id, "sendMessage", payload, ref=Ref.csurvey(survey.id), priority=1
        )

    # --- staff ---------------------------------------------------------------------------------

    def targets(self, survey: CommunitySurvey, locale: str) -> str:
        if not survey.targets:
            return _("everyone who follows an area")
        return ", ".join(self.area(p, locale) for p in survey.targets)

    def preview(self, survey: CommunitySurvey, audience: int) -> tuple[str, InlineKeyboardMarkup]:
        locale = self.staff_locale
        with self.i18n.context(), self.i18n.use_locale(locale):
            lines = [
                _("📋 <b>Survey draft № {number}</b>: check both languages, then send.").format(
                    number=survey.id
                ),
                "",
                f"🇰🇿 <b>{escape(survey.question_kk)}</b>",
            ]
            lines += [f"  {n}. {escape(o.kk)}" for n, o in enumerate(survey.options, 1)]
            lines += ["", f"🇷🇺 <b>{escape(survey.question_ru)}</b>"]
            lines += [f"  {n}. {escape(o.ru)}" for n, o in enumerate(survey.options, 1)]
            lines += [
                "",
                _("To: {areas}").format(areas=escape(self.targets(survey, locale))),
                _("Until: {until}").format(until=self.until(survey, locale)),
                ngettext(
                    "It would reach {count} resident now (those who follow these areas and "
                    "have surveys on).",
                    "It would reach {count} residents now (those who follow these areas and "
                    "have surveys on).",
                    audience,
                ).format(count=texts.format_number(audience)),
            ]
            markup = InlineKeyboardMarkup(
                inline_keyboard=[
                    [
                        InlineKeyboardButton(
                            text=_("📤 Send"),
                            callback_data=SurveyDraftCb(
                                action=SurveyDraftAction.SEND, survey=survey.id
                            ).pack(),
                        ),
                        InlineKeyboardButton(
                            text=_("🗑 Discard"),
                            callback_data=SurveyDraftCb(
                                action=SurveyDraftAction.DISCARD, survey=survey.id
                            ).pack(),
                        ),
                    ]
                ]
            )
        return "\n".join(lines), markup

    def sent(self, survey: CommunitySurvey, by_name: str) -> str:
        with self.i18n.context(), self.i18n.use_locale(self.staff_locale):
            return _(
                "📤 Survey № {number} was sent by {name} to {areas}; it goes out at Telegram's "
                "pace (at night it waits for the morning). It ends {until}; /survey {number} "
                "shows the results so far."
            ).format(
                number=survey.id,
                name=escape(by_name),
                areas=escape(self.targets(survey, self.staff_locale)),
                until=self.until(survey, self.staff_locale),
            )

    def headline(self, results: Results) -> str:
        """Two or three lines: which survey, final or not, how many answered."""
        locale = self.staff_locale
        survey, total = results.survey, results.total
        with self.i18n.context(), self.i18n.use_locale(locale):
            if results.final:
                first = _("📋 <b>Survey № {number}: final results</b>")
            else:
                first = _("📋 <b>Survey № {number}: results so far</b> (it ends {until})")
            lines = [
                first.format(number=survey.id, until=self.until(survey, locale)),
                "«" + escape(self.question(survey, locale)) + "»",
            ]
            if survey.recipients is None and results.final:
                lines.append(_("It ended before it went out: nobody was asked."))
            elif survey.recipients is None:
                lines.append(_("It has not gone out yet: it waits for the end of the night."))
            else:
                lines.append(
                    ngettext(
                        "Sent to {count} resident; answered: {answered} ({share}).",
                        "Sent to {count} residents; answered: {answered} ({share}).",
                        total.recipients,
                    ).format(
                        count=texts.format_number(total.recipients),
                        answered=texts.format_number(total.answered),
                        share=self.percent(
                            100.0 * total.answered / total.recipients if total.recipients else 0,
                            locale,
                        ),
                    )
                )
        return "\n".join(lines)

    def _tally_lines(self, results: Results, tally: Tally, locale: str) -> list[str]:
        if tally.precinct_id is None:
            head = f"<b>{escape(self.area(None, locale))}</b>"
        else:
            head = _("<b>{area}</b>: answered {answered} of {count}").format(
                area=escape(self.area(tally.precinct_id, locale)),
                answered=texts.format_number(tally.answered),
                count=texts.format_number(tally.recipients),
            )
        lines = [head]
        for n in range(len(tally.counts)):
            lines.append(
                f"{n + 1}. {escape(self.option(results.survey, n, locale))}: "
                f"{texts.format_number(tally.counts[n])} ({self.percent(tally.share(n), locale)})"
            )
        return lines

    def areas(self, results: Results) -> list[Tally]:
        """The areas shown one by one (enough answers each), then «other areas» if any; none
        when there is only one area (the whole says it)."""
        if len(results.areas) < 2:
            return []
        shown, other = fold_small(results.areas, self.min_answers)
        return shown + ([other] if other is not None else [])

    def results_text(self, results: Results, detailed: bool = True) -> str:
        """In the staff's language; `detailed`: area by area (the analysts' chat gets the
        whole only)."""
        locale = self.staff_locale
        with self.i18n.context(), self.i18n.use_locale(locale):
            lines = [self.headline(results), ""]
            lines += self._tally_lines(results, results.total, locale)
            if detailed:
                for area in self.areas(results):
                    lines += ["", *self._tally_lines(results, area, locale)]
                if any(a.precinct_id == OTHER for a in self.areas(results)):
                    lines += ["", _(
                        "Areas with fewer than {count} answers are counted together, so that "
                        "nobody's answer can be told apart."
                    ).format(count=self.min_answers)]  # fmt: skip
                lines += ["", _("/survey {number} csv gives them as a table.").format(
                    number=results.survey.id
                )]  # fmt: skip
        return "\n".join(lines)

    def chart(self, results: Results, detailed: bool = True) -> bytes:
        """The bar chart (blocking: call it in a thread)."""
        locale = self.staff_locale
        with self.i18n.context(), self.i18n.use_locale(locale):
            rows = [("all", self.area(None, locale), list(results.total.counts))]
            areas = self.areas(results) if detailed else []
            if len(areas) > CHART_AREAS:  # the text lists them all
                areas = (
                    [*areas[: CHART_AREAS - 1], areas[-1]]
                    if areas[-1].precinct_id == OTHER
                    else areas[:CHART_AREAS]
                )
            rows += [
                (
                    {OTHER: "other"}.get(area.precinct_id or "", area.precinct_id or ""),
                    f"{self.area(area.precinct_id, locale)} ({area.answered}/{area.recipients})",
                    list(area.counts),
                )
                for area in areas
            ]
            options = [
                f"{n + 1}. {self.option(results.survey, n, locale)}"
                for n in range(len(results.survey.options))
            ]
            title = _("Survey № {number}").format(number=results.survey.id)
            subtitle = self.question(results.survey, locale)
        return charts.draw_shares(rows, options, title, subtitle[:120])

    def results_posts(
        self, results: Results, chat_id: int, detailed: bool = True
    ) -> list[NewMessage]:
        """At the end: the chart (drawn when it is sent) with the headline, then the text."""
        survey_id = results.survey.id
        posts = []
        if results.total.answered:
            posts.append(
                NewMessage(
                    chat_id,
                    "sendPhoto",
                    {"photo": CHART, "caption": self.headline(results), "detailed": detailed},
                    ref=Ref.csurvey(survey_id, "chart"),
                )
            )
        for n, part in enumerate(texts.chunks(self.results_text(results, detailed))):
            posts.append(
                NewMessage(
                    chat_id, "sendMessage", {"text": part}, ref=Ref.csurvey(survey_id, "results", n)
                )
            )
        return posts

    async def prepare(
        self, message: OutgoingMessage, payload: dict[str, Any], results: Results | None
    ) -> dict[str, Any]:
        """A results chart row: the PNG is drawn now, from the counts kept in the database. A
        chart that cannot be drawn is refused for good (logged): it must not hold up every
        later message to the group, and the results text follows it anyway."""
        if results is None:
            raise Rejected("the survey of this chart is gone")
        detailed = bool(payload.get("detailed", True))
        try:
            png = await asyncio.to_thread(self.chart, results, detailed)
        except Exception as exc:
            log.exception("survey %s: the results chart cannot be drawn", results.survey.id)
            raise Rejected(f"chart not drawn: {exc!r}") from exc
        rest = {k: v for k, v in payload.items() if k != "detailed"}
        return {**rest, "photo": BufferedInputFile(png, f"survey_{results.survey.id}.png")}

    @staticmethod
    def chart_survey(message: OutgoingMessage) -> int | None:
        """The survey a results chart row is for, or None for any other row."""
        ref = message.ref
        if message.payload.get("photo") != CHART or ref is None or ref.kind is not RefKind.CSURVEY:
            return None
        return ref.id if ref.id is not None and ref.id >= 0 else None
