"""Secure by construction: every handler the Dispatcher holds is walked, and

- every staff handler sits under the staff area (bot.telegram.access), which lets through
  the staff chats only and whose StaffGuard checks the role before the handler runs, and it
  declares itself with a Staff(...) filter;
- no handler under the residents' area can be reached from a group.

A staff handler is one of a staff module (the list below: a new router module must be put
on one list or the test fails), or one declared with Staff(...), or one of a staff button
(its callback data) or of a staff command (bot.telegram.bot_profile.STAFF_COMMANDS). The last
tests build bad routers and show the walk catches each way of getting it wrong.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from aiogram import Dispatcher, F, Router
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject, User

from bot import telegram
from bot.telegram import access, callbacks
from bot.telegram import bot_profile as profile
from bot.telegram.access import (
    FLAG,
    GUARDED,
    PARTNER_AREA,
    RESIDENT_AREA,
    STAFF_AREA,
    SUPERVISORS_AREA,
    MemberGuard,
    Staff,
    StaffGuard,
)
from bot.telegram.callbacks import StaffCb
from bot.telegram.resident.start import router as start
from bot.telegram.staff.desk import router as staff_desk

#: a handler's package says who it is for: its router must hang under that area
STAFF_PACKAGE = "bot.telegram.staff."
RESIDENT_PACKAGE = "bot.telegram.resident."
#: an outside body's chat (a report referred to it)
PARTNER_PACKAGE = "bot.telegram.partner."
#: the complaints chat (complaints about officers: never the staff's)
SUPERVISORS_PACKAGE = "bot.telegram.supervisors."
#: for every chat, on purpose: errors, /chatid and /help in groups, migrations, stale buttons
OPEN_PACKAGE = "bot.telegram.common."
STAFF_BUTTONS = (
    callbacks.StaffCb,
    callbacks.StaffRejectCb,
    callbacks.StaffTemplateCb,
    callbacks.StaffDuplicateCb,
    callbacks.StaffReferCb,
    callbacks.HelperCb,
    callbacks.SurveyDraftCb,
)
STAFF_COMMANDS = {name for name, _ in profile.STAFF_COMMANDS} - {"help", "chatid"}

STAFF_CHAT, PRECINCT_CHAT, ANALYSTS_CHAT, OTHER_GROUP = -1001, -1002, -1003, -1009
BODY_CHAT = -1005
COMPLAINTS_CHAT = -1006


class Complaints:
    """What the supervisors' area's filter asks of ComplaintService."""

    def is_complaints_chat(self, chat_id: int) -> bool:
        return chat_id == COMPLAINTS_CHAT


class Referrals:
    """What the partner area's filter asks of ReferralService."""

    def body_of_chat(self, chat_id: int) -> object | None:
        return object() if chat_id == BODY_CHAT else None


class Chats:
    """What the staff area's filters ask of ChatService."""

    analysts_chat_id = ANALYSTS_CHAT

    def precinct_chats(self) -> frozenset[int]:
        return frozenset({PRECINCT_CHAT})

    def is_analysts_chat(self, chat_id: int) -> bool:
        return chat_id == ANALYSTS_CHAT

    async def is_main_staff_chat(self, chat_id: int) -> bool:
        return chat_id == STAFF_CHAT

    async def is_staff_chat(self, chat_id: int) -> bool:
        return chat_id in (STAFF_CHAT, PRECINCT_CHAT)


@dataclass
class Found:
    chain: list[Router]  # from the Dispatcher down to the handler's own router
    event: str  # the observer: "message", "callback_query", …
    handler: HandlerObject

    @property
    def name(self) -> str:
        callback = self.handler.callback
        where = " > ".join(r.name for r in self.chain[1:])
        return f"{callback.__module__}.{callback.__qualname__} ({self.event} in {where})"

    def under(self, area: str) -> bool:
        return any(r.name == area for r in self.chain)


