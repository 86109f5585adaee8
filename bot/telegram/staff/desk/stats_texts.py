"""Statistics and exports for staff."""

from __future__ import annotations

from aiogram import html
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.telegram.staff.reports.texts import format_number


def stats_usage() -> str:
    return _(
        "/stats shows the last 7 days. Add a period (today, week, month, 2026-11 or "
        "01.11.2026-21.11.2026, at most 93 days) and a precinct's code if you like: "
        "/stats month zhd-vokzal."
    )


def stats_title(span: str, precinct: str | None) -> str:
    if precinct:
        return _("📊 <b>Reports, {span}, {precinct}</b>").format(
            span=span, precinct=html.quote(precinct)
        )
    return _("📊 <b>Reports, {span}</b>").format(span=span)


def stats_empty(span: str, precinct: str | None) -> str:
    if precinct:
        return _("📊 No reports in {span} in {precinct}.").format(
            span=span, precinct=html.quote(precinct)
        )
    return _("📊 No reports in {span}.").format(span=span)


def stats_total(count: int) -> str:
    return ngettext("{count} report made", "{count} reports made", count).format(
        count=format_number(count)
    )


def stats_take(amount: str) -> str:
    return _("⏱ Median time until taken: {amount}").format(amount=amount)


def stats_resolve(amount: str) -> str:
    return _("✅ Median time until resolved: {amount}").format(amount=amount)


def stats_rating(mean: str, count: int) -> str:
    return ngettext(
        "⭐ Residents' rating: {mean} of 5 ({count} answer)",
        "⭐ Residents' rating: {mean} of 5 ({count} answers)",
        count,
    ).format(mean=mean, count=format_number(count))


def stats_chart_title() -> str:
    return _("Reports per day, by category")


def stats_chart_times() -> str:
    return _("Median hours, for the reports made that day")


def stats_chart_take() -> str:
    return _("until taken")


def stats_chart_resolve() -> str:
    return _("until resolved")


def stats_chart_rating() -> str:
    return _("Residents' rating (1–5), for the reports made that day")


def export_usage() -> str:
    return _(
        "/export gives the last 7 days as CSV files; add a period like /export 2026-11 or "
        "/export 01.11.2026-21.11.2026 (at most 93 days)."
    )


def export_caption(name: str, count: int) -> str:
    if name == "reports":
        return ngettext("Reports: {count} row", "Reports: {count} rows", count).format(
            count=format_number(count)
        )
    if name == "audit":
        return ngettext(
            "Who did what (the audit): {count} row", "Who did what (the audit): {count} rows", count
        ).format(count=format_number(count))
    return ngettext(
        "Public helpers' hours: {count} row", "Public helpers' hours: {count} rows", count
    ).format(count=format_number(count))
