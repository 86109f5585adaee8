"""/mydata: a resident gets, in their own chat, a JSON file with everything the bot holds
about them (reports with their steps and photos, consent, the areas they follow, the current
conversation) and nothing of anyone else, nor the names of the officers."""

from __future__ import annotations

import json
from typing import Any

from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, onboard
from tests.e2e.test_staff import submit_report


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
    await staff.press(officer, post, data="st:take:1000:n")
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
    assert sent.text.startswith("Сақшының сіз туралы қазір сақтайтын барлық мәліметі")
    data = tg.file_data(sent.raw["document"]["file_id"]) or b""
    held = json.loads(data.decode("utf-8"))
    assert held["person"]["telegram_id"] == 9972 and held["person"]["language"] == "kk"
    assert [c["action"] for c in held["consent_history"]] == ["given"]
    assert [r["number"] for r in held["reports"]] == [1000], "mine only"
    assert held["reports"][0]["status"] == "taken"
    assert [s["action"] for s in held["report_steps"]] == ["submitted", "take"]
    assert [a["precinct"] for a in held["areas_followed"]] == ["zhd-vokzal"]
    assert held["conversation"][0]["step"] == "ReportForm:category"
    text = data.decode("utf-8")
    assert "Boris" not in text and "1001" not in text, "nothing of anyone else"
    assert "Secretname" not in text, "not the officers' names"
    assert all(m.method != "sendDocument" for m in other.messages), "only to the one who asked"
