"""The staff desk through the real bot: /ban by a report's number (administrators only, audited,
the banned resident told politely and unable to report), /banned, /unban; /find by number,
phone or username (never an anonymous reporter); /card with the whole history."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.services.clock import WorldClock
from bot.telegram.callbacks import (
    StaffCb,
    StaffDuplicateCb,
    StaffTemplateCb,
)
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import button_shown, onboard, submit_report

ALMATY = ZoneInfo("Asia/Almaty")


async def anonymous_report(user: Any) -> None:
    await submit_report(user, "ru", description="Шум ночью", address="Тұран 14", who="anonymous")


async def test_ban_find_and_card(tg: FakeTelegram, bot: RunningBot, db_of: Any) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9601, first_name="Officer", language_code="ru")
    admin = tg.user(9602, first_name="Admin", language_code="ru")
    staff.add_member(officer)
    staff.add_member(admin, admin=True)
    named = tg.user(9603, first_name="Aliya", username="aliya_k", language_code="ru")
    hidden = tg.user(9604, first_name="Secret", username="secret_one", language_code="ru")
    await onboard(named, "ru")
    await submit_report(named, "ru")
    await onboard(hidden, "ru")
    await anonymous_report(hidden)
    await staff.next_message(timeout=10)
    await staff.next_message(timeout=10)

    # /find: by number, by username; an anonymous reporter is never found by who they are
    await staff.send(officer, "/find @aliya_k")
    found = await staff.next_message()
    assert found.text.startswith("Найдено сообщений: 1") and "№ 1000" in found.text
    await staff.send(officer, "/find @secret_one")
    assert (await staff.next_message()).text.startswith("Ничего не найдено.")
    await staff.send(officer, "/find 1001")
    card = await staff.next_message()
    assert "Сообщение № 1001" in card.text and "Анонимно" in card.text
    assert "Secret" not in card.text and "secret_one" not in card.text
    await staff.send(officer, "/find что-то")
    assert (await staff.next_message()).text.startswith("Напишите /find")

    # /ban: administrators only, by the report's number, with a reason
    await staff.send(officer, "/ban 1001 оскорбления")
    assert (await staff.next_message()).text == "Это могут делать только администраторы группы."
    await staff.send(admin, "/ban 1001")
    assert (await staff.next_message()).text.startswith("Напишите /ban")
    await staff.send(admin, "/ban 1001 оскорбления <в адрес> сотрудников")
    assert (await staff.next_message()).text == (
        "🚫 Автор сообщения № 1001 больше не может пользоваться ботом."
    )
    await staff.send(admin, "/ban 1001 ещё раз")
    assert (await staff.next_message()).text == "Автор сообщения № 1001 уже заблокирован."
    await hidden.send("/report")
    assert (await hidden.next_message()).text == (
        "Извините, этот бот не может принимать Ваши сообщения. Если Вам нужна полиция, звоните "
        "102 (в экстренной ситуации — 112)."
    )
    assert len(await db_of("SELECT id FROM reports")) == 2, "no report from a banned person"
    await staff.send(officer, "/banned")
    listing = await staff.next_message()
    assert "сообщение № 1001 · оскорбления <в адрес> сотрудников · Admin" in listing.text
    assert "Secret" not in listing.text

    # /card: the whole history, the ban in it; refusals are audited
    await staff.send(officer, "/card 1001")
    history = await staff.next_message()
    assert "История:" in history.text
    assert "Admin · автор заблокирован · оскорбления <в адрес> сотрудников" in history.text
    refused = await db_of("SELECT actor_id, detail FROM staff_audit WHERE action = 'refused'")
    assert [tuple(r) for r in refused] == [(9601, "ban")]

    await staff.send(admin, "/unban 1001")
    assert (await staff.next_message()).text == (
        "✅ Автор сообщения № 1001 снова может пользоваться ботом."
    )
    await hidden.send("/report")
    assert "Шаг 1/6. Какое это нарушение?" in (await hidden.next_message()).text
    await staff.send(officer, "/banned")
    assert (await staff.next_message()).text == "Заблокированных нет."

    # a member of the group is never banned (it would lock them out of the desk)
    staff.add_member(named)
    await staff.send(admin, "/ban № 1000 test")
    assert (await staff.next_message()).text.startswith("Автор этого сообщения состоит в группе")
    looks = await db_of("SELECT action, subject FROM staff_audit WHERE action IN ('find', 'card')")
    assert ("card", "report:1001") in [tuple(r) for r in looks], "looks at reports are recorded"


def png_series(data: bytes) -> dict[str, Any]:
    """The series a chart says it plots (its tEXt Description), after checking it is a PNG."""
    import json
    import struct
    import zlib

    assert data[:8] == b"\x89PNG\r\n\x1a\n", "a PNG"
    position, found = 8, None
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        crc = struct.unpack(">I", data[position + 8 + length : position + 12 + length])[0]
        assert zlib.crc32(kind + body) == crc, "every chunk intact"
        if kind == b"tEXt" and body.startswith(b"Description\x00"):
            found = json.loads(body.split(b"\x00", 1)[1].decode("latin-1"))
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
            assert width >= 600 and height >= 300
        position += 12 + length
    assert found is not None
    return found


async def test_stats_summary_and_a_chart_that_matches_the_database(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9611, first_name="Officer", language_code="kk")
    staff.add_member(officer)
    await staff.send(officer, "/stats")
    assert (await staff.next_message()).text.startswith("📊 ")  # nothing yet: said so
    posts = []
    for n in range(3):
        resident = tg.user(9612 + n, first_name=f"R{n}", language_code="kk")
        await onboard(resident, "kk")
        await submit_report(resident, "kk")
        posts.append(await staff.next_message(timeout=10))
    await staff.press(officer, posts[0], data=StaffCb(action="take", report=1000, seen="n"))
    assert await eventually(lambda: db_of("SELECT 1 FROM reports WHERE status = 'taken'"))

    await staff.send(officer, "/stats week")
    chart = await staff.next_message(timeout=20)
    assert chart.method == "sendPhoto"
    assert "3 хабарлама" in (chart.text or "")
    file_id = chart.raw["photo"][-1]["file_id"]
    plotted = png_series(tg.file_data(file_id) or b"")
    rows = await db_of(
        "SELECT date(created_at, '+5 hours'), category, count(*) FROM reports GROUP BY 1, 2"
    )
    expected = {(day, category): count for day, category, count in rows}
    got = {
        (day, category): count
        for category, counts in plotted["series"].items()
        for day, count in zip(plotted["days"], counts, strict=True)
        if count
    }
    assert got == expected
    assert len(plotted["days"]) == 7
    taken = await db_of(
        "SELECT date(r.created_at, '+5 hours'),"
        " round((julianday(min(e.at)) - julianday(r.created_at)) * 24, 2)"
        " FROM reports r JOIN report_events e ON e.report_id = r.id AND e.action = 'take'"
        " GROUP BY r.id"
    )
    assert {
        day: hours
        for day, hours in zip(plotted["days"], plotted["take_hours"], strict=True)
        if hours is not None
    } == {day: hours for day, hours in taken}, "the median hours to take, day by day"
    assert all(value is None for value in plotted["resolve_hours"] + plotted["rating"])

    await staff.send(officer, "/stats someday")
    assert (await staff.next_message()).text.startswith("/stats соңғы 7 күнді")
    await staff.send(officer, "/stats 2020-01")
    assert "хабарлама болған жоқ" in (await staff.next_message()).text


async def test_export_gives_csv_files_that_parse_back_to_the_database(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    import csv
    import io

    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9621, first_name="Officer", language_code="ru")
    admin = tg.user(9622, first_name="Admin", language_code="ru")
    staff.add_member(officer)
    staff.add_member(admin, admin=True)
    named = tg.user(9623, first_name="=SUM(A1)", username="sum_user", language_code="ru")
    hidden = tg.user(9624, first_name="Secret", username="secret_two", language_code="ru")
    await onboard(named, "ru")
    await submit_report(named, "ru")
    await onboard(hidden, "ru")
    await anonymous_report(hidden)
    await staff.next_message(timeout=10)
    await staff.next_message(timeout=10)

    await staff.send(officer, "/export")
    assert (await staff.next_message()).text == "Это могут делать только администраторы группы."
    await staff.send(admin, "/export week")
    assert (await staff.next_message()).text.startswith("Пока не могу написать Вам")
    await admin.send("/start")
    for _ in range(2):
        await admin.next_message()
    await staff.send(admin, "/export week")
    assert (await staff.next_message()).text.startswith("Файлы — в Вашем личном чате")
    documents = [await admin.next_message(timeout=10) for _ in range(3)]
    assert [d.method for d in documents] == ["sendDocument"] * 3
    assert documents[0].text == "Сообщения: 2 строки"
    data = tg.file_data(documents[0].raw["document"]["file_id"]) or b""
    assert data.startswith(b"\xef\xbb\xbf"), "a BOM: Excel reads Kazakh and Russian right"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    expected = await db_of("SELECT id, category, status, anonymous FROM reports ORDER BY id")
    assert [(int(r["number"]), r["category"], r["status"], r["anonymous"]) for r in rows] == [
        (n, c, s, "yes" if a else "no") for n, c, s, a in expected
    ]
    assert rows[0]["reporter_name"] == "'=SUM(A1)", "a formula is neutralised"
    assert rows[1]["reporter_name"] == rows[1]["reporter_username"] == rows[1]["phone"] == ""
    assert "Secret" not in data.decode("utf-8-sig") and "secret_two" not in data.decode("utf-8-sig")
    audit = (tg.file_data(documents[1].raw["document"]["file_id"]) or b"").decode("utf-8-sig")
    events = list(csv.DictReader(io.StringIO(audit), delimiter=";"))
    assert next(e["action"] for e in events if e["subject"] == "report:1000") == "submitted"
    assert all(e["actor_id"] == "" for e in events if e["actor"] == "resident"), "no resident ids"
    assert any(e["action"] == "refused" and e["detail"] == "export" for e in events)


async def test_a_report_handed_over_and_filed_under_another_category(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    first = tg.user(9631, first_name="Nurlan", language_code="kk")
    second = tg.user(9632, first_name="Aigul", language_code="kk")
    staff.add_member(first)
    staff.add_member(second)
    await staff.send(second, "/me капитан Тұрсынова")
    await staff.next_message()
    resident = tg.user(9633, first_name="Dana", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")
    await staff.next_message(timeout=10)

    await staff.send(first, "/category 1000 somewhere")
    assert (await staff.next_message()).text.startswith("/category командасын")
    await staff.send(first, "/category 1000 litter")
    assert "«🗑 Қоқыс тастау»" in (await staff.next_message()).text
    told = await resident.next_message(timeout=10)
    assert told.text == ("Полиция № 1000 хабарламаңызды «🗑 Қоқыс тастау» санатына жатқызды.")
    assert (await db_of("SELECT category FROM reports"))[0][0] == "litter"

    hello = await staff.send(second, "Мен осы ауданда жүрмін")
    await staff.send(first, "/assign 1000", reply_to=hello)
    assert (await staff.next_message()).text.startswith("№ 1000 хабарламамен енді Aigul айналысады")
    taken = await resident.next_message(timeout=10)
    assert taken.text == "№ 1000 хабарламаңызды капитан Тұрсынова қарауға алды."
    rows = await db_of("SELECT status, officer_id FROM reports")
    assert tuple(rows[0]) == ("taken", 9632)
    await staff.send(first, "/assign 1000 inspector")
    assert "(/me)" in (await staff.next_message()).text
    await staff.send(first, "/card 1000")
    history = (await staff.next_message()).text
    assert "Nurlan · санаты өзгертілді · noise → litter" in history
    assert "Nurlan · басқа қызметкерге берілді · Aigul" in history


async def located_report(user: Any, latitude: float, longitude: float) -> None:
    """Noise, a sentence, a shared location, no photos, named, no phone (Russian)."""
    await submit_report(user, "ru", description="Громкая музыка", address=(latitude, longitude))


async def test_a_duplicate_is_offered_linked_and_its_author_follows_the_original(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9641, first_name="Officer", language_code="ru")
    staff.add_member(officer)
    first = tg.user(9642, first_name="A", language_code="ru")
    second = tg.user(9643, first_name="B", language_code="ru")
    far = tg.user(9644, first_name="C", language_code="ru")
    for user in (first, second, far):
        await onboard(user, "ru")
    await located_report(first, 42.3000, 69.6100)
    await staff.next_message(timeout=10)  # the pin
    original = await staff.next_message(timeout=10)
    assert "бірдей болуы мүмкін" not in original.text
    await located_report(second, 42.3005, 69.6102)  # about 57 m away
    await staff.next_message(timeout=10)
    post = await staff.next_message(timeout=10)
    assert "🔁 Бірдей болуы мүмкін: № 1000 (57 м жерде)" in post.text
    assert "🔁 Бірдей: № 1000" in post.button_texts  # the staff group's language
    await located_report(far, 42.3100, 69.6100)  # more than a kilometre away
    await staff.next_message(timeout=10)
    assert "бірдей болуы мүмкін" not in (await staff.next_message(timeout=10)).text

    await staff.press(officer, post, data=StaffDuplicateCb(original=1000, report=1001, seen="n"))
    told = await second.next_message(timeout=10)
    assert told.text.startswith("Ваше сообщение № 1001 о том же, что и сообщение № 1000")
    joined = await staff.next_message(timeout=10)  # under the original: what came in
    assert joined.text.startswith("🔁 № 1001 хабарлама дәл осы мәселе туралы")
    assert joined.raw["reply_to_message"]["message_id"] == original.message_id
    query = await staff.press_stale(
        officer, StaffDuplicateCb(original=1000, report=1001, seen="n").pack(), post
    )
    assert (await officer.answer_of(query))["text"], "a second press changes nothing"
    rows = await db_of("SELECT id, status, duplicate_of FROM reports ORDER BY id")
    assert [tuple(r) for r in rows] == [
        (1000, "new", None),
        (1001, "rejected", 1000),
        (1002, "new", None),
    ]
    await staff.send(officer, "/duplicate 1001 1002")  # 1001 is closed already
    assert (await staff.next_message()).text.startswith("Сообщение № 1001 нельзя закрыть")
    await staff.send(officer, "/duplicate 1002 1001")  # the chain leads to the first
    assert (await staff.next_message()).text.startswith("Сообщение № 1002 закрыто как повтор")
    await staff.next_message(timeout=10)  # joined
    assert (await db_of("SELECT duplicate_of FROM reports WHERE id = 1002"))[0][0] == 1000
    await far.next_message(timeout=10)

    # the original is resolved: its own author and both followers are told
    await staff.press(officer, original, data=StaffCb(action="take", report=1000, seen="n"))
    await first.next_message(timeout=10)
    await button_shown(tg, original, StaffCb(action="resolve", report=1000, seen="t"), within=10)
    await staff.press(officer, original, data=StaffCb(action="resolve", report=1000, seen="t"))
    await button_shown(tg, original, StaffCb(action="rs_plain", report=1000, seen="t"), within=10)
    await staff.press(officer, original, data=StaffCb(action="rs_plain", report=1000, seen="t"))
    await first.next_message(timeout=10)
    followed = await second.next_message(timeout=10)
    assert followed.text.startswith(
        "По сообщению № 1000, к которому присоединено Ваше сообщение № 1001, вопрос решён."
    )
    assert (await far.next_message(timeout=10)).text.startswith("По сообщению № 1000, к которому")
    await staff.send(officer, "/duplicate 1002 1000")
    assert (await staff.next_message()).text.startswith("Сообщение № 1000 закрыто: объединять")
    # reopened and resolved again: the followers are not told twice
    await button_shown(tg, original, StaffCb(action="reopen", report=1000, seen="s"), within=10)
    await staff.press(officer, original, data=StaffCb(action="reopen", report=1000, seen="s"))
    await first.next_message(timeout=10)
    await button_shown(tg, original, StaffCb(action="resolve", report=1000, seen="t"), within=10)
    await staff.press(officer, original, data=StaffCb(action="resolve", report=1000, seen="t"))
    await button_shown(tg, original, StaffCb(action="rs_plain", report=1000, seen="t"), within=10)
    await staff.press(officer, original, data=StaffCb(action="rs_plain", report=1000, seen="t"))
    await first.next_message(timeout=10)
    assert second.unread() == [] and far.unread() == []


async def test_a_ready_answer_reaches_each_resident_in_their_language(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9651, first_name="Officer", language_code="ru")
    admin = tg.user(9652, first_name="Admin", language_code="ru")
    staff.add_member(officer)
    staff.add_member(admin, admin=True)
    await staff.send(admin, "/template add noise Наряд выехал\nru: Наряд уже выехал к вам.")
    assert (await staff.next_message()).text.startswith("У готового ответа должны быть оба")
    await staff.send(officer, "/template add noise X\nkk: a\nru: b")
    assert (await staff.next_message()).text == "Это могут делать только администраторы группы."
    await staff.send(
        admin,
        "/template add noise Наряд выехал\nkk: Сізге полиция жасағы шықты.\n"
        "ru: Наряд полиции\nуже выехал к вам.",
    )
    assert (await staff.next_message()).text == "✅ Готовый ответ #1 добавлен."
    await staff.send(officer, "/templates")
    assert "#1 · 🔊" in (await staff.next_message()).text

    kk_resident = tg.user(9653, first_name="Dana", language_code="kk")
    ru_resident = tg.user(9654, first_name="Boris", language_code="ru")
    await onboard(kk_resident, "kk")
    await submit_report(kk_resident, "kk")
    kk_post = await staff.next_message(timeout=10)
    await onboard(ru_resident, "ru")
    await submit_report(ru_resident, "ru")
    ru_post = await staff.next_message(timeout=10)

    for post, resident, expected in (
        (kk_post, kk_resident, "Сізге полиция жасағы шықты."),
        (ru_post, ru_resident, "Наряд полиции\nуже выехал к вам."),
    ):
        number = 1000 if resident is kk_resident else 1001
        await staff.press(officer, post, data=StaffCb(action="templates", report=number, seen="n"))
        answer = StaffTemplateCb(template=1, report=number, seen="n")
        await tg.wait_for(lambda p=post, a=answer: a.pack() in str(p.reply_markup), timeout=5)
        query = await staff.press(officer, post, data=answer)
        said = await resident.next_message(timeout=10)
        assert said.text.endswith(expected)
        # queued, not yet delivered when the officer is told: the words say so
        told = (await officer.answer_of(query))["text"]
        assert told == "⏳ Отправляется жителю на его языке."
        await tg.wait_for(lambda p=post: "st:take" in str(p.reply_markup), timeout=5)
    events = await db_of("SELECT report_id, note FROM report_events WHERE action = 'template'")
    assert [tuple(r) for r in events] == [(1000, "Наряд выехал"), (1001, "Наряд выехал")]
    await staff.send(admin, "/template remove 1")
    assert (await staff.next_message()).text == "Готовый ответ #1 удалён."
    query = await staff.press_stale(
        officer, StaffTemplateCb(template=1, report=1000, seen="n").pack(), kk_post
    )
    assert "устарела" in (await officer.answer_of(query))["text"], "a removed one is not sent"


async def test_the_analysts_chat_gets_figures_and_nothing_personal(
    tg: FakeTelegram, bot: RunningBot, db_of: Any, clock: WorldClock
) -> None:
    analysts_id = -1009777
    # the bot's world since its start: Wednesday 18.11.2026, 11:00 in Almaty
    await bot.restart(followup_tick_seconds=0.1, analysts_chat_id=analysts_id)
    analysts = tg.group(analysts_id, title="Interagency group", bot_is_admin=False)
    akimat = tg.user(9661, first_name="Akimat", language_code="ru")
    analysts.add_member(akimat)
    resident = tg.user(9662, first_name="Dana", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru")
    await tg.group(STAFF_CHAT).next_message(timeout=10)

    await analysts.send(akimat, "/find 1000")
    assert (await analysts.next_message()).text.startswith("В этот чат приходят цифры")
    await analysts.send(akimat, "/card 1000")
    assert (await analysts.next_message()).text.startswith("В этот чат приходят цифры")
    await analysts.send(akimat, "/helpers")  # every staff command, not only the desk's
    assert (await analysts.next_message()).text.startswith("В этот чат приходят цифры")
    await analysts.send(akimat, "/stats")
    chart = await analysts.next_message(timeout=20)
    assert chart.method == "sendPhoto" and "Dana" not in (chart.text or "")
    refused = await db_of("SELECT detail FROM staff_audit WHERE action = 'refused'")
    assert sorted(r[0] for r in refused) == ["card", "find", "helpers"]

    clock.set(datetime(2026, 11, 19, 8, 31, tzinfo=ALMATY))  # the digest is due at 08:30
    digest = await analysts.next_message(timeout=10)
    assert digest.text.startswith("📊") and "18 қараша 2026" in digest.text, "the day before"
    assert "Dana" not in digest.text


async def test_an_urgent_report_is_marked_and_recalled_twice_as_soon(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9671, first_name="Officer", language_code="ru")
    staff.add_member(officer)
    resident = tg.user(9672, first_name="Dana", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru")
    post = await staff.next_message(timeout=10)
    before = await db_of(
        "SELECT kind, julianday(due_at) - julianday(r.created_at) FROM followups f"
        " JOIN reports r ON f.subject = 'report:' || r.id"
        " WHERE kind IN ('report_remind', 'report_escalate')"
        " ORDER BY kind"
    )
    await staff.send(officer, "/priority 1000 maybe")
    assert (await staff.next_message()).text.startswith("Напишите /priority")
    await staff.send(officer, "/priority 1000 срочно")
    assert (await staff.next_message()).text.startswith("🔴 Сообщение № 1000 отмечено как срочное")
    await tg.wait_for(lambda: post.text.startswith("🔴"), timeout=10)
    after = await db_of(
        "SELECT kind, julianday(due_at) - julianday(r.created_at) FROM followups f"
        " JOIN reports r ON f.subject = 'report:' || r.id"
        " WHERE kind IN ('report_remind', 'report_escalate')"
        " AND f.state = 'pending' ORDER BY kind"
    )
    assert [k for k, _ in after] == [k for k, _ in before] == ["report_escalate", "report_remind"]
    for (_, was), (_, now) in zip(before, after, strict=True):
        assert abs(now - was / 2) < 1e-6, "twice as soon"


async def test_a_typed_address_routed_by_hand_and_a_location_corrected(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9681, first_name="Officer", language_code="ru")
    staff.add_member(officer)
    resident = tg.user(9682, first_name="Dana", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru")  # a typed address: no precinct
    post = await staff.next_message(timeout=10)
    assert (await db_of("SELECT precinct_id FROM reports"))[0][0] is None

    await staff.send(officer, "/move 1000 nowhere")
    assert (await staff.next_message()).text.startswith("Напишите /move")
    await staff.send(officer, "/move 1000 zhd-vokzal")
    assert (await staff.next_message()).text.startswith("Сообщение № 1000 теперь относится к")
    told = await resident.next_message(timeout=10)
    assert told.text == (
        "Полиция уточнила место по Вашему сообщению № 1000: им занимается участок «ЖД вокзал»."
    )
    row = await db_of("SELECT precinct_id, inspector_id, location_verified FROM reports")
    assert tuple(row[0]) == ("zhd-vokzal", "demo-ins-1", 0)
    await tg.wait_for(lambda: "ЖД вокзал" in post.text, timeout=10)

    await staff.send(officer, "/move 1000 43.9000, 70.9000")
    assert (await staff.next_message()).text.startswith("Это место за пределами зоны")
    await staff.send(officer, "/move 1000 42.3200, 69.6100")
    await staff.next_message()
    await resident.next_message(timeout=10)
    row = await db_of("SELECT precinct_id, latitude, location_verified FROM reports")
    assert tuple(row[0]) == ("mzhk", 42.32, 1)
    await staff.send(officer, "/card 1000")
    assert "zhd-vokzal → mzhk (42.32000, 69.61000)" in (await staff.next_message()).text


async def test_stats_caption_is_in_the_requesters_language_throughout(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    """STAFF_LOCALE is Kazakh here; a Russian-speaking officer's caption is Russian alone:
    its texts, its dates (Babel, in Russian) and the category names."""
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9621, first_name="Officer", language_code="ru")
    staff.add_member(officer)
    resident = tg.user(9622, first_name="R", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")  # noise
    await staff.next_message(timeout=10)
    await staff.send(officer, "/stats week")
    chart = await staff.next_message(timeout=20)
    assert chart.method == "sendPhoto"
    caption = chart.text or ""
    assert "Шум, нарушение тишины: 1" in caption, caption
    assert "Шу, тыныштықты бұзу" not in caption
    (created,) = (await db_of("SELECT created_at FROM reports"))[0]
    today = datetime.fromisoformat(created).astimezone(ZoneInfo("Asia/Almaty")).date()
    assert format_date(today, "d MMM y", locale="ru") in caption, caption
    kazakh_only = set("әғқңөұүһі")
    assert not kazakh_only & set(caption.lower()), caption
