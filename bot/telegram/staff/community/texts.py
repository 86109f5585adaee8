"""Following an area (subscriptions) and community surveys."""

from __future__ import annotations

from aiogram import html
from aiogram.utils.i18n import gettext as _

from bot.domain.community import SurveyStatus, SurveySummary
from bot.domain.subscriptions import LocalPriority

# --- following an area -------------------------------------------------------------------------


def subscribe_ask() -> str:
    return _(
        "Which area would you like to follow? Send its location (the button below) or write "
        "the name of the microdistrict or street area. You can then choose what I tell you: "
        "community surveys, the police's local priorities, resolved reports there."
    )


def subscribe_cancelled() -> str:
    return _("Cancelled. Nothing was changed.")


def subscribe_no_precinct() -> str:
    return _("This place is in no precinct I know. Try another point or write the area's name.")


def subscribe_not_found() -> str:
    return _("I found no such area. Write part of its name, or send its location.")


def subscribe_which() -> str:
    return _("Which one?")


def subscribed(name: str) -> str:
    return _(
        "🔔 You follow {area} now. /subscriptions shows what you follow and lets you switch "
        "each kind of message off or stop."
    ).format(area=html.quote(name))


def subscribed_already(name: str) -> str:
    return _("You already follow {area}. /subscriptions shows it.").format(area=html.quote(name))


def subscriptions_none() -> str:
    return _("You follow no area yet. /subscribe to start: nobody is messaged without asking.")


def subscription_kinds() -> dict[str, str]:
    return {
        "surveys": _("community surveys"),
        "priorities": _("local priorities"),
        "alerts": _("resolved reports nearby"),
    }


def subscription_card(name: str) -> str:
    return _("🔔 <b>{area}</b>: what I tell you (press to switch):").format(area=html.quote(name))


def subscription_stop() -> str:
    return _("🗑 Stop following this area")


def subscription_removed() -> str:
    return _("You no longer follow this area.")


def priority_line(item: LocalPriority, language: str) -> str:
    """«• 22.11.2026: issue — action» in the reader's language."""
    text = item.text(language)
    since = item.since
    shown = f"{since[8:10]}.{since[5:7]}.{since[:4]}" if len(since) == 10 else since
    return f"• {shown}: {html.quote(text)}"


def priorities_none() -> str:
    return _("No priorities are published for this area now.")


def priorities_title() -> str:
    return _("📌 <b>What the police here work on</b>:")


def priorities_usage() -> str:
    return _(
        "/priorities lists the published priorities; /priorities zhd-vokzal those of a "
        "precinct. To publish one (members): /priorities add and the precinct's code, then a "
        "line «kk: issue — action» and a line «ru: issue — action». To take one down: "
        "/priorities remove 3."
    )


def priority_published(number: int) -> str:
    return _(
        "✅ Priority #{number} published: it is on the inspector's card, and those who follow "
        "the area are told."
    ).format(number=number)


def priority_removed(number: int) -> str:
    return _("Priority #{number} taken down; those who follow the area are told.").format(
        number=number
    )


def priority_unknown() -> str:
    return _("There is no such published priority.")


def both_languages_missing(languages: str) -> str:
    return _("Write it in both languages, Kazakh and Russian; missing: {languages}.").format(
        languages=languages
    )


def subscribe_consent_needed() -> str:
    return _(
        "To tell you about an area I keep which area you follow, so I need your consent first."
    )


# --- community surveys -------------------------------------------------------------------------


def survey_form() -> str:
    return _(
        "<b>A community survey.</b> Copy this, change it and send it; you will see a draft "
        "before anything goes out:\n\n"
        "<code>/survey\n"
        "to: zhd-vokzal, mzhk\n"
        "until: 30.11.2026 18:00\n"
        "kk: Кешке аулада жарық жеткілікті ме?\n"
        "ru: Достаточно ли вечером света во дворе?\n"
        "- Иә, жеткілікті | Да, достаточно\n"
        "- Жоқ, қараңғы | Нет, темно\n"
        "- Білмеймін | Не знаю</code>\n\n"
        "«to» takes precinct codes (from /directory) or «all» for everyone who follows an "
        "area; 2 to 10 options, each «Kazakh | Russian». /survey N shows the results so far, "
        "/survey N csv gives them as a table, /survey N close ends it now."
    )


