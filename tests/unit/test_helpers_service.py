"""The helper pipeline's service: an application stored with its audit and staff post, the
rules that refuse one, staff steps (compare-and-set, audited), the cool-down, the IIN audit."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from bot.domain.helpers import Helper, HelperAction, HelperDraft, HelperStatus, mask_iin
from bot.domain.outbox import NewMessage, OutgoingMessage
from bot.domain.refs import Ref
from bot.services.helpers import ApplicationRefused, HelperRules, HelperService
from bot.services.outbox import Outbox
from bot.services.users import UserService
from bot.storage.db import Database
from bot.testing.timeouts import scaled
from tests.conftest import FixedClock

STAFF = -1001
TODAY = date(2026, 11, 21)
DRAFT = HelperDraft(
    full_name="Серікбаев  Ерлан",
    birth_date=date(1990, 1, 5),
    iin="900105300128",
    phone="+77001234567",
    precincts=("mzhk",),
    days=(5, 6),
    bands=("evening",),
    note="Бұрын ерікті болдым",
)


class Renderer:
    """Messages as data: what the service asks to send, and to whom."""

    def application_post(self, helper: Helper, chat_id: int) -> list[NewMessage]:
        return [
            NewMessage(chat_id, "sendMessage", {"text": f"#{helper.id} {mask_iin(helper.iin)}"})
        ]

    def applicant_notice(
        self,
        helper: Helper,
        action: HelperAction,
        note: str | None,
        by_applicant: bool = False,
    ) -> NewMessage:
        return NewMessage(helper.user_id, "sendMessage", {"text": f"{action} {note or ''}"})


async def service(db: Database, clock: FixedClock) -> HelperService:
    async def staff() -> int:
        return STAFF

    return HelperService(
        db, Outbox(clock), clock, Renderer(), staff, lambda: {"mzhk", "zhd-vokzal"}, HelperRules()
    )


async def applicant(db: Database, clock: FixedClock, user_id: int = 42) -> Any:
    users = UserService(db, clock, "kk")
    await users.seen(user_id, "kk")
    return await users.get_required(user_id)


async def outbox(db: Database) -> list[tuple[int, str]]:
    async with db.read() as conn:
        rows = await (
            await conn.execute("SELECT chat_id, payload FROM outbox ORDER BY id")
        ).fetchall()
    return [(r[0], json.loads(r[1])["text"]) for r in rows]


async def test_an_application_is_stored_with_its_audit_and_a_masked_post(
    db: Database, clock: FixedClock
) -> None:
    helpers = await service(db, clock)
    helper = await helpers.apply(await applicant(db, clock), DRAFT, TODAY)
    assert helper.status is HelperStatus.APPLIED and helper.full_name == "Серікбаев Ерлан"
    # the stored JSON lists come back parsed, the dates as dates
    assert (helper.precincts, helper.days, helper.bands) == (("mzhk",), (5, 6), ("evening",))
    assert helper.birth_date == date(1990, 1, 5) and helper.created_at == helper.updated_at
    assert await outbox(db) == [(STAFF, f"#{helper.id} ••••••••0128")]
    assert [e.action for e in await helpers.history(helper.id)] == ["applied"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"iin": "900105300127"}, "iin_checksum"),
        ({"iin": "90010530012"}, "iin_digits"),
        ({"iin": "851231400458"}, "iin_birth_mismatch"),
        ({"birth_date": date(2027, 1, 1)}, "birth_future"),
        ({"birth_date": date(2009, 1, 1), "iin": "090101500005"}, "too_young"),
        ({"full_name": "Ерлан"}, "name"),
        ({"full_name": "<b>Ерлан</b> Серікбаев"}, "name"),
        ({"phone": "+1202555010"}, "phone"),
        ({"precincts": ("mars",)}, "precincts"),
        ({"precincts": ()}, "precincts"),
        ({"bands": ("midnight",)}, "availability"),
        ({"days": ()}, "availability"),
    ],
)
async def test_each_rule_refuses_with_its_reason(
    db: Database, clock: FixedClock, change: dict[str, Any], problem: str
) -> None:
    helpers = await service(db, clock)
    draft = HelperDraft(**{**DRAFT.__dict__, **change})
    with pytest.raises(ApplicationRefused) as refused:
        await helpers.apply(await applicant(db, clock), draft, TODAY)
    assert problem in refused.value.problems
    assert await outbox(db) == [], "nothing stored, nothing sent"


async def test_the_pipeline_steps_are_audited_and_told_to_the_applicant(
    db: Database, clock: FixedClock
) -> None:
    helpers = await service(db, clock)
    helper = await helpers.apply(await applicant(db, clock), DRAFT, TODAY)
    hid = helper.id
    step = await helpers.act(hid, HelperAction.CHECK, officer_id=7, officer_name="Officer")
    assert step.changed and step.helper.status == "checked"
    missing = await helpers.act(hid, HelperAction.REGISTER, officer_id=7, officer_name="Officer")
    assert not missing.changed, "the akimat's number and date are needed"
    step = await helpers.act(
        hid,
        HelperAction.REGISTER,
        officer_id=7,
        officer_name="Officer",
        registration=("ҚК-0042", "2026-11-25"),
    )
    assert step.helper.registration_number == "ҚК-0042"
    await helpers.act(hid, HelperAction.ACTIVATE, officer_id=7, officer_name="Officer")
    stale = await helpers.act(
        hid, HelperAction.CHECK, officer_id=8, officer_name="Other", seen=HelperStatus.APPLIED
    )
    assert not stale.changed and stale.refused == "changed meanwhile"
    history = await helpers.history(hid)
    assert [(e.action, e.to_status) for e in history] == [
        ("applied", "applied"),
        ("check", "checked"),
        ("register", "registered"),
        ("activate", "active"),
    ]
    notices = [text for chat, text in await outbox(db) if chat == 42]
    assert notices == ["check ", "register ", "activate "]


async def test_one_at_a_time_and_the_cool_down(db: Database, clock: FixedClock) -> None:
    helpers = await service(db, clock)
    user = await applicant(db, clock)
    helper = await helpers.apply(user, DRAFT, TODAY)
    with pytest.raises(ApplicationRefused) as refused:
        await helpers.apply(user, DRAFT, TODAY)
    assert refused.value.reason == "open"
    await helpers.act(helper.id, HelperAction.REJECT, officer_id=7, officer_name="O", note="…")
    clock.now += timedelta(days=10)
    with pytest.raises(ApplicationRefused) as refused:
        await helpers.apply(user, DRAFT, TODAY)
    assert refused.value.reason == "cooldown" and refused.value.until is not None
    clock.now += timedelta(days=21)
    again = await helpers.apply(user, DRAFT, TODAY)
    assert again.id != helper.id and again.status == "applied"


async def test_a_full_iin_is_shown_only_with_an_audit_line(db: Database, clock: FixedClock) -> None:
    helpers = await service(db, clock)
    helper = await helpers.apply(await applicant(db, clock), DRAFT, TODAY)
    iin = await helpers.reveal_iin(helper.id, officer_id=7, officer_name="Admin")
    assert iin == "900105300128"
    last = (await helpers.history(helper.id))[-1]
    assert (last.action, last.actor_id, last.actor_name) == ("iin_shown", 7, "Admin")


async def test_an_answer_before_the_post_arrived_goes_to_the_group_without_a_hang(
    db: Database, clock: FixedClock
) -> None:
    """The staff chat's id is read from the database (as in production): never inside the
    answer's own transaction (one connection, one lock)."""
    import asyncio

    from bot.services.chats import ChatService

    class AskingRenderer(Renderer):
        def question(self, helper: Helper, text: str) -> NewMessage:
            ref = f"helper:{helper.id}:question"
            return NewMessage(helper.user_id, "sendMessage", {"text": text}, ref=ref)

        def answer(
            self, helper: Helper, text: str, chat_id: int, reply_to: int | None, ref: Any
        ) -> NewMessage:
            return NewMessage(chat_id, "sendMessage", {"text": f"answer: {text}"}, ref=ref)

    outbox_ = Outbox(clock)
    helpers = HelperService(
        db,
        outbox_,
        clock,
        AskingRenderer(),
        ChatService(db, clock, STAFF).staff_chat_id,
        lambda: {"mzhk"},
    )
    helper = await helpers.apply(await applicant(db, clock), DRAFT, TODAY)
    await helpers.question(helper.id, "Тәжірибеңіз бар ма?", officer_id=7, officer_name="O")
    async with db.read() as conn:
        row = await (
            await conn.execute("SELECT id FROM outbox WHERE ref LIKE '%:question'")
        ).fetchone()
    sent = OutgoingMessage(row[0], 42, "sendMessage", {}, 1, clock.now, ref=None)
    async with db.transaction() as conn:  # Telegram accepted the question: message id 900
        await outbox_.repo.mark_sent(conn, sent.id, 900, clock.now)
    answered = await asyncio.wait_for(
        helpers.answer(42, 900, "Иә, екі жыл", message_id=901), timeout=scaled(5)
    )
    assert answered is not None
    assert (STAFF, "answer: Иә, екі жыл") in await outbox(db)
    # Telegram takes the answer: the applicant's own message (901) gets the 👌, nothing more
    async with db.read() as conn:
        row = await (
            await conn.execute("SELECT id, ref FROM outbox WHERE ref LIKE '%:answer:%'")
        ).fetchone()
    answer = OutgoingMessage(row[0], STAFF, "sendMessage", {}, 1, clock.now, ref=Ref.parse(row[1]))
    async with db.transaction() as conn:
        await helpers.on_sent(conn, answer, 5000)
    async with db.read() as conn:
        marks = await (
            await conn.execute(
                "SELECT chat_id, payload FROM outbox WHERE method = 'setMessageReaction'"
            )
        ).fetchall()
    assert [(m[0], json.loads(m[1])) for m in marks] == [
        (42, {"message_id": 901, "reaction": [{"type": "emoji", "emoji": "👌"}]})
    ]
    await helpers.act(helper.id, HelperAction.REJECT, officer_id=7, officer_name="O")
    assert await helpers.answer(42, 900, "тағы", message_id=902) is None, "decided: no more"


async def test_abandoned_drafts_are_erased_after_a_day(db: Database, clock: FixedClock) -> None:
    from bot.storage.repositories import FsmRepository

    fsm = FsmRepository()
    async with db.transaction() as conn:
        draft = '{"helper":{"iin":"900105300128"}}'
        await fsm.put(conn, "42:42", "HelperForm:iin", draft, clock.now)
        await fsm.put(conn, "43:43", "ReportForm:media", "{}", clock.now)
    helpers = await service(db, clock)
    forgotten: list[bool] = []
    helpers.conversations_changed = lambda: forgotten.append(True)
    assert await helpers.forget_abandoned_drafts() == 0, "not a day old yet"
    clock.now += timedelta(hours=25)
    assert await helpers.forget_abandoned_drafts() == 1
    assert forgotten, "the conversation store is told to read them again"
    async with db.read() as conn:
        keys = [r[0] for r in await (await conn.execute("SELECT key FROM fsm_states")).fetchall()]
    assert keys == ["43:43"], "only the helper draft, with its personal data, is erased"
