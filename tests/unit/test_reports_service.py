"""Submitting a report: stored with its media, history and messages in one transaction."""

from __future__ import annotations

import dataclasses
import json
from zoneinfo import ZoneInfo

import pytest

from bot.domain.categories import load_categories
from bot.domain.outbox import OutgoingMessage
from bot.domain.refs import Ref
from bot.domain.reports import Media, ReportDraft, Status
from bot.i18n import build_i18n
from bot.services.outbox import Outbox
from bot.services.reports import (
    TOPIC_OF,
    ReportLimits,
    ReportRefused,
    ReportService,
    SimilarRule,
)
from bot.services.users import UserService
from bot.storage.db import Database
from bot.telegram.report_renderer import TelegramReportRenderer
from tests.conftest import FixedClock

STAFF = -1001


async def service(
    db: Database, clock: FixedClock, topics: bool = False, **limits: int
) -> ReportService:
    renderer = TelegramReportRenderer(
        build_i18n("kk"), load_categories(), ZoneInfo("Asia/Almaty"), "ru", 24
    )

    async def staff_chat() -> int:
        return STAFF

    async def staff_topics() -> bool:
        return topics

    return ReportService(
        db,
        Outbox(clock),
        clock,
        renderer,
        staff_chat,
        ReportLimits(**limits),
        staff_topics=staff_topics,
    )


async def resident(db: Database, clock: FixedClock, user_id: int = 42, consent: bool = True):
    users = UserService(db, clock, "kk")
    await users.seen(user_id, "kk")
    if consent:
        await users.give_consent(user_id)
    return await users.get_required(user_id)


async def outbox_rows(db: Database) -> list[tuple[int, str, dict, str | None]]:
    async with db.read() as conn:
        cur = await conn.execute("SELECT chat_id, method, payload, ref FROM outbox ORDER BY id")
        return [(r[0], r[1], json.loads(r[2]), r[3]) for r in await cur.fetchall()]


DRAFT = ReportDraft(
    category="noise",
    description="Музыка <b>до 3 ночи</b> & крики",
    latitude=42.3417,
    longitude=69.5901,
    media=(Media("photo", "PH1", "u1"), Media("video", "VD1", "u2")),
)


async def test_submit_stores_everything_and_queues_the_post_and_receipt(
    db: Database, clock: FixedClock
) -> None:
    reports = await service(db, clock)
    user = await resident(db, clock)
    report = await reports.submission.submit(user, DRAFT, name="Айгерім <Б>", username="aigerim")
    assert report.id == 1000, "numbers start at 1000"
    assert report.status is Status.NEW and report.media == DRAFT.media
    rows = await outbox_rows(db)
    assert [(chat, method) for chat, method, _, _ in rows] == [
        (STAFF, "sendMediaGroup"),
        (STAFF, "sendLocation"),
        (STAFF, "sendMessage"),
        (42, "sendMessage"),
    ]
    album = rows[0][2]["media"]
    assert album[0] == {"type": "photo", "media": "PH1", "caption": "Сообщение № 1000"}
    post = rows[2][2]["text"]
    assert post.startswith("<b>Сообщение № 1000</b> · 🔊 Шум, нарушение тишины")
    assert "Статус: новое" in post
    assert "🕒 21 ноября 2026, 11:30" in post, "Asia/Almaty time in the staff language"
    assert "Музыка &lt;b&gt;до 3 ночи&lt;/b&gt; &amp; крики" in post, "user text escaped"
    assert "https://2gis.kz/geo/69.590100,42.341700" in post
    assert "📷 Выше 2 фото или видео" in post
    assert "👤 Айгерім &lt;Б&gt; @aigerim · қазақша · 0 сообщений ранее" in post
    assert rows[2][3] == "report:1000:post"
    receipt = rows[3][2]["text"]
    assert receipt.startswith("№ 1000 хабарламаңыз қабылданды.")
    assert "24 сағат ішінде" in receipt
    async with db.read() as conn:
        events = await (await conn.execute("SELECT action FROM report_events")).fetchall()
    assert [e[0] for e in events] == ["submitted"]