def walk(router: Router, chain: list[Router] | None = None) -> Iterator[Found]:
    chain = [*(chain or []), router]
    for event, observer in router.observers.items():
        if event in ("update", "error"):
            continue
        for handler in observer.handlers:
            yield Found(chain, event, handler)
    for child in router.sub_routers:
        yield from walk(child, chain)


def module_of(found: Found) -> str:
    return str(found.handler.callback.__module__)


def is_staff_module(module: str) -> bool:
    return module.startswith(STAFF_PACKAGE)


def is_resident_module(module: str) -> bool:
    return module.startswith(RESIDENT_PACKAGE)


def is_staff_handler(found: Found) -> bool:
    if is_staff_module(module_of(found)) or FLAG in found.handler.flags:
        return True
    for item in found.handler.filters or []:
        check = item.callback
        if isinstance(check, CallbackQueryFilter) and check.callback_data in STAFF_BUTTONS:
            return True
        if (
            isinstance(check, Command)
            and {c for c in check.commands if isinstance(c, str)} & STAFF_COMMANDS
        ):
            return True
    return False


def event_in(chat_id: int, chat_type: str, event: str) -> TelegramObject:
    chat = Chat(id=chat_id, type=chat_type)
    person = User(id=7, is_bot=False, first_name="Someone")
    message = Message(
        message_id=1, date=datetime.now(UTC), chat=chat, from_user=person, text="/find 1"
    )
    if event == "callback_query":
        return CallbackQuery(
            id="1",
            from_user=person,
            chat_instance="1",
            message=message,
            data=StaffCb(action="take", report=1, seen="n").pack(),
        )
    return message


async def reaches(found: Found, chat_id: int, chat_type: str) -> bool:
    """Whether every parent router's own filters let an update from this chat through to
    the handler's router (what aiogram checks before the handlers there)."""
    event = event_in(chat_id, chat_type, found.event)
    for router in found.chain:
        passed, _ = await router.observers[found.event].check_root_filters(
            event, chats=Chats(), referrals=Referrals(), complaints=Complaints()
        )
        if not passed:
            return False
    return True


async def violations(dp: Dispatcher) -> list[str]:
    wrong: list[str] = []
    for found in walk(dp):
        module = module_of(found)
        if module.startswith("bot.") and not module.startswith(
            (STAFF_PACKAGE, RESIDENT_PACKAGE, OPEN_PACKAGE, PARTNER_PACKAGE, SUPERVISORS_PACKAGE)
        ):
            wrong.append(
                f"{found.name}: put its module under telegram/staff, resident, partner, "
                "supervisors or common"
            )
        if found.under(SUPERVISORS_AREA) or module.startswith(SUPERVISORS_PACKAGE):
            wrong += await supervisors_violations(found)
        if found.under(PARTNER_AREA) or module.startswith(PARTNER_PACKAGE):
            wrong += await partner_violations(found)
        if found.under(STAFF_AREA) or is_staff_handler(found):
            wrong += await staff_violations(found)
        if found.under(RESIDENT_AREA) or is_resident_module(module):
            wrong += await resident_violations(found)
    return wrong


async def staff_violations(found: Found) -> list[str]:
    if not found.under(STAFF_AREA):
        return [f"{found.name}: a staff handler outside the staff area"]
    if found.event not in GUARDED:
        return [f"{found.name}: the staff area guards {GUARDED} only"]
    wrong = []
    if not isinstance(found.handler.flags.get(FLAG), Staff):
        wrong.append(f"{found.name}: declares no Staff(...) filter")
    own = found.chain[-1].observers[found.event]
    if not any(isinstance(m, StaffGuard) for m in own._resolve_middlewares()):
        wrong.append(f"{found.name}: StaffGuard does not run before it")
    for chat_id, kind in ((OTHER_GROUP, "supergroup"), (7, "private")):
        if await reaches(found, chat_id, kind):
            wrong.append(f"{found.name}: reachable from a {kind} chat that is not staff's")
    return wrong


