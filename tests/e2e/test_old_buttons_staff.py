"""Buttons posted in the staff group before the typed callback data (0.1.0) still work.

Each press below is the literal string an old post carries, as `ac3b677` packed it: the plain
actions parse unchanged, the ones with a value inside the action ("rj_<reason>", "tp<id>",
"dup<number>") are rewritten by bot.telegram.legacy_buttons. The officer sees what an old
press showed, and the database holds what it did. Retire with the entries in LEGACY (0.2.0)."""

from __future__ import annotations

from typing import Any

from bot.telegram.callbacks import RejectReason, StaffRejectCb, StaffTemplateCb
from bot.telegram.common.render import REJECT_REASONS
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import onboard, submit_report
from tests.e2e.test_helpers import IIN, apply
from tests.e2e.test_staff import staff_post

DONE = "Орындалды."  # the staff group's language
ASKED = "Төмендегі хабарыма мәтінмен жауап беріңіз."


def data_of(message: Any) -> list[str]:
    return [b["callback_data"] for b in message.buttons]


async def status_of(db_of: Any, number: int) -> str:
    rows = await db_of("SELECT status FROM reports WHERE id = ?", number)
    return str(rows[0][0])


def test_every_reject_reason_has_its_code() -> None:
    """The reasons the old "rj_<reason>" carried are the enum's values."""
    assert set(REJECT_REASONS) == {r.value for r in RejectReason}