async def test_a_send_handled_twice_makes_one_report(db: Database, clock: FixedClock) -> None:
    """The process died after the commit, Telegram sent the same «Send» again."""
    reports = await service(db, clock)
    user = await resident(db, clock)
    keyed = dataclasses.replace(DRAFT, key="wizard-1")
    first = await reports.submission.submit(user, keyed, name="Айгерім", username=None)
    again = await reports.submission.submit(user, keyed, name="Айгерім", username=None)
    assert again.id == first.id == 1000
    assert len(await outbox_rows(db)) == 4, "one post, one receipt"
    other = await reports.submission.submit(
        user, dataclasses.replace(DRAFT, key="wizard-2"), name=None, username=None
    )
    assert other.id == 1001, "another wizard is another report"


async def test_anonymous_report_shows_no_reporter_card(db: Database, clock: FixedClock) -> None:
    reports = await service(db, clock)
    user = await resident(db, clock)
    draft = ReportDraft(
        category="parking", description="Жол бөгелген", address="Байтұрсынов к-сі 12",
        anonymous=True, phone="+77011234567",
    )  # fmt: skip
    report = await reports.submission.submit(user, draft, name="Aigerim", username="aigerim")
    assert report.reporter_name is None and report.reporter_username is None
    post = (await outbox_rows(db))[0][2]["text"]
    assert "👤 Анонимно" in post
    assert "Aigerim" not in post and "aigerim" not in post and "+7701" not in post
    assert "📍 Байтұрсынов к-сі 12 · ⚠️ местоположение не подтверждено" in post


async def test_no_consent_no_report(db: Database, clock: FixedClock) -> None:
    reports = await service(db, clock)
    user = await resident(db, clock, consent=False)
    with pytest.raises(ReportRefused) as refused:
        await reports.submission.submit(user, DRAFT, name=None, username=None)
    assert refused.value.reason == "consent"
    assert await outbox_rows(db) == []


async def test_limits_of_open_and_hourly_reports(db: Database, clock: FixedClock) -> None:
    reports = await service(db, clock, max_open=2, max_per_hour=3)
    user = await resident(db, clock)
    await reports.submission.submit(user, DRAFT, name=None, username=None)
    await reports.submission.submit(user, DRAFT, name=None, username=None)
    with pytest.raises(ReportRefused) as refused:
        await reports.submission.submit(user, DRAFT, name=None, username=None)
    assert (refused.value.reason, refused.value.limit) == ("open", 2)
    async with db.transaction() as conn:  # staff resolved them
        await conn.execute("UPDATE reports SET status = 'resolved'")
    await reports.submission.submit(user, DRAFT, name=None, username=None)
    with pytest.raises(ReportRefused) as refused:
        await reports.submission.submit(user, DRAFT, name=None, username=None)
    assert refused.value.reason == "hourly"
    async with db.read() as conn:
        count = await (await conn.execute("SELECT count(*) FROM reports")).fetchone()
    assert count[0] == 3


async def test_an_incomplete_draft_is_refused(db: Database, clock: FixedClock) -> None:
    reports = await service(db, clock)
    user = await resident(db, clock)
    with pytest.raises(ReportRefused, match="incomplete"):
        await reports.submission.submit(
            user, ReportDraft(category="noise", description="x"), name=None, username=None
        )


async def test_the_staff_post_id_is_recorded_when_delivered(
    db: Database, clock: FixedClock
) -> None:
    reports = await service(db, clock)
    user = await resident(db, clock)
    report = await reports.submission.submit(user, DRAFT, name=None, username=None)
    message = OutgoingMessage(
        7, STAFF, "sendMessage", {}, 1, clock.now, ref=Ref.report(1000, "post")
    )
    async with db.transaction() as conn:
        await reports.delivery.on_sent(conn, message, 555)
    stored = await reports.get(report.id)
    assert stored is not None
    assert (stored.staff_chat_id, stored.staff_message_id) == (STAFF, 555)


