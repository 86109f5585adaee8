"""Community surveys without Telegram: the staff's form (a language missing anywhere is refused),
targeting by precinct (only followers with surveys on, consent, reachable; once each), one
answer per resident, changing it, the end time closing the survey (and what was not sent yet),
no sending at night, results per area."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain.community import (
    OTHER,
    CommunitySurvey,
    Option,
    SurveyDraft,
    SurveyRecipient,
    SurveyStatus,
    fold_small,
    parse_form,
    tally,
)
from bot.domain.outbox import NewMessage
from bot.domain.refs import Ref
from bot.services.community import Answer, CommunitySurveyService, Results
from bot.services.followups import FollowUps
from bot.services.outbox import Outbox
from bot.services.subscriptions import SubscriptionService
from bot.services.users import UserService
from bot.storage.db import Database
from tests.conftest import FixedClock

ZONE = ZoneInfo("Asia/Almaty")
STAFF = -1001
PRECINCTS = {"zhd-vokzal", "mzhk", "yubileyny", "koksay-1"}
# 21.11.2026 11:30 in Almaty (the FixedClock's moment)
FORM = """to: zhd-vokzal, mzhk
until: 22.11.2026 18:00
kk: Кешке аулада жарық жеткілікті ме?
ru: Достаточно ли вечером света во дворе?
- Иә | Да
2) Жоқ | Нет"""


def parse(text: str, now: datetime | None = None) -> Any:
    return parse_form(text, now or datetime(2026, 11, 21, 6, 30, tzinfo=UTC), ZONE, PRECINCTS)


def test_the_form_gives_a_draft_in_both_languages() -> None:
    result = parse(FORM)
    assert result.problems == []
    draft = result.draft
    assert draft is not None
    assert draft.targets == ("zhd-vokzal", "mzhk")
    assert draft.options == (Option("Иә", "Да"), Option("Жоқ", "Нет"))
    assert draft.ends_at == datetime(2026, 11, 22, 13, 0, tzinfo=UTC), "local time, Almaty"
    assert draft.question("kk").startswith("Кешке") and draft.question("ru").startswith("Дост")
    everyone = parse(FORM.replace("to: zhd-vokzal, mzhk", "кімге: барлығы"))
    assert everyone.draft is not None and everyone.draft.targets == ()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("kk: Кешке аулада жарық жеткілікті ме?\n", ""), ("question_language", "kk")),
        (("ru: Достаточно ли вечером света во дворе?", "ru:  "), ("question_language", "ru")),
        (("2) Жоқ | Нет", "2) Жоқ"), ("option_language", "2")),
        (("- Иә | Да", "- | Да"), ("option_language", "1")),
        (("2) Жоқ | Нет", ""), ("options", "1")),
        (("2) Жоқ | Нет", "- Иә | Да"), ("option_twice", "2")),
        (("to: zhd-vokzal, mzhk\n", ""), ("missing", "to")),
        (("mzhk", "nowhere"), ("precinct", "nowhere")),
        (("22.11.2026 18:00", "22.11.2026"), ("until", "22.11.2026")),
        (("22.11.2026 18:00", "21.11.2026 12:00"), ("too_soon", "1")),
        (("22.11.2026 18:00", "01.01.2027 18:00"), ("too_far", "30")),
        (("- Иә | Да", "- " + "ы" * 61 + " | Да"), ("option_long", "1")),
        (("2) Жоқ | Нет", "2) Жоқ | Нет\nwhatever"), ("line", "whatever")),
    ],
)
def test_a_form_with_a_problem_is_refused(
    change: tuple[str, str], problem: tuple[str, str]
) -> None:
    result = parse(FORM.replace(*change))
    assert result.draft is None
    assert problem in result.problems


def test_eleven_options_are_too_many() -> None:
    lines = "\n".join(f"- Нұсқа {n} | Вариант {n}" for n in range(11))
    result = parse(FORM.replace("- Иә | Да\n2) Жоқ | Нет", lines))
    assert ("options", "11") in result.problems


def test_tally_counts_per_area_and_shares() -> None:
    total, areas = tally(2, {"zhd-vokzal": 3, "mzhk": 1}, [("zhd-vokzal", 1, 2), ("mzhk", 0, 1)])
    assert total.counts == (1, 2) and total.recipients == 4 and total.answered == 3
    assert [(a.precinct_id, a.counts) for a in areas] == [("zhd-vokzal", (0, 2)), ("mzhk", (1, 0))]
    assert round(total.share(1), 1) == 66.7
    empty, _ = tally(2, {"mzhk": 5}, [])
    assert empty.share(0) == 0.0


class Renderer:
    def survey_message(self, survey: CommunitySurvey, recipient: SurveyRecipient) -> NewMessage:
        return NewMessage(
            recipient.user_id,
            "sendMessage",
            {"text": f"{survey.id} {recipient.language} {recipient.precinct_id}"},
            ref=Ref.csurvey(survey.id),
            priority=1,
        )

    def results_posts(self, results: Results, chat_id: int) -> list[NewMessage]:
        counts = ",".join(str(c) for c in results.total.counts)
        return [
            NewMessage(
                chat_id,
                "sendMessage",
                {"text": f"results {counts} final={results.final}"},
                ref=Ref.csurvey(results.survey.id, "results", 0),
            )
        ]


async def world(
    db: Database, clock: FixedClock, quiet: tuple[time, time] | None = None
) -> tuple[CommunitySurveyService, FollowUps, SubscriptionService, UserService]:
    async def staff() -> int:
        return STAFF

    outbox = Outbox(clock)
    followups = FollowUps(db, clock)
    service = CommunitySurveyService(db, outbox, clock, followups, Renderer(), staff, ZONE, quiet)
    subscriptions = SubscriptionService(db, outbox, clock, None)  # type: ignore[arg-type]
    return service, followups, subscriptions, UserService(db, clock, "kk")


async def resident(
    users: UserService,
    subscriptions: SubscriptionService,
    user_id: int,
    language: str,
    *areas: str,
    consent: bool = True,
) -> None:
    await users.seen(user_id, language)
    if consent:
        await users.give_consent(user_id)
    for area in areas:
        await subscriptions.subscribe(user_id, area)


def survey_draft(
    clock: FixedClock, targets: tuple[str, ...] = ("zhd-vokzal", "mzhk")
) -> SurveyDraft:
    return SurveyDraft(
        "Сұрақ?", "Вопрос?", (Option("Иә", "Да"), Option("Жоқ", "Нет")), targets,
        clock.now + timedelta(hours=6),
    )  # fmt: skip


async def sent_survey(
    service: CommunitySurveyService, followups: FollowUps, clock: FixedClock, **kw: Any
) -> int:
    survey, _ = await service.draft(survey_draft(clock, **kw), STAFF, 1, "Officer")
    assert await service.send(survey.id, 1, "Officer") == "sent"
    await followups.run_due()
    return survey.id


async def messages(db: Database, ref: str) -> list[tuple[int, str]]:
    async with db.read() as conn:
        rows = await (
            await conn.execute(
                "SELECT chat_id, payload FROM outbox WHERE ref = ? AND state = 'pending'"
                " ORDER BY chat_id",
                (ref,),
            )
        ).fetchall()
    return [(r[0], r[1]) for r in rows]


async def test_a_survey_goes_only_to_followers_of_the_targeted_precincts(
    db: Database, clock: FixedClock
) -> None:
    service, followups, subs, users = await world(db, clock)
    await resident(users, subs, 11, "kk", "zhd-vokzal")
    await resident(users, subs, 12, "ru", "mzhk")
    await resident(users, subs, 13, "ru", "koksay-1")  # another area
    await resident(users, subs, 14, "kk", "mzhk", "zhd-vokzal")  # two targeted areas: once
    await resident(users, subs, 15, "kk", "zhd-vokzal")  # surveys off
    (item,) = await subs.mine(15)
    await subs.switch(15, item.id, "surveys", False)
    await resident(users, subs, 16, "ru", "zhd-vokzal")  # blocked the bot
    await users.mark_unreachable(16)
    await users.seen(17, "kk")  # follows nothing
    await resident(users, subs, 19, "ru", "zhd-vokzal")  # consented to an older text
    async with db.transaction() as conn:
        await conn.execute("UPDATE users SET consent_version = '2025-01-01' WHERE id = 19")
    survey, audience = await service.draft(survey_draft(clock), STAFF, 1, "Officer")
    assert audience == 3
    assert await messages(db, f"csurvey:{survey.id}") == [], "a draft sends nothing"
    assert await service.send(survey.id, 1, "Officer") == "sent"
    await followups.run_due()
    got = await messages(db, f"csurvey:{survey.id}")
    assert [chat for chat, _ in got] == [11, 12, 14]
    assert '"1 ru mzhk"' in got[1][1] and '"1 kk mzhk"' in got[2][1], "as the area followed first"
    assert await service.send(survey.id, 1, "Officer") == "gone", "sent once"
    await followups.run_due()
    assert len(await messages(db, f"csurvey:{survey.id}")) == 3


async def test_every_follower_when_the_target_is_all(db: Database, clock: FixedClock) -> None:
    service, followups, subs, users = await world(db, clock)
    await resident(users, subs, 11, "kk", "zhd-vokzal")
    await resident(users, subs, 13, "ru", "koksay-1")
    await resident(users, subs, 18, "ru", "yubileyny", consent=False)  # no consent: never
    number = await sent_survey(service, followups, clock, targets=())
    assert [c for c, _ in await messages(db, f"csurvey:{number}")] == [11, 13]


async def test_one_answer_per_resident_and_it_can_change(db: Database, clock: FixedClock) -> None:
    service, followups, subs, users = await world(db, clock)
    await resident(users, subs, 11, "kk", "zhd-vokzal")
    await resident(users, subs, 12, "ru", "mzhk")
    await resident(users, subs, 13, "ru", "koksay-1")
    number = await sent_survey(service, followups, clock)
    assert (await service.answer(11, number, 0)).answer is Answer.STORED
    assert (await service.answer(11, number, 0)).answer is Answer.SAME
    changed = await service.answer(11, number, 1)
    assert changed.answer is Answer.CHANGED and changed.option == 1
    assert (await service.answer(12, number, 1)).answer is Answer.STORED
    assert (await service.answer(13, number, 0)).answer is Answer.NOT_YOURS, "never sent it"
    assert (await service.answer(12, number, 2)).answer is Answer.NOT_YOURS, "no such option"
    assert (await service.answer(12, number + 1, 0)).answer is Answer.NOT_YOURS
    async with db.read() as conn:
        rows = await (
            await conn.execute(
                "SELECT user_id, option, changes FROM community_survey_answers ORDER BY user_id"
            )
        ).fetchall()
    assert [tuple(r) for r in rows] == [(11, 1, 1), (12, 1, 0)]
    results = await service.results(number)
    assert results is not None and not results.final
    assert results.total.counts == (0, 2) and results.total.recipients == 2
    assert {a.precinct_id: a.counts for a in results.areas} == {
        "zhd-vokzal": (0, 1),
        "mzhk": (0, 1),
    }


async def delivered(db: Database, ref: str, *chats: int) -> None:
    """The delivery worker's part: these survey messages reached Telegram."""
    async with db.transaction() as conn:
        for chat in chats:
            await conn.execute(
                "UPDATE outbox SET state = 'done', sent_at = created_at"
                " WHERE ref = ? AND chat_id = ?",
                (ref, chat),
            )


