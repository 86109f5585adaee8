"""The legal clock through the real bot, on a controlled clock: a report's answer is due 15
working days after it came in (weekends and Kazakhstan's public holidays skipped); the
resident sees the date on the receipt and in /myreports; the day after the term ends the post
is flagged and the staff told; an answer records how late it was; /extend moves the term with
a reason the resident reads, never past the legal maximum; /stats and the digest give the
figures per precinct, checked here against the database."""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.services.clock import WorldClock
from bot.telegram.callbacks import MyReportsCb, StaffCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import button_shown, onboard, submit_report
from tests.e2e.test_staff import staff_post

ALMATY = ZoneInfo("Asia/Almaty")
#: Wednesday 9 December 2026, 10:00 in Almaty. Fifteen working days on, past the weekends and
#: Independence Day (Wednesday 16 December), is Thursday 31 December; a count of weekdays
#: without the holiday would say 30 December, a count of calendar days 24 December.
RECEIVED = datetime(2026, 12, 9, 10, 0, tzinfo=ALMATY)

TEXTS = {
    "kk": {
        "receipt": "📅 Заң бойынша жауап мерзімі — 31 желтоқсан 2026.",
        "post due": "⏳ Жауап мерзімі: 31 желтоқсан 2026",
        "card due": "📅 Жауап мерзімі: 31 желтоқсан 2026",
        "mine due": "⏳ мерзімі 31 жел.",
        "overdue notice": "⏰ № 1000 хабарламаның мерзімі өтіп кетті: жауап мерзімі "
        "31 желтоқсан 2026 болатын.",
        "post overdue": "⏰ Мерзімі өтіп кетті (жауап мерзімі: 31 желтоқсан 2026)",
        "mine overdue": "⏰ мерзімі өтті (31 жел.)",
        "card overdue": "📅 Жауап мерзімі: 31 желтоқсан 2026 (өтіп кетті)",
        "post late": "⚖️ Жауап 1 жұмыс күнге кешікті (барлығы 16 жұмыс күні)",
    },
    "ru": {
        "receipt": "📅 По закону срок ответа — 31 декабря 2026.",
        "post due": "⏳ Срок ответа: 31 декабря 2026",
        "card due": "📅 Срок ответа: 31 декабря 2026",
        "mine due": "⏳ срок 31 дек.",
        "overdue notice": "⏰ Сообщение № 1000 просрочено: срок ответа был 31 декабря 2026.",
        "post overdue": "⏰ Просрочено (срок ответа: 31 декабря 2026)",
        "mine overdue": "⏰ просрочено, срок был 31 дек.",
        "card overdue": "📅 Срок ответа: 31 декабря 2026 (просрочен)",
        "post late": "⚖️ Ответ с опозданием на 1 рабочий день (всего 16)",
    },
}


async def plain(db_of: Any, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in await db_of(sql, *args)]


async def answer_to(tg: FakeTelegram, chat: Any, user: Any, text: str, reply_to: Any = None) -> Any:
    """`user` writes `text` in the group (in reply to `reply_to`); the bot's reply to it
    (other messages may come meanwhile: digests, notices)."""
    sent = await chat.send(user, text, reply_to=reply_to)

    def reply() -> Any:
        return next(
            (
                m
                for m in chat.messages
                if m.raw.get("reply_to_message", {}).get("message_id") == sent["message_id"]
            ),
            None,
        )

    await tg.wait_for(reply, timeout=10)
    return reply()


async def said(tg: FakeTelegram, chat: Any, start: str) -> Any:
    """The bot's message in `chat` that starts with `start` (waited for)."""

    def found() -> Any:
        return next((m for m in chat.messages if (m.text or "").startswith(start)), None)

    await tg.wait_for(found, timeout=10)
    return found()


async def report_card(tg: FakeTelegram, resident: Any, number: int) -> str:
    await resident.send("/myreports")
    listing = await resident.next_message()
    await resident.press(listing, data=MyReportsCb(action="open", value=number))
    await tg.wait_for(lambda: bool(listing.edits), timeout=5)
    return str(listing.text)