def test_draft_round_trips_through_json() -> None:
    assert ReportDraft.from_json(json.loads(json.dumps(DRAFT.to_json()))) == DRAFT


async def test_a_post_delivered_after_a_change_is_brought_up_to_date(
    db: Database, clock: FixedClock
) -> None:
    reports = await service(db, clock)
    user = await resident(db, clock)
    report = await reports.submission.submit(user, DRAFT, name=None, username=None)
    assert (await reports.resident.withdraw(user.id, report.id)).changed  # type: ignore[union-attr]
    message = OutgoingMessage(
        7, STAFF, "sendMessage", {}, 1, clock.now, ref=Ref.report(1000, "post")
    )
    async with db.transaction() as conn:
        await reports.delivery.on_sent(conn, message, 555)
    last = (await outbox_rows(db))[-1]
    assert last[1] == "editMessageText" and last[2]["message_id"] == 555
    assert "Статус: отозвано" in last[2]["text"]
    assert last[2]["reply_markup"] == {"inline_keyboard": []}


async def test_a_post_delivered_after_a_field_changed_shows_it_and_a_new_one_is_left_alone(
    db: Database, clock: FixedClock
) -> None:
    reports = await service(db, clock)
    user = await resident(db, clock)
    report = await reports.submission.submit(user, DRAFT, name=None, username=None)
    message = OutgoingMessage(
        7, STAFF, "sendMessage", {}, 1, clock.now, ref=Ref.report(1000, "post")
    )
    async with db.transaction() as conn:
        await reports.delivery.on_sent(conn, message, 555)
    assert (await outbox_rows(db))[-1][1] == "sendMessage", "nothing to bring up to date"
    second = await reports.submission.submit(user, DRAFT, name=None, username=None)
    assert await reports.actions.set_priority(second.id, "high", 1, "Officer") is not None
    message = OutgoingMessage(
        9, STAFF, "sendMessage", {}, 1, clock.now, ref=Ref.report(1001, "post")
    )
    async with db.transaction() as conn:
        await reports.delivery.on_sent(conn, message, 556)
    last = (await outbox_rows(db))[-1]
    assert last[1] == "editMessageText" and last[2]["message_id"] == 556
    assert "🔴" in last[2]["text"]
    assert report.id == 1000


async def test_with_topics_the_post_waits_for_its_topic(db: Database, clock: FixedClock) -> None:
    reports = await service(db, clock, topics=True)
    user = await resident(db, clock)
    report = await reports.submission.submit(user, DRAFT, name=None, username=None)
    rows = await outbox_rows(db)
    assert [(chat, method) for chat, method, _, _ in rows] == [
        (STAFF, "createForumTopic"),
        (STAFF, "sendMediaGroup"),
        (STAFF, "sendLocation"),
        (STAFF, "sendMessage"),
        (42, "sendMessage"),
    ], "everything is written with the report; the topic comes first in the group"
    assert rows[0][2] == {"name": "№ 1000 · 🔊 Шум, нарушение тишины · 42.3417, 69.5901"}
    placeholder = {TOPIC_OF: 1000}
    assert all(p["message_thread_id"] == placeholder for _, _, p, _ in rows[1:4])

    row = OutgoingMessage(2, STAFF, "sendMessage", rows[3][2], 1, clock.now, ref=Ref.of(rows[3][3]))
    assert "message_thread_id" not in await reports.delivery.prepare(row), (
        "no topic (yet): the group"
    )
    topic = OutgoingMessage(1, STAFF, "createForumTopic", {}, 1, clock.now, ref=Ref.of(rows[0][3]))
    async with db.transaction() as conn:
        await reports.delivery.on_sent(conn, topic, 77)
    assert (await reports.delivery.prepare(row))["message_thread_id"] == 77
    stored = await reports.get(report.id)
    assert stored is not None and stored.staff_thread_id == 77