async def table(db: Database, sql: str) -> list[tuple[Any, ...]]:
    async with db.read() as conn:
        return [tuple(r) for r in await (await conn.execute(sql)).fetchall()]


async def test_the_end_time_closes_the_survey(db: Database, clock: FixedClock) -> None:
    service, followups, subs, users = await world(db, clock)
    await resident(users, subs, 11, "kk", "zhd-vokzal")
    await resident(users, subs, 12, "ru", "mzhk")
    await resident(users, subs, 13, "ru", "mzhk")  # not reached before the end
    number = await sent_survey(service, followups, clock)
    await delivered(db, f"csurvey:{number}", 11, 12)
    await service.answer(11, number, 0)
    clock.now += timedelta(hours=6)  # the end time, before the follow-up ran
    late = await service.answer(12, number, 1)
    assert late.answer is Answer.CLOSED, "no answer after the end time, even before it runs"
    await followups.run_due()
    survey = await service.get(number)
    assert survey is not None and survey.status is SurveyStatus.CLOSED and survey.closed_by is None
    assert await messages(db, f"csurvey:{number}") == [], "what was not sent yet never is"
    posted = await messages(db, f"csurvey:{number}:results:0")
    assert posted == [(STAFF, '{"text":"results 1,0 final=True"}')]
    assert (await service.answer(11, number, 1)).answer is Answer.CLOSED
    assert await service.close(number, "Officer") is False, "closed once"
    results = await service.results(number)
    assert results is not None and results.final and results.total.counts == (1, 0)
    assert results.total.recipients == 2, "only those it reached count"
    assert {a.precinct_id: (a.recipients, a.counts) for a in results.areas} == {
        "zhd-vokzal": (1, (1, 0)),
        "mzhk": (1, (0, 0)),
    }
    # the counts stay; nothing links a person to the survey or to an answer any more
    assert await table(db, "SELECT * FROM community_survey_answers") == []
    assert await table(db, "SELECT * FROM community_survey_recipients") == []


