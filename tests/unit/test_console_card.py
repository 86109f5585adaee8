"""The console card's rules without HTTP: which forms a status offers, how a term is read, and
what the console's message to a resident writes (and refuses) in one transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.domain.referrals import Body, Contact
from bot.domain.reports import MAX_WRITTEN, Status, staff_steps
from bot.domain.users import OFFLINE
from bot.services.console import CardActions, Outcome, Who
from bot.storage.db import Database
from bot.telegram.report_renderer import TelegramReportRenderer
from bot.web.card import parse_term
from tests.conftest import FixedClock
from tests.unit.test_reports_service import DRAFT, STAFF, outbox_rows, resident, service


def test_each_status_offers_what_the_post_offers() -> None:
    assert staff_steps(Status.NEW) >= {"take", "reject", "refer", "assign", "duplicate"}
    assert "resolve" not in staff_steps(Status.NEW), "a new report is taken before it is solved"
    assert staff_steps(Status.TAKEN) >= {"resolve", "reject", "take", "assign", "write"}
    assert staff_steps(Status.REFERRED) == {"resolve", "take", "extend", "write", "template"}
    assert staff_steps(Status.RESOLVED) == staff_steps(Status.REJECTED) == {"reopen", "write"}
    assert staff_steps(Status.WITHDRAWN) == frozenset()


#: a staff post's button (its callback data's prefix and action) → the step it takes
BUTTON_STEPS = {
    "st:take": "take",
    "st:resolve": "resolve",
    "st:rs_plain": "resolve",
    "st:rs_note": "resolve",
    "st:reject": "reject",
    "st:rj_typed": "reject",
    "stj": "reject",
    "st:reopen": "reopen",
    "st:refer": "refer",
    "str": "refer",
    "st:templates": "template",
    "stt": "template",
    "std": "duplicate",
}


async def test_the_staff_post_offers_only_what_the_rule_allows(
    db: Database, clock: FixedClock
) -> None:
    """The group's buttons and the console's forms follow one rule (staff_steps): for every
    status and every menu of the post, each button's step is one the rule allows."""
    reports = await service(db, clock)
    report = await reports.submission.submit(
        await resident(db, clock), DRAFT, name="Айгерім", username=None
    )
    renderer = reports.lifecycle.renderer
    assert isinstance(renderer, TelegramReportRenderer)
    bodies = [Body("akimat", {"kk": "Әкімдік", "ru": "Акимат"}, Contact.TELEGRAM, -5)]
    for status in Status:
        shown = replace(report, status=status)
        offered: set[str] = set()
        for menu in (None, "reject", "resolve", "templates", "refer"):
            keyboard = renderer.staff_keyboard(
                shown, menu, templates=[{"id": 1, "title": "T"}], bodies=bodies
            )
            for row in keyboard["inline_keyboard"]:  # type: ignore[union-attr]
                for button in row:
                    data = button.get("callback_data", "")
                    if not data or data.startswith("st:back"):
                        continue
                    prefix, action = data.split(":")[:2]
                    offered.add(BUTTON_STEPS.get(f"{prefix}:{action}") or BUTTON_STEPS[prefix])
        assert offered <= staff_steps(status), (status, offered - staff_steps(status))
        if status is not Status.WITHDRAWN:
            assert offered, f"the post of a {status} report offers something"


def test_a_term_is_a_date_or_working_days() -> None:
    assert parse_term("2027-01-15", "") == date(2027, 1, 15)
    assert parse_term("", " 10 ") == 10
    assert parse_term("", "0") is None and parse_term("", "61") is None
    assert parse_term("15.01.2027", "") is None and parse_term("", "") is None
    assert parse_term("", "-3") is None


async def test_a_message_from_the_console_reaches_the_resident_and_the_group(
    db: Database, clock: FixedClock
) -> None:
    reports = await service(db, clock)
    report = await reports.submission.submit(
        await resident(db, clock), DRAFT, name="Айгерім", username=None
    )

    async def staff(user_id: int, precinct: str | None) -> bool:
        return True

    async with db.transaction() as conn:  # the post delivered
        await conn.execute(
            "UPDATE reports SET staff_chat_id = ?, staff_message_id = 5 WHERE id = ?",
            (STAFF, report.id),
        )
    card = CardActions(reports, None, staff)  # type: ignore[arg-type]
    officer = Who(7, "Марат <b>")
    before = len(await outbox_rows(db))
    assert await card.write(report.id, officer, "  ") is Outcome.EMPTY
    assert await card.write(report.id, officer, "x" * (MAX_WRITTEN + 1)) is Outcome.TOO_LONG
    assert await card.write(99999, officer, "Сәлем") is Outcome.LATE
    assert len(await outbox_rows(db)) == before, "nothing written for a refused message"
    assert await card.write(report.id, officer, "Ертең <келіңіз>") is Outcome.SENT
    rows = (await outbox_rows(db))[before:]
    assert [(chat, method) for chat, method, _, _ in rows] == [
        (42, "sendMessage"),
        (STAFF, "sendMessage"),
    ]
    assert rows[0][2]["text"].endswith("\nЕртең &lt;келіңіз&gt;")
    assert rows[0][3] == f"report:{report.id}:relay", "the resident's answer comes back"
    staff_copy = rows[1][2]["text"]
    assert staff_copy.startswith("💬 Марат &lt;b&gt; — жителю по сообщению № 1000 (из консоли):")
    async with db.read() as conn:
        events = await (
            await conn.execute("SELECT action, actor_id FROM report_events ORDER BY id")
        ).fetchall()
    assert [tuple(e) for e in events][-1] == ("officer_message", 7)

    async with db.transaction() as conn:
        await conn.execute("UPDATE reports SET reporter_id = ? WHERE id = ?", (OFFLINE, report.id))
    assert await card.write(report.id, officer, "Сәлем") is Outcome.OFFLINE