async def partner_violations(found: Found) -> list[str]:
    """An outside body's handler: under the partner area, reachable from a body's chat only
    (never the staff's, another group or a private chat)."""
    if not found.under(PARTNER_AREA):
        return [f"{found.name}: an outside body's handler outside the partner area"]
    if found.event not in GUARDED:
        return [f"{found.name}: the partner area filters {GUARDED} only"]
    wrong = []
    for chat_id, kind in ((STAFF_CHAT, "supergroup"), (OTHER_GROUP, "supergroup"), (7, "private")):
        if await reaches(found, chat_id, kind):
            wrong.append(f"{found.name}: reachable from a {kind} that is not a body's")
    if not await reaches(found, BODY_CHAT, "supergroup"):
        wrong.append(f"{found.name}: not reachable from the body's own chat")
    return wrong


async def supervisors_violations(found: Found) -> list[str]:
    """The complaints chat's handler: under the supervisors' area, its members checked,
    reachable from the complaints chat only (never the staff group, where the officers
    complained about sit, nor any other chat)."""
    if not found.under(SUPERVISORS_AREA):
        return [f"{found.name}: a complaints chat's handler outside the supervisors' area"]
    if found.event not in GUARDED:
        return [f"{found.name}: the supervisors' area filters {GUARDED} only"]
    wrong = []
    own = found.chain[-1].observers[found.event]
    if not any(isinstance(m, MemberGuard) for m in own._resolve_middlewares()):
        wrong.append(f"{found.name}: MemberGuard does not run before it")
    chats = (
        (STAFF_CHAT, "supergroup"), (PRECINCT_CHAT, "supergroup"), (BODY_CHAT, "supergroup"),
        (OTHER_GROUP, "supergroup"), (7, "private"),
    )  # fmt: skip
    for chat_id, kind in chats:
        if await reaches(found, chat_id, kind):
            wrong.append(f"{found.name}: reachable from a {kind} that is not the complaints'")
    if not await reaches(found, COMPLAINTS_CHAT, "supergroup"):
        wrong.append(f"{found.name}: not reachable from the complaints chat")
    return wrong


async def resident_violations(found: Found) -> list[str]:
    if not found.under(RESIDENT_AREA):
        return [f"{found.name}: a resident's handler outside the residents' area"]
    if found.event not in GUARDED:
        return [f"{found.name}: the residents' area filters {GUARDED} only"]
    wrong = []
    for chat_id in (STAFF_CHAT, OTHER_GROUP):
        for kind in ("group", "supergroup"):
            if await reaches(found, chat_id, kind):
                wrong.append(f"{found.name}: reachable from a {kind}")
    return wrong


def app_dispatcher(*extra: Router) -> Dispatcher:
    """The Dispatcher's routers as bot/bootstrap.py attaches them, and any extra ones."""
    dp = Dispatcher()
    dp.include_routers(*telegram.routers(), *extra)
    return dp


async def test_every_handler_sits_where_its_chats_and_role_are_checked() -> None:
    dp = app_dispatcher()
    assert await violations(dp) == []
    found = list(walk(dp))
    staff = [f for f in found if f.under(STAFF_AREA)]
    resident = [f for f in found if f.under(RESIDENT_AREA)]
    supervisors = [f for f in found if f.under(SUPERVISORS_AREA)]
    assert len(staff) >= 30 and len(resident) >= 80, "the walk sees the real routers"
    assert len(supervisors) >= 4, "the complaints chat's buttons and replies"
    assert all(is_staff_module(module_of(f)) for f in staff)
    assert all(is_resident_module(module_of(f)) for f in resident)