async def test_staff_can_end_a_survey_early_and_discard_a_draft(
    db: Database, clock: FixedClock
) -> None:
    service, followups, subs, users = await world(db, clock)
    await resident(users, subs, 11, "kk", "zhd-vokzal")
    number = await sent_survey(service, followups, clock)
    assert await service.close(number, "Officer") is True
    survey = await service.get(number)
    assert survey is not None and survey.closed_by == "Officer"
    clock.now += timedelta(hours=7)
    await followups.run_due()
    assert len(await messages(db, f"csurvey:{number}:results:0")) == 1, "results posted once"
    other, _ = await service.draft(survey_draft(clock), STAFF, 1, "Officer")
    assert await service.discard(other.id) is True
    assert await service.send(other.id, 1, "Officer") == "gone"
    assert await service.results(other.id) is None


async def test_a_survey_sent_at_night_waits_for_the_morning(
    db: Database, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)  # 23:00 in Almaty
    service, followups, subs, users = await world(db, clock, quiet=(time(22), time(8)))
    await resident(users, subs, 11, "kk", "zhd-vokzal")
    options = (Option("а", "а"), Option("б", "б"))
    tomorrow = SurveyDraft("С?", "В?", options, (), clock.now + timedelta(days=1))
    survey, _ = await service.draft(tomorrow, STAFF, 1, "Officer")
    assert await service.send(survey.id, 1, "Officer") == "sent"
    await followups.run_due()
    assert await messages(db, f"csurvey:{survey.id}") == []
    clock.now = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)  # 08:00
    await followups.run_due()
    assert [c for c, _ in await messages(db, f"csurvey:{survey.id}")] == [11]