async def take(tg: FakeTelegram, officer: Any, post: Any, number: int = 1000) -> None:
    staff = tg.group(STAFF_CHAT)
    await staff.press(officer, post, data=StaffCb(action="take", report=number, seen="n"))
    await button_shown(tg, post, StaffCb(action="resolve", report=number, seen="t"), within=10)


async def resolve(tg: FakeTelegram, officer: Any, post: Any, number: int = 1000) -> None:
    staff = tg.group(STAFF_CHAT)
    await staff.press(officer, post, data=StaffCb(action="resolve", report=number, seen="t"))
    await button_shown(tg, post, StaffCb(action="rs_plain", report=number, seen="t"), within=10)
    await staff.press(officer, post, data=StaffCb(action="rs_plain", report=number, seen="t"))
    await button_shown(tg, post, StaffCb(action="reopen", report=number, seen="s"), within=10)


@pytest.mark.clock(RECEIVED)
@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_a_term_over_a_weekend_and_a_holiday_is_overdue_on_the_right_day(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, clock: WorldClock, lang: str
) -> None:
    said_in = TEXTS[lang]
    # no reminder to the officer across the weeks the clock jumps (the digests still come)
    await bot.restart(followup_tick_seconds=0.1, staff_locale=lang, remind_unresolved_hours=720)
    resident = tg.user(9801, first_name="R", language_code=lang)
    await onboard(resident, lang)
    receipt = await submit_report(resident, lang)
    assert receipt.text.endswith("\n\n" + said_in["receipt"])
    post = await staff_post(tg, bot)
    assert said_in["post due"] in post.text
    assert await plain(db_of, "SELECT due_on FROM reports") == [("2026-12-31",)]
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9890, first_name="Officer", language_code=lang)
    staff.add_member(officer)
    await take(tg, officer, post)
    await resident.next_message(timeout=10)  # taken
    assert said_in["card due"] in await report_card(tg, resident, 1000)

    # the last day of the term, five minutes before midnight in Shymkent: still in time
    clock.set(datetime(2026, 12, 31, 23, 55, tzinfo=ALMATY))
    mine = await answer_to(tg, staff, officer, "/mine")
    assert said_in["mine due"] in mine.text and "⏰" not in mine.text
    assert said_in["post overdue"] not in post.text

    # one minute into 1 January (a public holiday): overdue, flagged on the post and said
    clock.set(datetime(2027, 1, 1, 0, 1, tzinfo=ALMATY))
    notice = await said(tg, staff, "⏰")
    assert notice.text.startswith(said_in["overdue notice"])
    assert notice.raw["reply_to_message"]["message_id"] == post.message_id
    await tg.wait_for(lambda: said_in["post overdue"] in post.text, timeout=10)
    mine = await answer_to(tg, staff, officer, "/mine")
    assert said_in["mine overdue"] in mine.text
    assert said_in["card overdue"] in await report_card(tg, resident, 1000)

    # answered on Tuesday 5 January (1, 2 and 4 January are days off): one working day late
    clock.set(datetime(2027, 1, 5, 11, 0, tzinfo=ALMATY))
    await resolve(tg, officer, post)
    await resident.next_message(timeout=10)  # resolved
    await tg.wait_for(lambda: said_in["post late"] in post.text, timeout=10)
    rows = await db_of("SELECT answer_days, late_days, status FROM reports")
    assert [tuple(r) for r in rows] == [(16, 1, "resolved")]
    overdue_notices = [m for m in staff.messages if (m.text or "").startswith("⏰")]
    assert len(overdue_notices) == 1, "flagged once"