def test_every_router_module_is_attached() -> None:
    """A router module of a feature folder that nobody attaches would be dead code; one that
    is attached is walked above."""

    def modules(router: Router) -> Iterator[str]:
        for observer in router.observers.values():  # "error" too, which walk() leaves out
            yield from (str(h.callback.__module__) for h in observer.handlers)
        for child in router.sub_routers:
            yield from modules(child)

    attached = set(modules(app_dispatcher()))
    routers = set()
    for prefix in (STAFF_PACKAGE, RESIDENT_PACKAGE, OPEN_PACKAGE):
        package = importlib.import_module(prefix.rstrip("."))
        for info in pkgutil.walk_packages(package.__path__, prefix):
            module = importlib.import_module(info.name)
            if callable(getattr(module, "router", None)) and not info.ispkg:
                routers.add(info.name)
    assert routers <= attached
    assert len(routers) >= 20


def test_the_app_attaches_the_routers_checked_here() -> None:
    from pathlib import Path

    source = Path(telegram.__file__).parent.parent.joinpath("bootstrap.py").read_text()
    assert "dp.include_routers(*telegram.routers())" in source


async def test_staff_handlers_work_in_their_own_chats() -> None:
    dp = app_dispatcher()
    found = {f.handler.callback.__name__: f for f in walk(dp) if f.under(STAFF_AREA)}
    assert await reaches(found["find"], STAFF_CHAT, "supergroup")
    assert await reaches(found["stats"], ANALYSTS_CHAT, "supergroup")
    assert await reaches(found["on_take"], PRECINCT_CHAT, "group")


async def test_a_staff_handler_registered_outside_the_staff_area_is_caught() -> None:
    bad = Router(name="bad")
    bad.message.register(staff_desk.find, Command("find"))  # by its module
    assert "outside the staff area" in " ".join(await violations(app_dispatcher(bad)))

    async def mine(message: Message) -> None: ...

    for declared in (
        lambda r: r.message.register(mine, Staff("mine")),  # by its declaration
        lambda r: r.callback_query.register(mine, callbacks.StaffCb.filter()),  # a staff button
        lambda r: r.message.register(mine, Command("card")),  # a staff command
    ):
        bad = Router(name="bad")
        declared(bad)
        assert any(
            "mine" in v and "outside the staff area" in v
            for v in await violations(app_dispatcher(bad))
        )


async def test_a_staff_handler_without_a_declaration_or_its_guard_is_caught() -> None:
    async def undeclared(message: Message) -> None: ...

    inner = Router(name="inner")
    inner.message.register(undeclared, Command("card"))
    dp = Dispatcher()
    dp.include_routers(*telegram.routers()[:-2], access.staff_area(inner))
    assert any("undeclared" in v and "no Staff" in v for v in await violations(dp))

    # a look-alike parent without the guard and the filters
    fake = Router(name=STAFF_AREA)
    loose = Router(name="loose")
    loose.message.register(undeclared, Command("card"), Staff("card"))
    fake.include_router(loose)
    found = "\n".join(await violations(app_dispatcher(fake)))
    assert "StaffGuard does not run" in found and "not staff's" in found

    # a kind of update the area does not guard
    inner = Router(name="inner")
    inner.my_chat_member.register(undeclared, Staff("x"))
    dp = Dispatcher()
    dp.include_routers(access.staff_area(inner))
    assert any("guards" in v for v in await violations(dp))


async def test_a_residents_handler_reachable_from_a_group_is_caught() -> None:
    bad = Router(name="bad")
    bad.message.register(start.start, Command("start"))  # a resident's, outside the area
    assert any("outside the residents' area" in v for v in await violations(app_dispatcher(bad)))

    # under a look-alike area whose filter lets groups through
    leaky = Router(name=RESIDENT_AREA)
    leaky.message.filter(F.chat.type.in_({"private", "supergroup"}))
    inner = Router(name="inner")
    inner.message.register(start.start, Command("start"))
    leaky.include_router(inner)
    found = await violations(app_dispatcher(leaky))
    assert any("start.router.start" in v and "reachable from a supergroup" in v for v in found)
    assert not any(v.endswith("reachable from a group") for v in found), "private or supergroup"
