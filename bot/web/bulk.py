"""Bulk work in the console (issue 24): several reports of the queue, ticked (or those in view on
the map, listed), handed over, referred or filed under another category in one step.

Each report goes through the very step its card's form takes (`CardActions`), with the status
the queue showed it in (a report that changed meanwhile is left as it is and counted), each
audited, each resident told as by the group's buttons. At most `MAX_BULK` reports a step.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from bot.domain.categories import Category
from bot.domain.refs import Ref
from bot.domain.reports import Status
from bot.services.console import CardActions, Outcome, Who
from bot.services.desk import DeskService
from bot.services.referrals import ReferralService

if TYPE_CHECKING:
    from bot.web.console import Console

MAX_BULK = 100
STEPS = ("assign", "refer", "category")


@dataclass(frozen=True)
class Ticked:
    number: int
    seen: Status


def ticked(values: list[str]) -> list[Ticked] | None:
    """The queue's ticked boxes, «1000:new» each; None if any is not one of ours."""
    found = []
    for value in values:
        number, _, seen = value.partition(":")
        if not number.isdigit() or len(number) > 9:
            return None
        try:
            found.append(Ticked(int(number), Status(seen)))
        except ValueError:
            return None
    return found


class Bulk:
    def __init__(
        self,
        console: Console,
        *,
        actions: CardActions,
        desk: DeskService,
        referrals: ReferralService,
        categories: tuple[Category, ...],
    ) -> None:
        self.console = console
        self.actions = actions
        self.desk = desk
        self.referrals = referrals
        self.categories = {c.key for c in categories}

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/console/bulk", self.act)

    async def act(self, request: web.Request) -> web.Response:
        console = self.console
        locale = console.locale(request)
        access = await console.staff_session(request, locale)
        if isinstance(access, web.Response):
            return access
        form = await request.post()
        step = str(form.get("step", ""))
        reports = ticked([str(v) for v in form.getall("n", [])])
        valid = hmac.compare_digest(str(form.get("csrf", "")), console.csrf(request))
        if not valid or step not in STEPS or reports is None or len(reports) > MAX_BULK:
            raise web.HTTPSeeOther("/console/?bulk=stale")
        if not console.may_act(access.user_id):
            return console.too_many(locale)
        who = Who(access.user_id, await console.name_of(access.user_id))
        done = late = 0
        for report in reports:
            outcome = await self._one(report, step, who, access.covers, form)
            await self.desk.audited(
                who.user_id,
                who.name,
                0,
                f"console bulk {step}",
                f"{Ref.report(report.number)} {outcome.value}",
            )
            if outcome is Outcome.DONE:
                done += 1
            else:
                late += 1
        raise web.HTTPSeeOther(f"/console/?done={done}&late={late}")

    async def _one(
        self,
        report: Ticked,
        step: str,
        who: Who,
        covers: Callable[[str | None], bool],
        form: Mapping[str, object],
    ) -> Outcome:
        found = await self.actions.reports.get(report.number)
        if found is None or not covers(found.precinct_id):
            return Outcome.LATE
        if step == "assign":
            to = str(form.get("to", ""))
            if to == "me":
                target = who
            elif not (to.isdigit() and len(to) <= 15):
                return Outcome.NOT_STAFF
            elif not await self.actions.may_handle(int(to), found.precinct_id):
                return Outcome.NOT_STAFF  # checked before Telegram is asked their name
            else:
                target = Who(int(to), await self.console.name_of(int(to)))
            return await self.actions.assign(report.number, who, report.seen, target)
        if step == "refer":
            return await self.actions.refer(report.number, who, report.seen, str(form.get("body")))
        category = str(form.get("category", ""))
        if category not in self.categories:
            return Outcome.LATE
        return await self.actions.recategorise(report.number, who, report.seen, category)