def survey_form_problems(problems: list[tuple[str, str]]) -> str:
    names = {"to": _("to"), "until": _("until")}
    lines = [_("The survey was not created:")]
    for code, detail in problems:
        value = html.quote(detail[:60])
        if code == "missing":
            line = _("the «{field}» line is missing").format(field=names.get(detail, detail))
        elif code == "question_language":
            line = _("the question in {language} is missing (a line «{language}: …»)").format(
                language=detail
            )
        elif code == "question_long":
            line = _("the question is too long: at most {count} characters").format(count=detail)
        elif code == "option_language":
            line = _("option {number} needs both languages: «Kazakh | Russian»").format(
                number=detail
            )
        elif code == "option_long":
            line = _("option {number} is too long for a button: at most 60 characters").format(
                number=detail
            )
        elif code == "option_twice":
            line = _("option {number} repeats an earlier one").format(number=detail)
        elif code == "options":
            line = _("a survey has 2 to 10 options, not {count}").format(count=detail)
        elif code == "precinct":
            line = _("there is no precinct «{value}» in the directory").format(value=value)
        elif code == "too_many_precincts":
            line = _("at most {count} precincts; write «all» for every area").format(count=detail)
        elif code == "until":
            line = _("«{value}» is not a moment; write it like 30.11.2026 18:00").format(
                value=value
            )
        elif code == "too_soon":
            line = _("a survey runs at least {hours} hour from now").format(hours=detail)
        elif code == "too_far":
            line = _("a survey runs at most {days} days").format(days=detail)
        else:
            line = _("I do not understand the line «{value}»").format(value=value)
        lines.append("• " + line)
    lines.append(_("Send /survey alone to see the form."))
    return "\n".join(lines)


def survey_not_found() -> str:
    return _("There is no sent survey with that number. /survey lists them.")


def survey_not_open() -> str:
    return _("That survey has already ended (or was never sent).")


def survey_closed_by_staff(number: int) -> str:
    return _("Survey № {number} is ended; its results follow.").format(number=number)


def survey_draft_gone() -> str:
    return _("This draft was sent or discarded already.")


def survey_draft_too_late() -> str:
    return _("Its end time is too close now: compose it again with a later «until».")


def survey_draft_night() -> str:
    return _(
        "It is night now: the survey would go out in the morning and end less than an hour "
        "later. Compose it again with a later «until»."
    )


def survey_discarded(number: int) -> str:
    return _("🗑 Draft № {number} discarded; nothing was sent.").format(number=number)


def survey_list_title() -> str:
    return _("<b>Recent surveys</b>:")


def survey_list_line(item: SurveySummary, language: str, until: str) -> str:
    question = item.question(language)
    opened = item.status is SurveyStatus.OPEN
    state = _("open until {until}").format(until=until) if opened else _("ended")
    return _("№ {number} · {state} · answered {answered} of {count} · {question}").format(
        number=item.id,
        state=state,
        answered=item.answered,
        count=item.recipients if item.recipients is not None else "—",
        question=html.quote(question[:80]),
    )


def survey_csv_caption(number: int) -> str:
    return _("Survey № {number}: answers per area and option (counts only, no names).").format(
        number=number
    )


def csurvey_thanks() -> str:
    return _("Thank you, your answer is counted.")


def csurvey_changed() -> str:
    return _("Your answer is changed.")


def csurvey_same() -> str:
    return _("This is your answer already.")


def csurvey_closed() -> str:
    return _("This survey has ended; answers are no longer taken.")
