"""The officer–resident conversation about a report: the bot asking for a note, officers' messages
relayed to the resident, the resident's answers and details copied to the staff."""

from __future__ import annotations

from bot.domain.reports import (
    MAX_NOTE,
    MAX_WRITTEN,
    OPEN,
    Action,
    Actor,
    IllegalTransition,
    Report,
    Status,
    apply,
)
from bot.domain.users import FORGOTTEN, OFFLINE
from bot.services.reports.lifecycle import ReportLifecycle
from bot.services.reports.ports import RELAYABLE, ActionResult, Relayed, Said, parse_ask


class ReportConversation:
    """Messages between the staff group and a report's author."""

    def __init__(self, lifecycle: ReportLifecycle) -> None:
        self.lifecycle = lifecycle
        self.db = lifecycle.db
        self.outbox = lifecycle.outbox
        self.renderer = lifecycle.renderer
        self.repo = lifecycle.repo
        self.staff = lifecycle.staff
        self.relays = lifecycle.relays

    async def ask(
        self, report_id: int, action: Action, *, officer_id: int, officer_name: str, seen: Status
    ) -> ActionResult:
        """Resolve with a note, or reject with a typed reason: the bot asks the officer to
        reply with the text; the reply (to that very message) acts, if nothing changed."""
        async with self.db.transaction() as conn:
            report = await self.repo.get(conn, report_id)
            if report is None:
                raise LookupError(f"report {report_id} does not exist")
            if report.status is not seen:
                return await self.lifecycle.refused(conn, report, "changed meanwhile")
            try:
                apply(
                    report.status,
                    action,
                    Actor.STAFF,
                    holder=report.officer_id,
                    officer_id=officer_id,
                )
            except IllegalTransition as exc:
                return ActionResult(report, False, str(exc))
            version = await self.repo.version(conn, report_id)
            await self.outbox.add(
                conn, self.renderer.ask_note(report, action, officer_id, officer_name, version)
            )
        self.outbox.notify()
        return ActionResult(report, False)

    async def from_officer(
        self,
        source: Relayed,
        *,
        officer_id: int,
        officer_name: str,
        reply_to: int | None,
        thread_id: int | None,
        text: str | None,
    ) -> tuple[Said, ActionResult | None]:
        """An officer's message in the staff group. In reply to the bot's request for a note
        or a reason it completes that action; in reply to a report's post (or anything the
        bot posted for it), or anywhere in a report's forum topic, it is relayed to the
        resident; anything else stays among staff."""
        chat_id = source.chat_id
        async with self.db.transaction() as conn:
            ref = await self.relays.ref_of(conn, chat_id, reply_to) if reply_to else None
            asked = parse_ask(ref)
            if asked is not None:
                report_id, action, version = asked
                if text is None:
                    return Said.NOT_TEXT, None
                if len(text) > MAX_NOTE:
                    return Said.TOO_LONG, None
                result = await self.lifecycle.staff_act(
                    conn,
                    report_id,
                    action,
                    officer_id,
                    officer_name,
                    None,
                    text.strip(),
                    None,
                    version,
                )
                said = Said.ACTED if result.changed else Said.CHANGED
                outcome: ActionResult | None = result
            else:
                report = None
                if reply_to is not None:
                    found = await self.relays.report_of_staff_post(conn, chat_id, reply_to)
                    report = await self.repo.get(conn, found) if found else None
                if report is None and thread_id is not None:
                    report = await self.repo.by_topic(conn, chat_id, thread_id)
                if report is None:
                    return (Said.NOT_A_REPORT if reply_to else Said.IGNORED), None
                if source.content_type not in RELAYABLE:
                    return Said.IGNORED, None
                if report.reporter_id == FORGOTTEN:
                    return Said.ERASED, None
                if report.reporter_id == OFFLINE:
                    return Said.OFFLINE, None
                officer = await self.staff.profile(conn, officer_id)
                for message in self.renderer.officer_says(report, officer, source):
                    await self.outbox.add(conn, message)
                await self.lifecycle.event(
                    conn,
                    report.id,
                    "staff",
                    officer_id,
                    "officer_message",
                    actor_name=officer_name,
                )
                said, outcome = Said.RELAYED, ActionResult(report, False)
        self.outbox.notify()
        return said, outcome

    async def write(self, report_id: int, text: str, *, officer_id: int, officer_name: str) -> Said:
        """An officer's typed message from the console: it reaches the resident as one typed in
        the group would (signed, and the resident can answer it), and the staff see it under
        the report's post, so the group knows what the resident was told."""
        text = text.strip()
        if not text:
            return Said.NOT_TEXT
        if len(text) > MAX_WRITTEN:
            return Said.TOO_LONG
        async with self.db.transaction() as conn:
            report = await self.repo.get(conn, report_id)
            if report is None:
                return Said.NOT_A_REPORT
            if report.reporter_id == FORGOTTEN:
                return Said.ERASED
            if report.reporter_id == OFFLINE:
                return Said.OFFLINE
            officer = await self.staff.profile(conn, officer_id)
            await self.outbox.add(conn, self.renderer.template_says(report, officer, text))
            shown = self.renderer.console_wrote(report, officer_name, text)
            if shown is not None:
                await self.outbox.add(conn, shown)
            await self.lifecycle.event(
                conn, report.id, "staff", officer_id, "officer_message", actor_name=officer_name
            )
        self.outbox.notify()
        return Said.RELAYED

    async def relay_from_resident(self, reply_to: int, said: Relayed) -> Report | None:
        """The resident answered a relayed officer message: it goes to the staff group (its
        own message gets the DELIVERED reaction when Telegram has taken the relay)."""
        resident_id = said.chat_id
        async with self.db.transaction() as conn:
            report_id = await self.relays.report_of_relayed(conn, resident_id, reply_to)
            report = await self.repo.get(conn, report_id) if report_id else None
            if report is None or report.reporter_id != resident_id:
                return None
            if report.staff_chat_id is None:
                return None
            await self.lifecycle.to_staff(conn, report, said)
        self.outbox.notify()
        return report

    async def write_to_staff(
        self, report_id: int, said: Relayed, *, header: bool = True
    ) -> Report | None:
        """ "Add details" from the report card: the resident's message goes under the post.
        Only their own report, and only while it is open."""
        resident_id = said.chat_id
        async with self.db.transaction() as conn:
            report = await self.repo.get(conn, report_id)
            if report is None or report.reporter_id != resident_id:
                return None
            if report.status not in OPEN or report.staff_chat_id is None:
                return None
            await self.lifecycle.to_staff(conn, report, said, header=header)
        self.outbox.notify()
        return report

    async def resident_unreachable(self, report_id: int) -> None:
        """A message for the resident was refused (they blocked the bot): tell the staff,
        once per report, under its post."""
        async with self.db.transaction() as conn:
            report = await self.repo.get(conn, report_id)
            if report is None or report.staff_chat_id is None:
                return
            if await self.repo.has_event(conn, report_id, "resident_unreachable"):
                return
            await self.outbox.add(conn, self.renderer.resident_unreachable(report))
            await self.lifecycle.event(conn, report_id, "system", None, "resident_unreachable")
        self.outbox.notify()

    async def relayed_to_resident(self, chat_id: int, message_id: int) -> int | None:
        """The report a staff message was relayed for (an officer editing it is told that
        the resident keeps the first version)."""
        async with self.db.read() as conn:
            return await self.relays.relayed_from(conn, chat_id, message_id)
