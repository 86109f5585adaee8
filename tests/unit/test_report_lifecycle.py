"""Every transition of a report's lifecycle, and that nothing else is allowed."""

from __future__ import annotations

import itertools

import pytest

from bot.domain.reports import (
    TRANSITIONS,
    Action,
    Actor,
    Change,
    IllegalTransition,
    Status,
    apply,
)

ALLOWED = [
    (Status.NEW, Action.TAKE, Actor.STAFF, Change(Status.TAKEN, 7)),
    (Status.NEW, Action.REJECT, Actor.STAFF, Change(Status.REJECTED, None)),
    (Status.NEW, Action.WITHDRAW, Actor.RESIDENT, Change(Status.WITHDRAWN, None)),
    (Status.TAKEN, Action.TAKE, Actor.STAFF, Change(Status.TAKEN, 7)),
    (Status.TAKEN, Action.RESOLVE, Actor.STAFF, Change(Status.RESOLVED, 5)),
    (Status.TAKEN, Action.REJECT, Actor.STAFF, Change(Status.REJECTED, 5)),
    (Status.RESOLVED, Action.REOPEN, Actor.STAFF, Change(Status.TAKEN, 7)),
    (Status.REJECTED, Action.REOPEN, Actor.STAFF, Change(Status.TAKEN, 7)),
    (Status.RESOLVED, Action.REOPEN, Actor.RESIDENT, Change(Status.TAKEN, 5)),
    (Status.NEW, Action.REFER, Actor.STAFF, Change(Status.REFERRED, 7)),
    (Status.TAKEN, Action.REFER, Actor.STAFF, Change(Status.REFERRED, 7)),
    (Status.REFERRED, Action.RESOLVE, Actor.BODY, Change(Status.RESOLVED, 5)),
    (Status.REFERRED, Action.RESOLVE, Actor.STAFF, Change(Status.RESOLVED, 5)),
    (Status.REFERRED, Action.TAKE, Actor.STAFF, Change(Status.TAKEN, 7)),
]


@pytest.mark.parametrize(("status", "action", "actor", "change"), ALLOWED)
def test_allowed_transitions(status: Status, action: Action, actor: Actor, change: Change) -> None:
    holder = None if status is Status.NEW else 5  # officer 5 held it; officer 7 acts
    officer = 7 if actor is Actor.STAFF else None
    assert apply(status, action, actor, holder=holder, officer_id=officer) == change


def test_the_table_is_exactly_the_allowed_list() -> None:
    assert set(TRANSITIONS) == {(s, a, w) for s, a, w, _ in ALLOWED}


@pytest.mark.parametrize(
    ("status", "action", "actor"),
    [combo for combo in itertools.product(Status, Action, Actor) if combo not in TRANSITIONS],
)
def test_everything_else_is_refused(status: Status, action: Action, actor: Actor) -> None:
    with pytest.raises(IllegalTransition):
        apply(status, action, actor, holder=5, officer_id=7 if actor is Actor.STAFF else None)


def test_taking_a_report_one_already_holds_is_refused() -> None:
    with pytest.raises(IllegalTransition, match="already holds"):
        apply(Status.TAKEN, Action.TAKE, Actor.STAFF, holder=7, officer_id=7)


def test_staff_actions_need_the_officer() -> None:
    with pytest.raises(IllegalTransition, match="needs the officer"):
        apply(Status.NEW, Action.TAKE, Actor.STAFF, holder=None)


def test_a_withdrawn_report_is_final() -> None:
    for action, actor in itertools.product(Action, Actor):
        with pytest.raises(IllegalTransition):
            apply(Status.WITHDRAWN, action, actor, holder=None, officer_id=7)
