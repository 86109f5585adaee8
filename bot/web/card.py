"""The console's report card (issue 24): a report as its staff post shows it, its whole
history, and the group's buttons as forms.

Each form posts the session's CSRF token and the status the card showed (`seen`); the press
goes to `CardActions` (bot/services/console.py), which calls the very service the group's
button or command calls, with the same compare-and-set. The answer is a redirect back to the
card with the outcome's code in the address (POST, redirect, GET: a reload never sends a
message twice), and every press and every look is audited.
"""

from __future__ import annotations

import hmac
import logging
import mimetypes
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from aiogram.exceptions import TelegramAPIError
from aiohttp import ClientError, web
from markupsafe import Markup

from bot.domain.refs import Ref
from bot.domain.reports import (
    MAX_NOTE,
    MAX_WRITTEN,
    STAFF_STEPS,
    Action,
    Report,
    Status,
    staff_steps,
)
from bot.services.console import CardActions, Outcome, Who
from bot.services.desk import DeskService
from bot.services.directory import DirectoryService
from bot.services.referrals import ReferralService
from bot.telegram.common.render import REJECT_REASONS
from bot.telegram.report_renderer import TelegramReportRenderer
from bot.web import texts

if TYPE_CHECKING:
    from bot.web.console import Console

log = logging.getLogger(__name__)

#: the card's forms, by the address they post to
STEPS = STAFF_STEPS
#: the longest extension typed as working days
MAX_DAYS = 60


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