async def test_an_old_staff_post_takes_resolves_reopens_and_rejects(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9801, first_name="Officer", language_code="kk")
    staff.add_member(officer)
    resident = tg.user(9802, first_name="Aliya", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru")
    post = await staff_post(tg, bot)

    async def press(data: str) -> dict[str, Any]:
        query = await staff.press_stale(officer, data, post)
        return await officer.answer_of(query, timeout=10)

    assert (await press("st:take:1000:n"))["text"] == DONE
    assert (await resident.next_message(timeout=10)).text.startswith(
        "Ваше сообщение № 1000 принято в работу"
    )
    assert await status_of(db_of, 1000) == "taken"

    await press("st:resolve:1000:t")  # the menu: with or without a note
    await tg.wait_for(lambda: "st:rs_plain:1000:t" in data_of(post), timeout=10)
    await press("st:back:1000:t")
    await tg.wait_for(lambda: "st:resolve:1000:t" in data_of(post), timeout=10)
    await press("st:resolve:1000:t")
    await tg.wait_for(lambda: "st:rs_note:1000:t" in data_of(post), timeout=10)
    answer = await press("st:rs_note:1000:t")
    assert answer["text"] == ASKED
    prompt = await staff.next_message(timeout=10)
    assert prompt.text.startswith("Officer, ") and "№ 1000" in prompt.text
    assert await status_of(db_of, 1000) == "taken", "not before the note"

    assert (await press("st:rs_plain:1000:t"))["text"] == DONE
    assert (await resident.next_message(timeout=10)).text.startswith(
        "По Вашему сообщению № 1000 вопрос решён."
    )
    assert await status_of(db_of, 1000) == "resolved"

    assert (await press("st:reopen:1000:s"))["text"] == DONE
    await resident.next_message(timeout=10)
    assert await status_of(db_of, 1000) == "taken"

    await press("st:reject:1000:t")  # the menu of reasons, drawn in the new packing
    reason = StaffRejectCb(reason=RejectReason.NOT_POLICE, report=1000, seen="t").pack()
    await tg.wait_for(lambda: reason in data_of(post), timeout=10)
    assert "st:rj_typed:1000:t" in data_of(post)
    answer = await press("st:rj_typed:1000:t")
    assert answer["text"] == ASKED
    assert "№ 1000" in (await staff.next_message(timeout=10)).text
    assert (await press("st:rj_notpolice:1000:t"))["text"] == DONE
    notice = await resident.next_message(timeout=10)
    assert notice.text == "Ваше сообщение № 1000 отклонено: вне компетенции полиции."
    events = await db_of(
        "SELECT action, from_status, to_status, note FROM report_events WHERE actor = 'staff'"
    )
    assert [tuple(e) for e in events] == [
        ("take", "new", "taken", None),
        ("resolve", "taken", "resolved", None),
        ("reopen", "resolved", "taken", None),
        ("reject", "taken", "rejected", "notpolice"),
    ]
    # a reason that never was is not invented: stale, and nothing changes
    answer = await press("st:rj_whatever:1000:j")
    assert "ескірген" in answer["text"]
    assert await status_of(db_of, 1000) == "rejected"


async def test_an_old_post_sends_a_ready_answer_and_closes_a_duplicate(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9811, first_name="Officer", language_code="kk")
    admin = tg.user(9812, first_name="Admin", language_code="ru")
    staff.add_member(officer)
    staff.add_member(admin, admin=True)
    await staff.send(
        admin, "/template add noise Наряд выехал\nkk: Полиция жасағы шықты.\nru: Наряд выехал."
    )
    await staff.next_message()
    first, second = (tg.user(n, first_name="R", language_code="ru") for n in (9813, 9814))
    await onboard(first, "ru")
    await submit_report(first, "ru")
    post = await staff_post(tg, bot)
    await onboard(second, "ru")
    await submit_report(second, "ru")
    later = await staff.next_message(timeout=10)

    query = await staff.press_stale(officer, "st:templates:1000:n", post)
    await officer.answer_of(query)
    ready = StaffTemplateCb(template=1, report=1000, seen="n").pack()
    await tg.wait_for(lambda: ready in data_of(post), timeout=10)
    query = await staff.press_stale(officer, "st:tp1:1000:n", post)
    assert (await officer.answer_of(query))["text"]
    assert (await first.next_message(timeout=10)).text.endswith("Наряд выехал.")
    await tg.wait_for(lambda: "st:take:1000:n" in data_of(post), timeout=10)
    events = await db_of("SELECT report_id, note FROM report_events WHERE action = 'template'")
    assert [tuple(e) for e in events] == [(1000, "Наряд выехал")]

    query = await staff.press_stale(officer, "st:dup1000:1001:n", later)
    assert (await officer.answer_of(query))["text"] == DONE
    told = await second.next_message(timeout=10)
    assert told.text.startswith("Ваше сообщение № 1001 о том же, что и сообщение № 1000")
    rows = await db_of("SELECT id, status, duplicate_of FROM reports ORDER BY id")
    assert [tuple(r) for r in rows] == [(1000, "new", None), (1001, "rejected", 1000)]


async def test_an_old_helper_application_is_vetted_to_the_end(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9821, first_name="Officer", language_code="kk")
    admin = tg.user(9822, first_name="Admin", language_code="ru")
    staff.add_member(officer)
    staff.add_member(admin, admin=True)
    user = tg.user(9820, first_name="Erlan", language_code="ru")
    post = await apply(tg, user, "ru")

    async def press(data: str, who: Any = officer) -> dict[str, Any]:
        query = await staff.press_stale(who, data, post)
        return await who.answer_of(query, timeout=10)

    async def status() -> str:
        return str((await db_of("SELECT status FROM helpers WHERE id = 1"))[0][0])

    answer = await press("hp:iin:1:-", admin)
    assert IIN in answer["text"] and answer["show_alert"]
    assert (await press("hp:check:1:a"))["text"] == DONE
    assert "проверена" in (await user.next_message(timeout=10)).text.lower()
    assert await status() == "checked"
    await press("hp:ask:1:c")
    question = await staff.next_message(timeout=10)
    await staff.send(officer, "Пришлите справку", reply_to=question)
    assert "Пришлите справку" in (await user.next_message(timeout=10)).text
    await press("hp:register:1:c")
    prompt = await staff.next_message(timeout=10)
    await staff.send(officer, "ҚК-0042 25.11.2026", reply_to=prompt)
    assert "ҚК-0042" in (await user.next_message(timeout=10)).text
    assert await status() == "registered"
    for data, after in (
        ("hp:activate:1:g", "active"),
        ("hp:suspend:1:v", "suspended"),
        ("hp:resume:1:s", "active"),
        ("hp:retire:1:v", "retired"),
    ):
        assert (await press(data))["text"] == DONE, data
        assert await eventually(lambda a=after: _is(status, a)), data
        await user.next_message(timeout=10)
    history = await db_of("SELECT action FROM helper_events ORDER BY id")
    assert [h[0] for h in history] == [
        "applied",
        "iin_shown",
        "check",
        "question",
        "register",
        "activate",
        "suspend",
        "resume",
        "retire",
    ]


async def test_an_old_helper_application_is_rejected_with_a_reason(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9831, first_name="Officer", language_code="kk")
    staff.add_member(officer)
    user = tg.user(9830, first_name="Aliya", language_code="ru")
    post = await apply(tg, user, "ru")
    query = await staff.press_stale(officer, "hp:reject:1:a", post)
    await officer.answer_of(query)
    prompt = await staff.next_message(timeout=10)
    await staff.send(officer, "Нет справки о несудимости", reply_to=prompt)
    assert "Нет справки о несудимости" in (await user.next_message(timeout=10)).text
    assert await eventually(lambda: db_of("SELECT 1 FROM helpers WHERE status = 'rejected'"))


async def _is(status: Any, wanted: str) -> bool:
    return bool(await status() == wanted)
