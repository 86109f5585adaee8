"""Delivery hooks of report messages: where a post or topic landed, a topic refused or deleted, a
post row's topic filled in when it is sent."""

from __future__ import annotations

import logging
from typing import Any

from bot.domain.outbox import OutgoingMessage, delivered_mark
from bot.domain.refs import RefKind
from bot.domain.reports import OPEN, Status
from bot.services.outbox import fill_thread
from bot.services.reports.lifecycle import ReportLifecycle
from bot.services.reports.ports import TOPIC_OF, relayed_source
from bot.storage.db import Tx

log = logging.getLogger(__name__)


#: the refs' first parts `ReportDelivery.on_sent` acts on: a topic or post that landed, a relay
#: (its source gets the 👌); any other report row is only marked done
SENT_PARTS = frozenset({"topic", "post", "relay"})


class ReportDelivery:
    """The outbox's hooks for messages with a report ref."""

    def __init__(self, lifecycle: ReportLifecycle) -> None:
        self.lifecycle = lifecycle
        self.outbox = lifecycle.outbox
        self.renderer = lifecycle.renderer
        self.repo = lifecycle.repo

    async def on_sent(self, conn: Tx, message: OutgoingMessage, message_id: int | None) -> None:
        """Delivery hook: a relay reached the other side (its source gets the DELIVERED
        reaction); remember where a report's staff post or topic landed (replies trace back)."""
        source = relayed_source(message.ref)
        if source is None and (
            message.method == "copyMessage"
            and message.ref is not None
            and message.ref.kind is RefKind.REPORT
            and message.ref.parts == ("relay",)
            and message.chat_id > 0  # written before 0.2: an officer's message copied
        ):
            source = int(message.payload["from_chat_id"]), int(message.payload["message_id"])
        if source is not None and message.ref is not None:
            # the sender's own message is marked instead of a new message being written
            chat_id, source_id = source
            await self.outbox.add(conn, delivered_mark(chat_id, source_id, message.ref))
            self.outbox.notify()
        ref = message.ref
        if ref is None or ref.kind is not RefKind.REPORT or ref.id is None:
            return
        report_id = ref.id
        if ref.part == "topic" and message_id is not None:
            # the report's topic exists: its post rows, already queued, will go there
            await self.repo.set_staff_topic(conn, report_id, message.chat_id, message_id)
            report = await self.repo.get(conn, report_id)
            if report is not None and report.status not in OPEN:  # withdrawn meanwhile
                await self.lifecycle.topic_state(conn, report, closed=True)
                self.outbox.notify()
        elif ref.part == "post":
            await self.repo.set_staff_post(conn, report_id, message.chat_id, message_id)
            report = await self.repo.get(conn, report_id)
            if report is not None and report.updated_at >= message.created_at:
                # someone acted (or the resident withdrew, or staff changed its category,
                # priority, place or term) after the post was written and before it arrived:
                # bring it up to date now (a report just made has no such change)
                changed = report.status is not Status.NEW
                for action in ("category", "priority", "place", "extend"):
                    changed = changed or await self.repo.has_event(conn, report.id, action)
                if changed:
                    await self.lifecycle.redraw(conn, report)
                    self.outbox.notify()

    async def on_failed(self, conn: Tx, message: OutgoingMessage, error: str) -> None:
        """Delivery hook: Telegram will not create the report's topic (topics switched off, or
        the bot may not manage them): its post rows go to the group without one. A resident's
        message it will never take to the staff: the resident is told under it."""
        ref = message.ref
        if ref is None or ref.kind is not RefKind.REPORT or ref.id is None:
            return
        report_id = ref.id
        source = relayed_source(ref)
        if source is not None and source[0] > 0:  # from a resident's own chat
            report = await self.repo.get(conn, report_id)
            if report is not None and report.reporter_id == source[0]:
                await self.outbox.add(conn, self.renderer.relay_failed(report, source[1]))
                self.outbox.notify()
            return
        if ref.part == "topic":
            log.error(
                "report %s: Telegram refused its forum topic (%s); posting it without one. "
                "Give the bot the right to manage topics, or switch topics off.",
                report_id,
                error,
            )
            await self.repo.set_staff_topic(conn, report_id, message.chat_id, None)

    async def on_topic_gone(self, conn: Tx, message: OutgoingMessage, error: str) -> None:
        """Delivery hook: a message for a report's topic found it closed or deleted (it goes to
        General). A deleted topic took the post and its buttons with it: post the report again,
        without a topic, as it is now."""
        ref = message.ref
        if ref is None or ref.kind is not RefKind.REPORT or ref.id is None:
            return
        if "not found" not in error.lower() and "deleted" not in error.lower():
            return  # closed by hand: the post and its buttons are still there
        report = await self.repo.get(conn, ref.id)
        if report is None or report.staff_thread_id is None or report.staff_chat_id is None:
            return
        if report.staff_thread_shared:
            return  # the precinct's topic: its messages go to General from now on
        if message.payload.get("message_thread_id") != report.staff_thread_id:
            return
        log.warning("report %s: its topic was deleted; posting the report again", report.id)
        await self.repo.set_staff_topic(conn, report.id, report.staff_chat_id, None)
        await self.repo.set_staff_post(conn, report.id, report.staff_chat_id, None)
        earlier = await self.repo.count_by_reporter(conn, report.reporter_id) - 1
        for post in self.renderer.staff_post(report, report.staff_chat_id, earlier):
            await self.outbox.add(conn, post)
        self.outbox.notify()

    async def prepare(self, message: OutgoingMessage) -> dict[str, Any]:
        """Delivery hook: fill in the forum topic of a post row written before the topic
        existed (no topic after all: the group itself)."""

        async def thread_of(report_id: int) -> int | None:
            report = await self.lifecycle.get(report_id)
            return report.staff_thread_id if report is not None else None

        return await fill_thread(message.payload, TOPIC_OF, thread_of)