async def test_a_refused_topic_posts_without_one(db: Database, clock: FixedClock) -> None:
    reports = await service(db, clock, topics=True)
    user = await resident(db, clock)
    await reports.submission.submit(user, DRAFT, name=None, username=None)
    rows = await outbox_rows(db)
    topic = OutgoingMessage(
        1, STAFF, "createForumTopic", {}, 1, clock.now, ref=Ref.report(1000, "topic")
    )
    async with db.transaction() as conn:
        await reports.delivery.on_failed(
            conn, topic, "Bad Request: not enough rights to create a topic"
        )
    row = OutgoingMessage(2, STAFF, "sendMessage", rows[3][2], 1, clock.now, ref=Ref.of(rows[3][3]))
    assert "message_thread_id" not in await reports.delivery.prepare(row)


async def test_withdrawn_before_its_topic_existed(db: Database, clock: FixedClock) -> None:
    reports = await service(db, clock, topics=True)
    user = await resident(db, clock)
    await reports.submission.submit(user, DRAFT, name=None, username=None)
    assert (await reports.resident.withdraw(user.id, 1000)).changed  # type: ignore[union-attr]
    topic = OutgoingMessage(
        1, STAFF, "createForumTopic", {}, 1, clock.now, ref=Ref.report(1000, "topic")
    )
    async with db.transaction() as conn:
        await reports.delivery.on_sent(conn, topic, 77)
    rows = await outbox_rows(db)
    assert rows[-1][1:3] == ("closeForumTopic", {"message_thread_id": 77})


async def test_a_new_report_lists_open_ones_of_its_kind_nearby(
    db: Database, clock: FixedClock
) -> None:
    reports = await service(db, clock)
    reports.submission.similar = SimilarRule()
    user = await resident(db, clock)
    first = await reports.submission.submit(user, DRAFT, name=None, username=None)
    far = dataclasses.replace(DRAFT, latitude=DRAFT.latitude + 0.01)  # about 1.1 km north
    await reports.submission.submit(user, far, name=None, username=None)
    near = dataclasses.replace(DRAFT, latitude=DRAFT.latitude + 0.0005)  # about 56 m north
    second = await reports.submission.submit(user, near, name=None, username=None)
    async with db.read() as conn:
        alike = await reports.submission._alike(conn, second)
    assert alike == [(first.id, 55)], "the far one is not the same thing"


async def test_a_relay_telegram_refuses_for_good_is_told_to_the_resident(
    db: Database, clock: FixedClock
) -> None:
    """Instead of a 👌 that never comes, a word under the resident's own message."""
    reports = await service(db, clock)
    user = await resident(db, clock)
    await reports.submission.submit(user, DRAFT, name=None, username=None)
    before = len(await outbox_rows(db))
    relay = OutgoingMessage(
        9, STAFF, "sendMessage", {}, 1, clock.now, ref=Ref.report(1000, "relay", user.id, 55)
    )
    async with db.transaction() as conn:
        await reports.delivery.on_failed(conn, relay, "Bad Request: message is too long")
    told = (await outbox_rows(db))[before:]
    assert [(chat, method) for chat, method, _, _ in told] == [(user.id, "sendMessage")]
    payload = told[0][2]
    assert payload["reply_parameters"]["message_id"] == 55
    assert payload["text"].startswith("❗ № 1000 хабарлама бойынша кезекші полиция")
    # an officer's message the resident could not get is not the resident's to hear about
    back = OutgoingMessage(
        10, user.id, "sendMessage", {}, 1, clock.now, ref=Ref.report(1000, "relay", STAFF, 77)
    )
    async with db.transaction() as conn:
        await reports.delivery.on_failed(conn, back, "Bad Request: message is too long")
    assert len(await outbox_rows(db)) == before + 1