async def test_a_survey_that_would_end_before_the_morning_is_not_sent_at_night(
    db: Database, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)  # 23:00 in Almaty
    service, _, subs, users = await world(db, clock, quiet=(time(22), time(8)))
    await resident(users, subs, 11, "kk", "zhd-vokzal")
    options = (Option("а", "а"), Option("б", "б"))
    at_dawn = SurveyDraft("С?", "В?", options, (), datetime(2026, 11, 22, 3, 30, tzinfo=UTC))
    survey, _ = await service.draft(at_dawn, STAFF, 1, "Officer")  # ends 08:30
    assert await service.send(survey.id, 1, "Officer") == "night"
    draft = await service.get(survey.id)
    assert draft is not None and draft.status is SurveyStatus.DRAFT, "still a draft"


async def test_withdrawing_consent_forgets_the_answer_of_an_open_survey(
    db: Database, clock: FixedClock
) -> None:
    service, followups, subs, users = await world(db, clock)
    await resident(users, subs, 11, "kk", "zhd-vokzal")
    await resident(users, subs, 12, "ru", "mzhk")
    number = await sent_survey(service, followups, clock)
    await service.answer(11, number, 0)
    await service.answer(12, number, 1)
    assert await users.withdraw_consent(11)
    assert await table(db, "SELECT user_id FROM community_survey_answers") == [(12,)]
    assert await table(db, "SELECT user_id FROM community_survey_recipients") == [(12,)]
    assert (await service.answer(11, number, 1)).answer is Answer.NOT_YOURS


