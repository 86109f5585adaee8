"""/mydata: a resident gets, in their own chat, a JSON file with everything the bot holds
about them (reports with their steps and photos, consent, the areas they follow, the current
conversation) and nothing of anyone else, nor the names of the officers."""

from __future__ import annotations

import json
from typing import Any

from bot.telegram.callbacks import ForgetCb, StaffCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot
from tests.e2e.scenarios import onboard, submit_report
from tests.e2e.test_staff import staff_post


async def test_my_data_is_everything_of_mine_and_nothing_else(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9971, first_name="Captain Secretname", language_code="ru")
    staff.add_member(officer)
    me = tg.user(9972, first_name="Aigerim", language_code="kk", phone_number="+77011112233")
    other = tg.user(9973, first_name="Boris", language_code="ru")
    await onboard(me, "kk")
    await onboard(other, "ru")
    await submit_report(me, "kk")
    post = await staff.next_message(timeout=10)
    await submit_report(other, "ru")
    await staff.next_message(timeout=10)
    await staff.press(officer, post, data=StaffCb(action="take", report=1000, seen="n"))
    await me.next_message(timeout=10)  # taken
    await me.send("/subscribe")
    await me.next_message()
    await me.send_location(42.300, 69.610)
    await me.next_message()
    await me.send("/report")  # a conversation in progress
    await me.next_message()

    await me.send("/mydata")
    sent = await me.next_message(timeout=10)
    assert sent.method == "sendDocument"
    assert sent.text.startswith("Сақшының Сіз туралы қазір сақтайтын барлық мәліметі")
    data = tg.file_data(sent.raw["document"]["file_id"]) or b""
    held = json.loads(data.decode("utf-8"))
    assert held["person"]["telegram_id"] == 9972 and held["person"]["language"] == "kk"
    assert [c["action"] for c in held["consent_history"]] == ["given"]
    assert [r["number"] for r in held["reports"]] == [1000], "mine only"
    assert held["reports"][0]["status"] == "taken"
    assert [s["action"] for s in held["report_steps"]] == ["submitted", "take"]
    assert [a["precinct"] for a in held["areas_followed"]] == ["zhd-vokzal"]
    assert held["conversation"][0]["step"] == "ReportForm:category"
    assert held["bans"] == [] and held["helper_steps"] == []
    sent_to_me = held["messages_sent_to_you"]
    assert sent_to_me and {m["method"] for m in sent_to_me} >= {"sendMessage"}
    text = data.decode("utf-8")
    assert "Boris" not in text and "1001" not in text, "nothing of anyone else"
    assert "Secretname" not in text, "not the officers' names"
    assert all(m.method != "sendDocument" for m in other.messages), "only to the one who asked"


async def test_forget_me_erases_me_keeps_the_statistics_and_edits_the_staff_post(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    me = tg.user(9981, first_name="Aigerim Secretova", username="aigerim_s", language_code="ru")
    await onboard(me, "ru")
    await submit_report(me, "ru")
    post = await staff_post(tg, bot)
    assert "Aigerim Secretova" in post.text and "@aigerim_s" in post.text
    await me.send("/subscribe")
    await me.next_message()
    await me.send_location(42.300, 69.610)
    await me.next_message()

    await me.send("/forgetme")
    assert (await me.next_message()).text.startswith(
        "Ваше сообщение № 1000 ещё не закрыто, и сотрудникам может понадобиться связаться с Вами"
    )
    assert bot.app is not None
    await bot.app.reports.resident.withdraw(9981, 1000)  # the resident takes it back: it is closed
    await tg.wait_for(lambda: bool(post.edits), timeout=10)

    await me.send("/forgetme")
    question = await me.next_message()
    assert question.text.startswith("Удалить Ваши данные?")
    await me.press(question, data=ForgetCb(action="no"))
    await tg.wait_for(lambda: question.text == "Ничего не удалено.", timeout=10)
    assert (await db_of("SELECT reporter_id FROM reports"))[0][0] == 9981

    await me.send("/forgetme")
    question = await me.next_message()
    await me.press(question, data=ForgetCb(action="yes"))
    await tg.wait_for(lambda: question.text.startswith("Ваши данные удалены."), timeout=10)
    assert question.text == (
        "Ваши данные удалены. 1 сообщение остаётся в статистике без связи с Вами. Если Вы "
        "снова мне напишете, всё начнётся заново: я опять попрошу Вашего согласия."
    )
    assert question.buttons == []
    # the staff post no longer shows who sent it (edited: deleting stops at 48 hours)
    await tg.wait_for(lambda: "өз өтініші бойынша жойылды" in post.text, timeout=10)
    assert "Secretova" not in post.text and "aigerim" not in post.text
    report = await db_of(
        "SELECT reporter_id, reporter_name, reporter_username, address, category, status"
        " FROM reports"
    )
    assert tuple(report[0]) == (0, None, None, None, "noise", "withdrawn"), "statistics stay"
    for table, column in (
        ("users", "id"),
        ("consent_events", "user_id"),
        ("subscriptions", "user_id"),
    ):
        rows = await db_of(f"SELECT count(*) FROM {table} WHERE {column} = 9981")
        assert rows[0][0] == 0, table
    assert (await db_of("SELECT count(*) FROM outbox WHERE chat_id = 9981"))[0][0] == 0
    assert (await db_of("SELECT count(*) FROM report_events WHERE actor_id = 9981"))[0][0] == 0
    leaks = await db_of(
        "SELECT count(*) FROM outbox WHERE payload LIKE '%Secretova%' OR payload LIKE '%Шу / шум%'"
    )
    assert leaks[0][0] == 0, "the staff posts' texts are not kept with the name or the words"
    assert (await db_of("SELECT description FROM reports"))[0][0] == ""
    assert (await db_of("SELECT reports FROM erasures"))[0][0] == 1

    # the officers can no longer reach, or ban, a person who is not there
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9983, first_name="Nurlan", language_code="kk")
    staff.add_member(officer, admin=True)
    await staff.send(officer, "Сізбен хабарласа аламыз ба?", reply_to=post)
    assert (await staff.next_message(timeout=10)).text.startswith(
        "Бұл хабарламаны жіберген тұрғынның деректері өз өтініші бойынша жойылды"
    )
    await staff.send(officer, "/ban 1000 spam")
    assert (await staff.next_message(timeout=10)).text == (
        "№ 1000 хабарламаның авторы өз деректерін жойғызды: бұғаттайтын ешкім жоқ."
    )
    assert (await db_of("SELECT count(*) FROM bans"))[0][0] == 0

    await me.send("/myreports")  # a new start: nothing of the old is linked to me
    assert "1000" not in (await me.next_message()).text


async def test_forget_me_waits_while_i_am_a_public_helper(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    me = tg.user(9982, first_name="Dana", language_code="kk")
    await onboard(me, "kk")
    assert bot.app is not None
    async with bot.app.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO helpers (user_id, full_name, birth_date, iin, phone, precincts, days,"
            " bands, language, consent_version, status, created_at, updated_at) VALUES"
            " (9982, 'Dana D', '1990-01-01', '900101400000', '+77010000000', '[]', '[]', '[]',"
            " 'kk', 'v1', 'active', '2026-11-01T00:00:00+00:00', '2026-11-01T00:00:00+00:00')"
        )
    await me.send("/forgetme")
    answer = await me.next_message()
    assert answer.text.startswith("Сіз қоғамдық көмекшісіз немесе көмекші болуға өтінім бердіңіз")
    assert answer.buttons == []
    assert (await db_of("SELECT full_name FROM helpers"))[0][0] == "Dana D"