@pytest.mark.clock(RECEIVED)
@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_an_extension_with_a_reason_within_the_legal_maximum(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, clock: WorldClock, lang: str
) -> None:
    await bot.restart(followup_tick_seconds=0.1, staff_locale=lang)
    resident = tg.user(9811, first_name="R", language_code=lang)
    await onboard(resident, lang)
    await submit_report(resident, lang)
    post = await staff_post(tg, bot)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9891, first_name="Officer", language_code=lang)
    staff.add_member(officer)

    # bad input: no reason, a date too far (past 9 February: two months), a day gone
    usage = await answer_to(tg, staff, officer, "/extend 1000 +10")
    assert "/extend 1042 +10" in usage.text
    too_far = await answer_to(tg, staff, officer, "/extend 1000 10.02.2027 <b>ждём</b>")
    assert (
        too_far.text
        == {
            "kk": "Заң бойынша № 1000 хабарламаның ең кейінгі жауап мерзімі: 9 ақпан 2027.",
            "ru": "По закону срок ответа по сообщению № 1000 можно продлить не дальше чем до "
            "9 февраля 2027.",
        }[lang]
    )
    gone = await answer_to(tg, staff, officer, "/extend 1000 08.12.2026 причина")
    assert gone.text in (
        "Бұл күн өтіп кетті: кейінірек күнді жазыңыз.",
        "Этот день уже прошёл: укажите более позднюю дату.",
    )
    assert await plain(db_of, "SELECT due_on, extensions FROM reports") == [("2026-12-31", 0)]

    # ten working days more: 31 December + 10, past New Year (1, 2 and the 4th, its day off
    # moved from Saturday) and Orthodox Christmas (7 January), is Tuesday 19 January
    done = await answer_to(tg, staff, officer, "/extend 1000 +10 <b>ждём</b> ответа акимата")
    assert (
        done.text
        == {
            "kk": "⏳ № 1000 хабарлама: жаңа жауап мерзімі — 19 қаңтар 2027. "
            "Тұрғынға себебі айтылды.",
            "ru": "⏳ Сообщение № 1000: новый срок ответа — 19 января 2027. "
            "Жителю сообщили причину.",
        }[lang]
    )
    told = await resident.next_message(timeout=10)
    assert (
        told.text
        == {
            "kk": "№ 1000 хабарламаңызға жауап беру үшін полицияға көбірек уақыт керек: жаңа жауап "
            "мерзімі — 19 қаңтар 2027.\nСебебі: <b>ждём</b> ответа акимата",
            "ru": "Полиции нужно больше времени, чтобы ответить на Ваше сообщение № 1000: новый "
            "срок ответа — 19 января 2027.\nПричина: <b>ждём</b> ответа акимата",
        }[lang]
    )
    assert "<i>&lt;b&gt;ждём&lt;/b&gt; ответа акимата</i>" in told.html  # escaped, not bold
    extended = {"kk": "(ұзартылды)", "ru": "(продлён)"}[lang]
    await tg.wait_for(lambda: extended in post.text, timeout=10)
    assert await plain(db_of, "SELECT due_on, extensions FROM reports") == [("2027-01-19", 1)]
    not_later = await answer_to(tg, staff, officer, "/extend 1000 14.01.2027 причина")
    assert "19" in not_later.text and not_later.text.endswith(
        {"kk": "кейінірек күнді жазыңыз.", "ru": "укажите более позднюю дату."}[lang]
    )

    # 31 December passes without a flag: the term is 19 January now. The digest of 31
    # December, due at 08:30 on 1 January, runs after anything due at midnight
    clock.set(datetime(2027, 1, 1, 8, 31, tzinfo=ALMATY))
    await said(tg, staff, {"kk": "📊 Күн қорытындысы: 31 желтоқсан 2026",
                           "ru": "📊 Итоги дня: 31 декабря 2026"}[lang])  # fmt: skip
    flag = TEXTS[lang]["overdue notice"].split(":")[0]
    assert not any((m.text or "").startswith(flag) for m in staff.messages)
    assert {"kk": "Мерзімі өтіп кетті", "ru": "Просрочено"}[lang] not in post.text
    pending = await plain(
        db_of, "SELECT due_at FROM followups WHERE kind = 'report_overdue' AND state = 'pending'"
    )
    assert pending == [("2027-01-19T19:00:00+00:00",)]  # 20 January, 00:00 in Almaty
    history = await answer_to(tg, staff, officer, "/card 1000")
    assert "2026-12-31 → 2027-01-19: <b>ждём</b> ответа акимата" in history.text