async def test_a_send_that_runs_too_late_closes_the_survey_unsent(
    db: Database, clock: FixedClock
) -> None:
    service, followups, subs, users = await world(db, clock)
    await resident(users, subs, 11, "kk", "zhd-vokzal")
    survey, _ = await service.draft(survey_draft(clock), STAFF, 1, "Officer")
    assert await service.send(survey.id, 1, "Officer") == "sent"
    clock.now += timedelta(hours=5, minutes=55)  # down until 5 minutes before the end
    await followups.run_due()
    closed = await service.get(survey.id)
    assert closed is not None and closed.status is SurveyStatus.CLOSED and closed.recipients is None
    assert await messages(db, f"csurvey:{survey.id}") == [], "nobody asked for 5 minutes"
    assert len(await messages(db, f"csurvey:{survey.id}:results:0")) == 1, "staff are told"


async def test_a_fan_out_that_would_run_into_the_night_waits_for_the_morning(
    db: Database, clock: FixedClock
) -> None:
    clock.now = datetime(2026, 11, 21, 16, 59, 50, tzinfo=UTC)  # 21:59:50 in Almaty
    service, followups, subs, users = await world(db, clock, quiet=(time(22), time(8)))
    for n in range(300):  # 12 s of messages at the survey pace: the last ones after 22:00
        await resident(users, subs, 100 + n, "kk", "zhd-vokzal")
    options = (Option("а", "а"), Option("б", "б"))
    tomorrow = SurveyDraft("С?", "В?", options, (), clock.now + timedelta(days=1))
    survey, _ = await service.draft(tomorrow, STAFF, 1, "Officer")
    assert await service.send(survey.id, 1, "Officer") == "sent"
    await followups.run_due()
    assert await messages(db, f"csurvey:{survey.id}") == []
    clock.now = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)  # 08:00
    await followups.run_due()
    assert len(await messages(db, f"csurvey:{survey.id}")) == 300


def test_small_areas_are_counted_together() -> None:
    _, areas = tally(
        2,
        {"zhd-vokzal": 10, "mzhk": 3, "koksay-1": 2},
        [("zhd-vokzal", 0, 4), ("zhd-vokzal", 1, 3), ("mzhk", 1, 2), ("koksay-1", 0, 1)],
    )
    shown, other = fold_small(areas, 5)
    assert [a.precinct_id for a in shown] == ["zhd-vokzal"]
    assert other is not None and other.precinct_id == OTHER
    assert other.recipients == 5 and other.counts == (1, 2)
    assert fold_small(areas, 1) == (areas, None)


def test_two_options_alike_in_one_language_are_refused() -> None:
    result = parse(FORM.replace("2) Жоқ | Нет", "2) Иә | Конечно"))
    assert ("option_twice", "2") in result.problems


async def test_a_big_audience_is_written_in_batches(db: Database, clock: FixedClock) -> None:
    service, followups, subs, users = await world(db, clock)
    service.batch = 2
    for n in range(5):
        await resident(users, subs, 11 + n, "kk", "zhd-vokzal")
    survey, _ = await service.draft(survey_draft(clock), STAFF, 1, "Officer")
    assert await service.send(survey.id, 1, "Officer") == "sent"
    written = []
    for _ in range(4):
        await followups.run_due()
        written.append(len(await messages(db, f"csurvey:{survey.id}")))
    assert written == [2, 4, 5, 5], "a batch per run, each resident once"
    ended = await service.get(survey.id)
    assert ended is not None and ended.recipients == 5
