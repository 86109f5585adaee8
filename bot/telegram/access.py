"""Who reaches which handlers, declared once on two parent routers.

Residents' routers hang under `resident_area`, which lets through private chats only. The
outside bodies' routers hang under `partner_area`, which lets through the chat of a body in
the directory only (its members are the body's people; each press is checked against the
referral's own body in the service). Staff
routers hang under `staff_area`, which lets through the staff group, the precincts' own chats
and the analysts' chat only, and whose `StaffGuard` checks the role before any handler under
it runs. A handler there says what it is with a `Staff(...)` filter: which of those chats it
serves, what the audit calls a refusal, whether it is for administrators. A handler that
forgets to say is still guarded (the strictest way: no refusal shown, nothing done), and
tests/unit/test_access.py fails until it says.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.dispatcher.flags import get_flag
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.services.chats import ChatService
from bot.services.complaints import ComplaintService
from bot.services.desk import DeskService
from bot.services.referrals import ReferralService
from bot.telegram import texts
from bot.telegram.common.texts import members_only
from bot.telegram.staff_members import AdminGate, StaffGate

log = logging.getLogger(__name__)

PRIVATE = F.chat.type == "private"
GROUPS = F.chat.type.in_({"group", "supergroup"})
#: the names of the two parent routers (tests find the areas by them)
RESIDENT_AREA = "resident_area"
STAFF_AREA = "staff_area"
#: the outside bodies' own chats (reports referred to them)
PARTNER_AREA = "partner_area"
#: the complaints chat (the supervisors' or internal security's): complaints about officers
SUPERVISORS_AREA = "supervisors_area"
#: the update types the areas guard; a handler of any other type under them is refused by
#: the tests (its chat would not be checked)
GUARDED = ("message", "edited_message", "callback_query")
#: the flag a `Staff` filter puts on its handler
FLAG = "staff"

#: where a staff handler works: "desk", the staff group (and the analysts' chat, which is
#: told it gets figures only, unless `analysts` is set); "main", the staff group only;
#: "posts", the staff group and the precincts' own chats, where reports are posted too
Where = Literal["desk", "main", "posts"]


def _chat_id(event: TelegramObject) -> int | None:
    if isinstance(event, Message):
        return event.chat.id
    if isinstance(event, CallbackQuery) and isinstance(event.message, Message):
        return event.message.chat.id
    return None


class Staff(Filter):
    """A staff handler's declaration, checked by `StaffGuard` before the handler runs.

    `what` names the action in the audit of refusals (for a button, a format string over its
    callback data); without it a refusal is silent and not audited (words in a report's
    topic: people talk there). `admin` makes it a handler for the staff group's
    administrators, and is the refusal anyone else gets; `analysts` lets the command work in
    the analysts' chat.
    As a filter it matches the chats `where` names: elsewhere the update goes on to the
    routers after this one, as if the handler were not there.
    """

    def __init__(
        self,
        what: str | None = None,
        *,
        where: Where = "desk",
        admin: Callable[[], str] | None = None,
        analysts: bool = False,
    ) -> None:
        self.what = what
        self.where = where
        self.admin = admin
        self.analysts = analysts

    def update_handler_flags(self, flags: dict[str, Any]) -> None:
        flags[FLAG] = self

    async def __call__(self, event: TelegramObject, chats: ChatService) -> bool:
        chat_id = _chat_id(event)
        if chat_id is None:
            return False
        if self.where == "posts":
            return await chats.is_staff_chat(chat_id)
        if chats.is_analysts_chat(chat_id):
            return self.where == "desk"
        return await chats.is_main_staff_chat(chat_id)

    def action(self, data: dict[str, Any]) -> str | None:
        """The audit's name for what was refused."""
        if self.what is None:
            return None
        callback_data = data.get("callback_data")
        if isinstance(callback_data, CallbackData):
            return self.what.format(**callback_data.model_dump())
        return self.what


#: what a handler under the staff area that declared nothing is held to
UNDECLARED = Staff()


class InStaffChat(Filter):
    """The staff area's own filter: one of the chats staff work in."""

    async def __call__(self, event: TelegramObject, chats: ChatService) -> bool:
        chat_id = _chat_id(event)
        if chat_id is None:
            return False
        return (
            chats.is_analysts_chat(chat_id)
            or chat_id in chats.precinct_chats()
            or await chats.is_main_staff_chat(chat_id)
        )


