"""Buttons from before a release that changed their callback data keep working.

Inline buttons live for weeks: a staff post from last month, a resident's survey in an old
chat. When a release changes how a `CallbackData` is packed (a new field, an action split
into an enum and a value), the old string would no longer parse, and the press would be
answered as a stale button. This outer middleware reads an old string, translates it into
the new packing, and lets the press go on as if the button had been drawn today.

Each entry says which release retires it (at least one release after the change), like the
retired button labels in `locales/retired-labels.toml`. A translation never invents: an old
string it cannot read is passed on unchanged and answered as stale."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, TelegramObject

from bot.domain.numbers import parse_number
from bot.domain.subscriptions import SubscriptionKind
from bot.telegram.callbacks import (
    InspectorPageCb,
    InspectorPickCb,
    InspectorReportCb,
    RejectReason,
    Seen,
    StaffDuplicateCb,
    StaffRejectCb,
    StaffTemplateCb,
    SubAddCb,
    SubRemoveCb,
    SubSwitchCb,
)

#: the separator CallbackData packs with
SEP = ":"


@dataclass(frozen=True)
class Legacy:
    """One old packing of one prefix: `translate` takes the parts after the prefix and
    returns the new callback data, or None when the string is not of this old shape."""

    prefix: str
    translate: Callable[[list[str]], str | None]
    since: str  # the release that changed the packing
    remove_after: str  # the first release that may drop this entry


def translate(data: str, table: Mapping[str, tuple[Legacy, ...]]) -> str | None:
    """The new callback data for an old one, or None when `data` is not an old packing."""
    prefix, _, rest = data.partition(SEP)
    for legacy in table.get(prefix, ()):
        new = legacy.translate(rest.split(SEP) if rest else [])
        if new is not None and new != data:
            return new
    return None


class LegacyButtons(BaseMiddleware):
    """Outer middleware on callback queries: an old packing is replaced by the new one
    before any filter reads it."""

    def __init__(self, table: Mapping[str, tuple[Legacy, ...]]) -> None:
        self.table = table

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, CallbackQuery) and event.data:
            new = translate(event.data, self.table)
            if new is not None:
                event = event.model_copy(update={"data": new})
                if event.bot is None and data.get("bot") is not None:
                    event = event.as_(data["bot"])
        return await handler(event, data)


def table(*entries: Legacy) -> dict[str, tuple[Legacy, ...]]:
    found: dict[str, tuple[Legacy, ...]] = {}
    for entry in entries:
        found[entry.prefix] = (*found.get(entry.prefix, ()), entry)
    return found


def inspector_before_0_1(parts: list[str]) -> str | None:
    """Before 0.1.0 the inspector lookup packed one str value after its action:
    "in:pick:<precinct id>", "in:page:<page>", "in:report:<lat>,<lon>" (five decimals each)."""
    if len(parts) != 2:
        return None
    action, value = parts
    try:
        if action == "pick":
            return InspectorPickCb(precinct=value).pack()
        if action == "page":
            page = parse_number(value)
            return None if page is None else InspectorPageCb(page=page).pack()
        if action == "report":
            lat, lon = (float(v) for v in value.split(","))
            if not (math.isfinite(lat) and math.isfinite(lon)):
                return None
            return InspectorReportCb(lat=lat, lon=lon).pack()
    except ValueError:  # not two numbers, or a value the new packing cannot hold
        return None
    return None


def subscriptions_before_0_1(parts: list[str]) -> str | None:
    """Before 0.1.0 a following's buttons packed one str value after their action:
    "sb:add:<precinct id>", "sb:remove:<subscription>", and
    "sb:<kind>:<subscription>.<0|1>" (kind: surveys, priorities or alerts; 1 switches on)."""
    if len(parts) != 2:
        return None
    action, value = parts
    try:
        if action == "add":
            return SubAddCb(precinct=value).pack()
        number_text, _, wanted = value.partition(".")
        number = parse_number(number_text)
        if number is None:
            return None
        if action == "remove":
            return SubRemoveCb(subscription=number).pack()
        if action in tuple(SubscriptionKind) and wanted in ("0", "1"):
            kind = SubscriptionKind(action)
            return SubSwitchCb(kind=kind, subscription=number, on=wanted == "1").pack()
    except ValueError:  # a value the new packing cannot hold (one with a ":")
        return None
    return None


def staff_valued(parts: list[str]) -> str | None:
    """A staff post's button that carried its value inside the action, before 0.1.0:
    "st:rj_<reason>:<report>:<seen>" (reject with a listed reason),
    "st:tp<template>:<report>:<seen>" (send a ready answer) and
    "st:dup<original>:<report>:<seen>" (close as the same as the original). The plain
    actions ("st:take:<report>:<seen>" and the others) parse unchanged."""
    if len(parts) != 3 or parts[2] not in set(Seen):
        return None
    action, seen = parts[0], Seen(parts[2])
    report = parse_number(parts[1])
    if report is None:
        return None
    if action.startswith("rj_") and action[3:] in set(RejectReason):
        return StaffRejectCb(reason=RejectReason(action[3:]), report=report, seen=seen).pack()
    if action.startswith("tp") and (template := parse_number(action[2:])) is not None:
        return StaffTemplateCb(template=template, report=report, seen=seen).pack()
    if action.startswith("dup") and (original := parse_number(action[3:])) is not None:
        return StaffDuplicateCb(original=original, report=report, seen=seen).pack()
    return None


#: every old packing still honoured; features add theirs here (see docs/architecture)
LEGACY: dict[str, tuple[Legacy, ...]] = table(
    Legacy("in", inspector_before_0_1, since="0.1.0", remove_after="0.2.0"),
    Legacy("sb", subscriptions_before_0_1, since="0.1.0", remove_after="0.2.0"),
    Legacy("st", staff_valued, since="0.1.0", remove_after="0.2.0"),
)