class ReportCard:
    """The card page and its actions."""

    def __init__(
        self,
        console: Console,
        *,
        actions: CardActions,
        desk: DeskService,
        referrals: ReferralService,
        directory: DirectoryService,
        renderer: TelegramReportRenderer,
    ) -> None:
        self.console = console
        self.actions = actions
        self.desk = desk
        self.referrals = referrals
        self.directory = directory
        self.renderer = renderer

    def routes(self, app: web.Application) -> None:
        app.router.add_get(r"/console/r/{number:\d{1,9}}", self.page)
        app.router.add_get(r"/console/r/{number:\d{1,9}}/media/{which:\d|voice}", self.media)
        steps = "|".join(STEPS)
        app.router.add_post(r"/console/r/{number:\d{1,9}}/{step:" + steps + "}", self.act)

    # --- the page ----------------------------------------------------------------------------

    async def page(self, request: web.Request) -> web.Response:
        """A report as its staff post shows it, and every step of it: the group's /card, one
        rule, two faces. Each look is audited, as /card is."""
        console = self.console
        locale = console.locale(request)
        access = await console.staff_session(request, locale)
        if isinstance(access, web.Response):
            return access
        who = access.user_id
        number = int(request.match_info["number"])
        found = await self.desk.card(number)
        i18n = console.i18n
        if found is None or not access.covers(found.report.precinct_id):
            # a precinct chat's member sees that precinct's reports only, as in the chats
            with i18n.context(), i18n.use_locale(locale):
                t = {"title": texts.title(), "back": texts.back_to_queue()}
                t["missing"] = (
                    texts.no_such_report(number) if found is None else texts.not_yours(number)
                )
            status = 404 if found is None else 403
            return console.render("card.html", locale, status=status, t=t, card=None)
        name = await console.name_of(who)
        await self.desk.looked(who, name, 0, "console card", str(number))
        report = found.report
        templates = await self.actions.reports.actions.templates_for(report.category)
        officers = await self.actions.reports.actions.officers()
        with i18n.context(), i18n.use_locale(locale):
            card = self.renderer.card(found)
            outcome = self._outcome(request, report, locale)
            t = texts.card_labels(report.status)
            reasons = [Choice(code, i18n.gettext(text)) for code, text in REJECT_REASONS.items()]
            assignees = [Choice("me", texts.assign_me())]
            inspector = self._inspector(report)
            if inspector is not None:
                assignees.append(Choice("inspector", texts.assign_inspector(inspector)))
            assignees += [Choice(str(o.user_id), o.name) for o in officers if o.user_id != who]
        return console.render(
            "card.html",
            locale,
            section="queue",
            t=t,
            card=Markup(card),
            can=staff_steps(report.status),
            number=number,
            seen=report.status.value,
            csrf=console.csrf(request),
            outcome=outcome,
            reasons=reasons,
            bodies=[Choice(b.id, b.name(locale)) for b in self.referrals.active()],
            assignees=assignees,
            templates=[Choice(str(t["id"]), str(t["title"])) for t in templates],
            max_note=MAX_NOTE,
            max_written=MAX_WRITTEN,
            max_days=MAX_DAYS,
            media=[m.kind for m in report.media],
            voice=report.voice_file_id is not None,
        )

    async def media(self, request: web.Request) -> web.StreamResponse:
        """A report's photo, video or voice message, fetched from Telegram by the bot
        (getFile, then the file's download) and streamed on: the page never sees a Telegram
        file address, which carries the bot's token."""
        console = self.console
        access = await console.allowed(request)
        report = await self.actions.reports.get(int(request.match_info["number"]))
        if report is None or not access.covers(report.precinct_id):
            raise web.HTTPNotFound()
        which = request.match_info["which"]
        if which == "voice":
            file_id = report.voice_file_id
        else:
            index = int(which)
            file_id = report.media[index].file_id if index < len(report.media) else None
        if file_id is None:
            raise web.HTTPNotFound()
        bot = console.bot
        try:
            found = await bot.get_file(file_id)
        except TelegramAPIError as exc:
            log.warning("console: report %s: cannot get its file: %s", report.id, exc)
            raise web.HTTPBadGateway() from None
        if found.file_path is None:
            raise web.HTTPNotFound()
        kind = mimetypes.guess_type(found.file_path)[0] or "application/octet-stream"
        # chunked: the length is what Telegram sends, not what getFile said it would be
        response = web.StreamResponse(headers={"Content-Type": kind})
        url = bot.session.api.file_url(bot.token, found.file_path)
        try:
            async for chunk in bot.session.stream_content(url, timeout=60):
                if not response.prepared:
                    await response.prepare(request)
                await response.write(chunk)
        except (ClientError, TimeoutError) as exc:
            log.warning("console: report %s: its file broke off: %s", report.id, type(exc))
            if not response.prepared:
                raise web.HTTPBadGateway() from None
        if not response.prepared:
            await response.prepare(request)
        await response.write_eof()
        return response

    def _inspector(self, report: Report) -> str | None:
        """The precinct inspector's name, if their Telegram account is linked (/me)."""
        if not report.inspector_id or self.directory.linked_user(report.inspector_id) is None:
            return None
        inspector = self.directory.current.inspector(report.inspector_id)
        return inspector.full_name if inspector else None

    def _outcome(self, request: web.Request, report: Report, locale: str) -> str | None:
        try:
            code = Outcome(request.query.get("outcome", ""))
        except ValueError:
            return None
        day = self.renderer.day
        legal = self.actions.reports.lifecycle.legal
        due = day(report.due_on, locale) if report.due_on else ""
        latest = day(legal.latest(report.category, report.created_at), locale) if legal else ""
        original = request.query.get("original", "")
        return texts.outcome(
            code,
            number=report.id,
            due=due,
            latest=latest,
            original=int(original) if original.isdigit() else 0,
        )

    # --- the presses -------------------------------------------------------------------------

    async def act(self, request: web.Request) -> web.Response:
        """A form of the card: the same service and compare-and-set as the group's button;
        the staff post is edited and the resident told exactly as from the group."""
        console = self.console
        locale = console.locale(request)
        access = await console.staff_session(request, locale)
        if isinstance(access, web.Response):
            return access
        user_id = access.user_id
        form = await request.post()
        number = int(request.match_info["number"])
        report = await self.actions.reports.get(number)
        if report is None or not access.covers(report.precinct_id):
            raise web.HTTPSeeOther(f"/console/r/{number}")  # says why, as the card does
        step = request.match_info["step"]
        try:
            seen = Status(str(form.get("seen", "")))
        except ValueError:
            seen = None
        if seen is None or not hmac.compare_digest(
            str(form.get("csrf", "")), console.csrf(request)
        ):
            # not a form of this session's card (another site's, or an old page): nothing done
            with console.i18n.context(), console.i18n.use_locale(locale):
                t = {"title": texts.title(), "back": texts.back_to_queue()}
                t["missing"] = texts.stale_form()
            return console.render("card.html", locale, status=403, t=t, card=None)
        if not console.may_act(user_id):
            return console.too_many(locale)
        who = Who(user_id, await console.name_of(user_id))
        fields = {key: str(value) for key, value in form.items() if isinstance(value, str)}
        outcome = await self._press(number, step, who, seen, fields)
        await self.desk.audited(
            who.user_id, who.name, 0, f"console {step}", f"{Ref.report(number)} {outcome.value}"
        )
        where = f"/console/r/{number}?outcome={outcome.value}"
        if outcome is Outcome.ORIGINAL_CLOSED:
            where += f"&original={fields.get('original', '').strip()}"
        raise web.HTTPSeeOther(where)

    async def _press(
        self, number: int, step: str, who: Who, seen: Status, form: dict[str, str]
    ) -> Outcome:
        """What the form asks, checked, then done by the service."""
        act = self.actions
        if step not in staff_steps(seen):
            return Outcome.LATE  # a form the card no longer offers
        if step == "take":
            return await act.change(number, Action.TAKE, who, seen)
        if step == "reopen":
            return await act.change(number, Action.REOPEN, who, seen)
        if step == "resolve":
            return await act.change(number, Action.RESOLVE, who, seen, note=form.get("note"))
        if step == "reject":
            reason = form.get("reason", "")
            if reason in REJECT_REASONS:
                return await act.change(number, Action.REJECT, who, seen, reason=reason)
            if not form.get("note", "").strip():
                return Outcome.EMPTY
            return await act.change(number, Action.REJECT, who, seen, note=form.get("note"))
        if step == "assign":
            to = await self._assignee(number, who, form.get("to", ""))
            if to is None:
                return Outcome.NOT_STAFF
            return await act.assign(number, who, seen, to)
        if step == "refer":
            return await act.refer(number, who, seen, form.get("body", ""))
        if step == "extend":
            term = parse_term(form.get("date", ""), form.get("days", ""))
            if term is None:
                return Outcome.BAD_DATE
            return await act.extend(number, who, term, form.get("reason", ""))
        if step == "duplicate":
            original = form.get("original", "").strip().lstrip("№# ")
            if not original.isdigit() or len(original) > 9:
                return Outcome.NO_ORIGINAL
            return await act.duplicate(number, who, seen, int(original))
        if step == "write":
            return await act.write(number, who, form.get("text", ""))
        template = form.get("template", "")
        if not template.isdigit():
            return Outcome.NO_TEMPLATE
        return await act.template(number, who, int(template))

    async def _assignee(self, number: int, who: Who, to: str) -> Who | None:
        """Whom the report is handed to: the presser, the precinct's inspector (if linked),
        or an officer of the list (by Telegram id, checked to be in the staff group or the
        report's precinct chat before Telegram is asked their name)."""
        if to == "me":
            return who
        report = await self.actions.reports.get(number)
        if report is None:
            return None
        if to == "inspector":
            linked = self.directory.linked_user(report.inspector_id or "")
            return Who(linked, await self.console.name_of(linked)) if linked else None
        handles = to.isdigit() and len(to) <= 15
        if handles and await self.actions.may_handle(int(to), report.precinct_id):
            return Who(int(to), await self.console.name_of(int(to)))
        return None


def parse_term(day: str, days: str) -> date | int | None:
    """The new answer date (an <input type=date>'s YYYY-MM-DD) or so many working days."""
    day, days = day.strip(), days.strip()
    if day:
        try:
            return date.fromisoformat(day)
        except ValueError:
            return None
    if days.isdigit() and 0 < int(days) <= MAX_DAYS:
        return int(days)
    return None
