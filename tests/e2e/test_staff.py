"""Duty officers work a report in the staff group; the resident hears in their own language."""

from __future__ import annotations

import re
from typing import Any

from bot.telegram.callbacks import RejectReason, StaffCb, StaffRejectCb
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import STAFF_CHAT, RunningBot, eventually
from tests.e2e.scenarios import onboard, submit_report


async def staff_post(tg: FakeTelegram, bot: RunningBot) -> Any:
    staff = tg.group(STAFF_CHAT)
    post = await staff.next_message(timeout=10)

    async def recorded() -> bool:
        assert bot.app is not None
        async with bot.app.db.read() as conn:
            row = await (await conn.execute("SELECT staff_message_id FROM reports")).fetchone()
        return row is not None and row[0] == post.message_id

    assert await eventually(recorded), "the post's id is known before officers act on it"
    return post


async def test_take_resolve_with_notices_in_the_residents_language(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9399, first_name="Nurlan", last_name="Ospanov", language_code="kk")
    staff.add_member(officer)
    await staff.send(officer, "/me капитан Ахметов")
    assert (await staff.next_message()).text == "Тұрғындар Сізді былай көреді: капитан Ахметов."
    resident = tg.user(9301, first_name="Aliya", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru")
    post = await staff_post(tg, bot)
    assert [b["text"] for b in post.buttons] == [
        "🙋 Қарауға алу",
        "⛔ Қабылдамау",
        "📋 Дайын жауаптар",
        "↪️ Жіберу",
    ]

    query = await staff.press(officer, post, data=StaffCb(action="take", report=1000, seen="n"))
    assert (await officer.answer_of(query))["text"] == "Орындалды."
    notice = await resident.next_message(timeout=10)
    assert notice.text == "Ваше сообщение № 1000 принято в работу, им занимается капитан Ахметов."
    await tg.wait_for(lambda: bool(post.edits), timeout=10)
    current = staff.messages[-1] if staff.messages[-1].message_id == post.message_id else post
    # status, who and when (Asia/Almaty), edited into the post
    assert re.search(r"Күйі: қарауға алынды · Nurlan Ospanov · \d\d:\d\d\n", current.text)

    query = await staff.press(
        officer, current, data=StaffCb(action="resolve", report=1000, seen="t")
    )
    await officer.answer_of(query)
    await tg.wait_for(
        lambda: any(
            b["callback_data"] == StaffCb(action="rs_note", report=1000, seen="t").pack()
            for b in current.buttons
        )
    )
    assert [b["text"] for b in current.buttons] == [
        "✍️ Түсініктемемен шешу",
        "✅ Түсініктемесіз шешу",
        "⬅️ Артқа",
    ]
    query = await staff.press(
        officer, current, data=StaffCb(action="rs_note", report=1000, seen="t")
    )
    await officer.answer_of(query)
    prompt = await staff.next_message(timeout=10)
    assert prompt.text.startswith("Nurlan Ospanov, ")
    assert "№ 1000" in prompt.text
    assert prompt.reply_markup["force_reply"] is True
    assert (await db_of("SELECT status FROM reports"))[0][0] == "taken", "not before the note"
    await staff.send(
        officer, "Музыку выключили, соседям вынесено <предупреждение> & штраф.", reply_to=prompt
    )
    notice = await resident.next_message(timeout=10)
    assert notice.text == (
        "По Вашему сообщению № 1000 вопрос решён. Спасибо, что помогаете поддерживать порядок."
        "\n\n💬 капитан Ахметов: Музыку выключили, соседям вынесено <предупреждение> & штраф."
    )
    assert not any(m.method == "copyMessage" for m in resident.messages), "one notice, no copy"
    await tg.wait_for(lambda: [b["text"] for b in current.buttons] == ["🔄 Қайта ашу"])
    history = await db_of("SELECT actor, action, from_status, to_status, note FROM report_events")
    assert [tuple(r) for r in history] == [
        ("resident", "submitted", None, None, None),
        ("staff", "take", "new", "taken", None),
        (
            "staff",
            "resolve",
            "taken",
            "resolved",
            "Музыку выключили, соседям вынесено <предупреждение> & штраф.",
        ),
    ]

    # the prompt, answered again after the report closed, changes nothing
    await staff.send(officer, "ещё раз", reply_to=prompt)
    assert (await staff.next_message()).text == (
        "№ 1000 хабарлама онсыз да «шешілді» күйінде: ештеңе өзгерген жоқ."
    )


async def test_only_staff_can_act(tg: FakeTelegram, bot: RunningBot, db_of: Any) -> None:
    resident = tg.user(9302, first_name="Marat", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")
    post = await staff_post(tg, bot)
    staff = tg.group(STAFF_CHAT)
    stranger = tg.user(9398, first_name="Stranger", language_code="ru")
    staff.add_member(stranger)
    staff.members.pop(stranger.id)  # was in the group, has been removed since
    query = await staff.press(stranger, post, data=StaffCb(action="take", report=1000, seen="n"))
    answer = await stranger.answer_of(query)
    assert answer["text"] == "Это могут делать только участники группы дежурной части."
    assert (await db_of("SELECT status FROM reports"))[0][0] == "new"
    refused = await db_of("SELECT actor_id, action, detail FROM staff_audit")
    assert [tuple(r) for r in refused] == [(9398, "refused", "button take on report 1000")]


async def test_two_officers_take_at_once_and_exactly_one_wins(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    resident = tg.user(9303, first_name="Dana", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")
    post = await staff_post(tg, bot)
    staff = tg.group(STAFF_CHAT)
    first = tg.user(9391, first_name="First", language_code="ru")
    second = tg.user(9392, first_name="Second", language_code="ru")
    staff.add_member(first)
    staff.add_member(second)
    q1 = await staff.press(first, post, data=StaffCb(action="take", report=1000, seen="n"))
    q2 = await staff.press(second, post, data=StaffCb(action="take", report=1000, seen="n"))
    answers = {(await first.answer_of(q1))["text"], (await second.answer_of(q2))["text"]}
    # each officer is answered in their own Telegram language; the one who was too late is
    # told who was faster, in plain text (an alert has no markup)
    assert answers in (
        {"Готово.", "Вас опередили (First): сообщение № 1000 уже в статусе «принято в работу»."},
        {"Готово.", "Вас опередили (Second): сообщение № 1000 уже в статусе «принято в работу»."},
    )
    rows = await db_of("SELECT officer_id FROM reports")
    assert rows[0][0] in (9391, 9392)
    takes = await db_of("SELECT count(*) FROM report_events WHERE action = 'take'")
    assert takes[0][0] == 1
    notice = await resident.next_message(timeout=10)
    assert notice.text == "№ 1000 хабарламаңызды кезекші полиция қызметкері қарауға алды."


async def test_reject_with_a_reason(tg: FakeTelegram, bot: RunningBot, db_of: Any) -> None:
    resident = tg.user(9304, first_name="Erlan", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")
    post = await staff_post(tg, bot)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9393, first_name="Officer", language_code="ru")
    staff.add_member(officer)
    query = await staff.press(officer, post, data=StaffCb(action="reject", report=1000, seen="n"))
    await officer.answer_of(query)
    await tg.wait_for(
        lambda: any(
            b["callback_data"] == StaffCb(action="back", report=1000, seen="n").pack()
            for b in post.buttons
        )
    )
    query = await staff.press(
        officer, post, data=StaffRejectCb(reason=RejectReason.NOT_POLICE, report=1000, seen="n")
    )
    await officer.answer_of(query)
    notice = await resident.next_message(timeout=10)
    assert notice.text == "№ 1000 хабарламаңыз қабылданбады: полиция құзыретінен тыс."
    rows = await db_of("SELECT status FROM reports")
    assert rows[0][0] == "rejected"
    await tg.wait_for(lambda: [b["text"] for b in post.buttons] == ["🔄 Қайта ашу"], timeout=10)


async def test_officer_and_resident_talk_through_the_bot(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9394, first_name="Bolat", last_name="Secret", language_code="kk")
    staff.add_member(officer)
    await staff.send(officer, "/me лейтенант Серіков")
    await staff.next_message()
    resident = tg.user(9305, first_name="Gaukhar", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru")
    post = await staff_post(tg, bot)

    await staff.send(officer, "// между нами: это тот же адрес, что вчера", reply_to=post)
    said = await staff.send(officer, "Выезжаем. Подъезд <b>3</b>?", reply_to=post)
    copied = await resident.next_message(timeout=10)
    assert copied.method == "sendMessage", "one message: the header over the officer's words"
    assert copied.text == (
        "💬 По Вашему сообщению № 1000 пишет лейтенант Серіков:\nВыезжаем. Подъезд <b>3</b>?"
    ), "the officer's text shown as written, not read as markup"
    assert "Secret" not in copied.text, "never the officer's Telegram name"
    await tg.wait_for(lambda: any(v == ["👌"] for v in tg.reactions.values()), timeout=10)
    assert tg.reactions == {(STAFF_CHAT, said["message_id"]): ["👌"]}, "only the relayed one"
    assert all("между нами" not in m.text for m in resident.messages), "// stays internal"

    async def copy_recorded() -> bool:
        rows = await db_of(
            "SELECT 1 FROM outbox WHERE chat_id = 9305 AND telegram_message_id = ?",
            copied.message_id,
        )
        return bool(rows)

    assert await eventually(copy_recorded)
    # an edit cannot reach the resident's copy: the officer is told so
    await staff.edit(officer, said, "Выезжаем. Подъезд 4?")
    assert (await staff.next_message()).text.startswith(
        "✏️ Түзетулер № 1000 хабарламаны жіберген тұрғынға жетпейді"
    )
    answer = await resident.reply(copied, "Да, третий подъезд, 5 этаж")
    back = await staff.next_message(timeout=10)
    assert back.method == "sendMessage"
    assert back.text == "💬 № 1000 хабарлама бойынша тұрғын жазады:\nДа, третий подъезд, 5 этаж"
    assert back.raw["reply_to_message"]["message_id"] == post.message_id, "under the post"
    await tg.wait_for(lambda: (resident.id, answer["message_id"]) in tg.reactions, timeout=10)
    assert tg.reactions[(resident.id, answer["message_id"])] == ["👌"]
    assert resident.unread() == [], "the mark is the acknowledgement, not a message"
    events = await db_of("SELECT action FROM report_events ORDER BY id")
    assert [e[0] for e in events] == ["submitted", "officer_message", "resident_message"]

    # a reply to a bot message that is not a report post
    await staff.send(officer, "/help")
    help_answer = await staff.next_message()
    await staff.send(officer, "кому это?", reply_to=help_answer)
    assert (await staff.next_message()).text.startswith("Бұл хабар — хабарлама жазбасы емес")


async def test_a_resident_who_blocked_the_bot_is_shown_as_unreachable(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    resident = tg.user(9306, first_name="Gone", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")
    post = await staff_post(tg, bot)
    staff = tg.group(STAFF_CHAT)
    officer = tg.user(9395, first_name="Officer", language_code="ru")
    staff.add_member(officer)
    with tg.expect_refusal("Forbidden: bot was blocked by the user"):
        resident.block()

        async def blocked() -> bool:
            return (await db_of("SELECT blocked_bot FROM users WHERE id = 9306"))[0][0] == 1

        assert await eventually(blocked)
        await officer.answer_of(
            await staff.press(officer, post, data=StaffCb(action="take", report=1000, seen="n"))
        )
        warning = await staff.next_message(timeout=10)
    # in the staff group's language
    assert warning.text == (
        "⚠️ № 1000 хабарламаны жіберген тұрғын ботты бұғаттады: хабарлар оған жетпейді."
    )
    events = await db_of("SELECT action FROM report_events WHERE action = 'resident_unreachable'")
    assert len(events) == 1


async def test_a_typed_address_is_shown_to_staff_as_not_located(
    tg: FakeTelegram, bot: RunningBot
) -> None:
    """A typed address was never placed on the map: staff are not told it lies in no
    precinct, but that it was not located."""
    resident = tg.user(9311, first_name="Aliya", language_code="ru")
    await onboard(resident, "ru")
    await submit_report(resident, "ru")  # the address typed: «Тұран 12»
    post = await staff_post(tg, bot)
    assert "Тұран 12" in post.text
    assert (
        "🏘 ⚠️ Тұрғын жазған мекенжай картада белгіленбеген: учаскесін қолмен анықтаңыз" in post.text
    )
    assert "ешбір учаскеге кірмейді" not in post.text


STAFF_ONLY = "Это могут делать только участники группы дежурной части."
ADMINS_ONLY = "Это могут делать только администраторы группы."
#: a staff command of every staff router, answered to a non-member by the staff area's guard
STAFF_COMMANDS = [
    "/find 1000",  # the desk
    "/card 1000",
    "/stats",
    "/me",  # the report desk's /me and /mine
    "/mine",
    "/me mzhk-1",  # the directory's link
    "/directory",
    "/duty",  # duties
    "/helpers",  # helpers
    "/survey",  # community surveys
]


async def test_a_non_member_is_refused_the_same_way_by_every_staff_router(
    tg: FakeTelegram, bot: RunningBot, db_of: Any
) -> None:
    """Each staff command of each staff router, and a staff button, by someone who has left
    the group: one polite refusal in their language, audited; their words in reply to a
    report's post reach nobody. A member's command still works, and outside the staff chats
    staff commands are not answered at all."""
    resident = tg.user(9304, first_name="Aset", language_code="kk")
    await onboard(resident, "kk")
    await submit_report(resident, "kk")
    post = await staff_post(tg, bot)
    staff = tg.group(STAFF_CHAT)
    stranger = tg.user(9397, first_name="Stranger", language_code="ru")

    for command in STAFF_COMMANDS:
        await staff.send(stranger, command)  # the fake adds who writes to the group…
        staff.members.pop(stranger.id)  # …who has left it by the time the bot asks
        reply = await staff.next_message()
        assert reply.text == STAFF_ONLY, (command, reply.text)
    await staff.send(stranger, "/ban 1000 spam")  # administrators' own refusal
    staff.members.pop(stranger.id)
    assert (await staff.next_message()).text == ADMINS_ONLY
    query = await staff.press(
        stranger, post, data=StaffCb(action="take", report=1000, seen="n").pack()
    )
    assert (await stranger.answer_of(query))["text"] == STAFF_ONLY
    await staff.send(stranger, "Мы уже едем", reply_to=post)
    staff.members.pop(stranger.id)
    await staff.send(stranger, "/help")  # for every group: not a staff command
    staff.members.pop(stranger.id)
    assert (await staff.next_message()).text.startswith("Сақшы в группе дежурной части")

    refused = await db_of("SELECT actor_id, detail FROM staff_audit WHERE action = 'refused'")
    assert sorted(r[1] for r in refused) == sorted(
        [c.split()[0].lstrip("/") for c in STAFF_COMMANDS] + ["ban", "button take on report 1000"]
    )
    assert {r[0] for r in refused} == {9397}
    assert await eventually(lambda: quiet(db_of))
    assert staff.unread() == [] and resident.unread() == [], "the words reached nobody"
    assert (await db_of("SELECT status FROM reports"))[0][0] == "new"

    officer = tg.user(9396, first_name="Officer", language_code="ru")
    staff.add_member(officer)
    await staff.send(officer, "/find 1000")
    assert "№ 1000" in (await staff.next_message()).text
    other = tg.group(-1001000000555, title="Someone's group", bot_is_admin=True)
    for command in ("/find 1000", "/duty", "/mine"):
        await other.send(officer, command)
    assert await eventually(lambda: quiet(db_of))
    assert other.unread() == [], "staff commands answer in the staff chats only"


async def quiet(db_of: Any) -> bool:
    """Every update handled and every message the bot owes sent."""
    waiting = await db_of(
        "SELECT (SELECT count(*) FROM outbox WHERE state IN ('pending', 'in_flight'))"
        " + (SELECT count(*) FROM inbox WHERE handled_at IS NULL)"
    )
    return bool(waiting[0][0] == 0)
