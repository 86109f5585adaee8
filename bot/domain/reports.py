"""Reports of minor offences: the lifecycle, and nothing else allowed.

new ──take──▶ taken ──resolve──▶ resolved
 │             │  ▲ take by another officer (hand over)
 │             └──┴──reject──▶ rejected
 ├──reject──▶ rejected
 └──withdraw (resident)──▶ withdrawn
resolved | rejected ──reopen (staff; resident only from resolved)──▶ taken
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    TAKEN = "taken"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    TAKE = "take"
    RESOLVE = "resolve"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"


class Actor(StrEnum):
    STAFF = "staff"
    RESIDENT = "resident"


#: (status, action, actor) -> new status: the whole lifecycle
TRANSITIONS: dict[tuple[Status, Action, Actor], Status] = {
    (Status.NEW, Action.TAKE, Actor.STAFF): Status.TAKEN,
    (Status.NEW, Action.REJECT, Actor.STAFF): Status.REJECTED,
    (Status.NEW, Action.WITHDRAW, Actor.RESIDENT): Status.WITHDRAWN,
    (Status.TAKEN, Action.TAKE, Actor.STAFF): Status.TAKEN,  # handed to another officer
    (Status.TAKEN, Action.RESOLVE, Actor.STAFF): Status.RESOLVED,
    (Status.TAKEN, Action.REJECT, Actor.STAFF): Status.REJECTED,
    (Status.RESOLVED, Action.REOPEN, Actor.STAFF): Status.TAKEN,
    (Status.REJECTED, Action.REOPEN, Actor.STAFF): Status.TAKEN,
    (Status.RESOLVED, Action.REOPEN, Actor.RESIDENT): Status.TAKEN,  # "not solved" in the survey
}

OPEN = frozenset({Status.NEW, Status.TAKEN})


class IllegalTransition(Exception):
    """The action does not apply to the report as it is now (often: someone was faster)."""

    def __init__(self, status: Status, action: Action, actor: Actor, reason: str = "") -> None:
        super().__init__(reason or f"{actor} cannot {action} a report that is {status}")
        self.status = status
        self.action = action
        self.actor = actor


@dataclass(frozen=True, slots=True)
class Change:
    status: Status
    officer_id: int | None  # who holds the report afterwards


def apply(
    status: Status,
    action: Action,
    actor: Actor,
    *,
    holder: int | None,
    officer_id: int | None = None,
) -> Change:
    """The outcome of `action` by `actor` (an officer's id for staff) on a report in `status`
    held by `holder`; raises IllegalTransition for anything the lifecycle does not allow."""
    target = TRANSITIONS.get((status, action, actor))
    if target is None:
        raise IllegalTransition(status, action, actor)
    if actor is Actor.STAFF and officer_id is None:
        raise IllegalTransition(status, action, actor, "a staff action needs the officer")
    if status is Status.TAKEN and action is Action.TAKE and holder == officer_id:
        raise IllegalTransition(status, action, actor, "the officer already holds it")
    if action in (Action.TAKE, Action.REOPEN) and actor is Actor.STAFF:
        return Change(target, officer_id)
    if action is Action.WITHDRAW:
        return Change(target, None)
    return Change(target, holder)  # resolve/reject keep who handled it; resident reopen too