class StaffGuard(BaseMiddleware):
    """Runs after a staff handler's filters matched, before the handler: the presser or writer
    must be a member of the chat's staff, or one of the staff group's administrators where
    the handler says so (and is then refused in the handler's words). A refusal is the same
    everywhere: an alert under a button, a reply to a command, both audited; nothing at all
    for words that are not a command."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        policy: Staff = get_flag(data, FLAG) or UNDECLARED
        chat_id = _chat_id(event)
        person = getattr(event, "from_user", None)
        if chat_id is None or person is None or person.is_bot:
            return None
        bot: Bot = data["bot"]
        chats: ChatService = data["chats"]
        if chats.is_analysts_chat(chat_id) and not policy.analysts:
            # the interagency group sees figures only: no names, phones or places
            await self._refuse(event, data, policy, texts.analysts_figures_only)
            return None
        if policy.admin is not None:
            # the staff group's administrators are members of it: one question is enough
            admins: AdminGate = data["admins"]
            if not await admins.is_admin(bot, person.id):
                await self._refuse(event, data, policy, policy.admin)
                return None
        else:
            gate: StaffGate = data["staff_gate"]
            if not await gate.is_staff(bot, person.id, chat_id):
                await self._refuse(event, data, policy, texts.staff_only)
                return None
        return await handler(event, data)

    async def _refuse(
        self,
        event: TelegramObject,
        data: dict[str, Any],
        policy: Staff,
        text: Callable[[], str],
    ) -> None:
        what = policy.action(data)
        chat_id = _chat_id(event)
        person = getattr(event, "from_user", None)
        if what is None or chat_id is None or person is None:
            return  # silent: not a command nor a button
        desk: DeskService = data["desk"]
        await desk.refused(person.id, person.full_name, chat_id, what)
        if isinstance(event, CallbackQuery):
            await event.answer(text(), show_alert=True)
        elif isinstance(event, Message):
            await event.reply(text())


def resident_area(*routers: Router) -> Router:
    """The residents' routers, reachable from private chats only."""
    area = Router(name=RESIDENT_AREA)
    area.message.filter(PRIVATE)
    area.edited_message.filter(PRIVATE)
    area.callback_query.filter(F.message.chat.type == "private")
    area.include_routers(*routers)
    return area


def _group_area(
    name: str, chat: Filter, routers: tuple[Router, ...], guard: BaseMiddleware | None = None
) -> Router:
    """A parent router for the groups `chat` lets through: messages, edits and presses there
    only, each checked by `guard` (when given) before any handler under it runs."""
    area = Router(name=name)
    area.message.filter(GROUPS, chat)
    area.edited_message.filter(GROUPS, chat)
    area.callback_query.filter(F.message.chat.type.in_({"group", "supergroup"}), chat)
    if guard is not None:
        for observer in GUARDED:
            area.observers[observer].middleware(guard)
    area.include_routers(*routers)
    return area


def staff_area(*routers: Router) -> Router:
    """The staff routers, reachable from the staff chats only and by staff only."""
    return _group_area(STAFF_AREA, InStaffChat(), routers, StaffGuard())


class InBodyChat(Filter):
    """The partner area's own filter: the chat of an outside body in the directory."""

    async def __call__(self, event: TelegramObject, referrals: ReferralService) -> bool:
        chat_id = _chat_id(event)
        return chat_id is not None and referrals.body_of_chat(chat_id) is not None


def partner_area(*routers: Router) -> Router:
    """The outside bodies' routers, reachable from their own chats only."""
    return _group_area(PARTNER_AREA, InBodyChat(), routers)


class InComplaintsChat(Filter):
    """The supervisors' area's own filter: the chat complaints about officers go to."""

    async def __call__(self, event: TelegramObject, complaints: ComplaintService) -> bool:
        chat_id = _chat_id(event)
        return chat_id is not None and complaints.is_complaints_chat(chat_id)


class MemberGuard(BaseMiddleware):
    """The presser or writer must be a member of the chat now (asked of Telegram, cached
    briefly): a person removed from the complaints chat loses its buttons at once, and a
    message from a channel or an anonymous admin acts for nobody. A press is refused with an
    alert; words are ignored."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        chat_id = _chat_id(event)
        person = getattr(event, "from_user", None)
        if chat_id is None or person is None or person.is_bot:
            return None
        gate: StaffGate = data["staff_gate"]
        if not await gate.is_member(data["bot"], person.id, chat_id):
            if isinstance(event, CallbackQuery):
                await event.answer(members_only(), show_alert=True)
            return None
        return await handler(event, data)


def supervisors_area(*routers: Router) -> Router:
    """The complaints chat's routers, reachable from that chat only, by its members only."""
    return _group_area(SUPERVISORS_AREA, InComplaintsChat(), routers, MemberGuard())