@pytest.mark.clock(RECEIVED)
async def test_stats_and_the_digest_give_the_legal_clock_per_precinct(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, clock: WorldClock
) -> None:
    """Three reports: one answered in time, one late, one still open past its term; the
    figures per precinct are what the database says."""
    await bot.restart(followup_tick_seconds=0.1, staff_locale="ru", remind_unresolved_hours=720)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9892, first_name="Officer", language_code="ru")
    staff.add_member(officer)
    posts = []
    for n, place in enumerate([(42.3000, 69.6100), (42.3005, 69.6102), "Тұран 12"]):
        resident = tg.user(9821 + n, first_name="R", language_code="ru")
        await onboard(resident, "ru")
        await submit_report(resident, "ru", description=f"Шум {n}", address=place)
        number = 1000 + n

        async def posted(number: int = number) -> bool:
            rows = await db_of("SELECT staff_message_id FROM reports WHERE id = ?", number)
            return bool(rows and rows[0][0])

        assert await eventually(posted, timeout=10)
        message_id = (await db_of("SELECT staff_message_id FROM reports WHERE id = ?", number))[0][
            0
        ]
        posts.append(next(m for m in staff.messages if m.message_id == message_id))
    for number, post in enumerate(posts, start=1000):
        await take(tg, officer, post, number)
    clock.set(datetime(2026, 12, 10, 12, 0, tzinfo=ALMATY))
    await resolve(tg, officer, posts[0], 1000)  # in time, 1 working day
    clock.set(datetime(2027, 1, 5, 11, 0, tzinfo=ALMATY))
    await resolve(tg, officer, posts[1], 1001)  # 1 working day late

    async def answered() -> bool:
        return len(await db_of("SELECT id FROM reports WHERE answered_at IS NOT NULL")) == 2

    assert await eventually(answered, timeout=10)

    # what the database says, per precinct (an independent reading of the same rows)
    rows = await db_of("SELECT precinct_id, answer_days, late_days, status, due_on FROM reports")
    expected: dict[str | None, list[Any]] = {}
    for precinct, days, late, status, due_on in rows:
        figures = expected.setdefault(precinct, [0, 0, [], 0])
        if days is not None:
            figures[0] += 1
            figures[1] += int(late == 0)
            figures[2].append(days)
        if status in ("new", "taken") and due_on < "2027-01-05":
            figures[3] += 1
    assert bot.app is not None
    directory = bot.app.directory.current
    lines = []
    for precinct, (count, in_time, days, overdue) in expected.items():
        name = directory.precinct(precinct).name("ru") if precinct else "без участка"
        median = "—"
        if days:
            median = f"{statistics.median(days):g}".replace(".", ",")
        lines.append(
            f"• {name}: ответов {count}, в срок {in_time}, медиана в рабочих днях: {median}"
            f" · просрочено сейчас {overdue}"
        )
    assert len(lines) >= 2, "two places at least: a precinct, and a typed address"
    stats = await answer_to(tg, staff, officer, "/stats 01.12.2026-05.01.2027")
    text = stats.text or ""
    assert "Сроки по закону" in text
    for line in lines:
        assert line in text, (line, text)

    # the digest of 5 January (sent on the 6th at 08:30): the late answer and the open one
    clock.set(datetime(2027, 1, 6, 8, 31, tzinfo=ALMATY))
    digest = await said(tg, staff, "📊 Итоги дня: 5 января 2027")
    assert "Сроки по закону" in digest.text
    late = next(r for r in rows if r[2] == 1)
    precinct = late[0]
    name = directory.precinct(precinct).name("ru") if precinct else "без участка"
    assert f"• {name}: ответов 1, в срок 0, медиана в рабочих днях: 16" in digest.text, digest.text
