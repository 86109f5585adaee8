"""The bot's face in Telegram: command menus and descriptions per language and scope.

Set at start-up in the background, once polling runs: Telegram answering 429, 5xx or timing out
must not stop the bot from serving residents; each call that failed is retried until it
succeeds. What Telegram accepted is remembered (a digest per call, in the database), so a
restart that changed nothing sets nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    DeleteMyCommands,
    SetMyCommands,
    SetMyDescription,
    SetMyShortDescription,
    TelegramMethod,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from aiogram.utils.i18n import I18n

from bot.domain.users import LOCALES
from bot.i18n import N_

log = logging.getLogger(__name__)

RESIDENT_COMMANDS = [
    ("start", N_("Start and main menu")),
    ("report", N_("Report a minor offence")),
    ("myreports", N_("My reports and their status")),
    ("complaint", N_("A complaint about a police officer")),
    ("inspector", N_("My district inspector")),
    ("volunteer", N_("Become a public helper")),
    ("profile", N_("My public helper profile")),
    ("myduties", N_("My duties and hours served")),
    ("help", N_("What the bot can do; emergency numbers")),
    ("language", N_("Switch language")),
    ("privacy", N_("My data and consent")),
    ("mydata", N_("Everything the bot keeps about me, as a file")),
    ("forgetme", N_("Erase my data")),
    ("subscribe", N_("Follow an area: surveys and news of the police there")),
    ("subscriptions", N_("News of my area: what I follow")),
    ("cancel", N_("Cancel the current action")),
]
GROUP_COMMANDS = [("chatid", N_("Show this chat's id"))]
STAFF_COMMANDS = [
    ("help", N_("How the duty unit works with the bot")),
    ("me", N_("Set the rank and surname residents see")),
    ("mine", N_("The reports I hold")),
    ("directory", N_("Precincts and inspectors: what is loaded")),
    ("helpers", N_("Public helpers and their applications")),
    ("duty", N_("A new duty for public helpers, or a duty's roster")),
    ("hours", N_("Public helpers' hours served this month")),
    ("find", N_("Find a report by number, phone or username")),
    ("card", N_("A report's whole history")),
    ("phone", N_("File a report taken by phone (or /walkin: in person)")),
    ("extend", N_("Extend a report's answer term, with a reason")),
    ("refer", N_("Pass a report to an outside body, with a note")),
    ("bodies", N_("Outside bodies reports can be referred to")),
    ("banned", N_("Who is banned, and why")),
    ("stats", N_("Reports in figures and a chart")),
    ("templates", N_("Ready answers for residents")),
    ("priorities", N_("Local priorities published for residents")),
    ("survey", N_("Community surveys: compose one, see the results")),
    ("chatid", N_("Show this chat's id")),
]
DESCRIPTION = N_(
    "Sakshy is the Telegram assistant of the Local Police Service. Report minor offences here, "
    "follow your report and find your district inspector. "
    "In an emergency call 102 or 112."
)
SHORT_DESCRIPTION = N_("Your link to the local police. Emergency: 102 / 112.")


class Ledger(Protocol):
    """What was last set, per bot and call: the digest of each request Telegram accepted."""

    async def already_set(self, bot_id: int) -> dict[str, str]: ...

    async def remember(self, bot_id: int, call: str, digest: str) -> None: ...


@dataclass
class ProfileCall:
    name: str
    method: TelegramMethod[Any]

    @property
    def digest(self) -> str:
        """What this call asks of Telegram, as a hash: the same menus and texts, the same
        digest (another language or command changes it)."""
        request = f"{type(self.method).__name__}:{self.method.model_dump_json(exclude_none=True)}"
        return hashlib.sha256(request.encode()).hexdigest()


class BotProfile:
    """Builds and applies every setMyCommands / setMyDescription call the bot needs; a call
    whose request is the one Telegram accepted last time is not made again (a restart with
    nothing changed costs Telegram no request)."""

    def __init__(
        self,
        i18n: I18n,
        default_locale: str,
        staff_chat_id: Callable[[], Awaitable[int | None]],
        ledger: Ledger | None = None,
    ) -> None:
        """`staff_chat_id` resolves the staff group's current id (it follows migrations);
        without a `ledger` every call is made at every start."""
        self.i18n = i18n
        self.default_locale = default_locale
        self.resolve_staff_chat = staff_chat_id
        self.ledger = ledger
        self.staff_chat_id: int | None = None
        self.done = asyncio.Event()
        self.refused: list[str] = []
        #: the calls made at the last `apply` (those already set are not made again)
        self.made: list[str] = []

    def _commands(self, items: list[tuple[str, str]], locale: str) -> list[BotCommand]:
        return [
            BotCommand(command=name, description=self.i18n.gettext(msgid, locale=locale))
            for name, msgid in items
        ]

    def calls(self) -> list[ProfileCall]:
        calls: list[ProfileCall] = []
        # None: the default for every language we have no entry for
        languages: list[str | None] = [None, *LOCALES]
        for lang in languages:
            calls.extend(self._language_calls(lang))
        # Commands of the default scope would show in every chat: keep them empty.
        calls.append(
            ProfileCall("commands/default-scope", DeleteMyCommands(scope=BotCommandScopeDefault()))
        )
        return calls

    def _language_calls(self, lang: str | None) -> list[ProfileCall]:
        """The calls for one language (None: every language without its own entry)."""
        locale = lang or self.default_locale
        tag = lang or "default"
        calls = [
            ProfileCall(
                f"commands/private/{tag}",
                SetMyCommands(
                    commands=self._commands(RESIDENT_COMMANDS, locale),
                    scope=BotCommandScopeAllPrivateChats(),
                    language_code=lang,
                ),
            ),
            ProfileCall(
                f"commands/groups/{tag}",
                SetMyCommands(
                    commands=self._commands(GROUP_COMMANDS, locale),
                    scope=BotCommandScopeAllGroupChats(),
                    language_code=lang,
                ),
            ),
        ]
        if self.staff_chat_id is not None:  # resolved by `apply` before it builds the calls
            calls.append(
                ProfileCall(
                    f"commands/staff/{tag}",
                    SetMyCommands(
                        commands=self._commands(STAFF_COMMANDS, locale),
                        scope=BotCommandScopeChat(chat_id=self.staff_chat_id),
                        language_code=lang,
                    ),
                )
            )
        calls.append(
            ProfileCall(
                f"description/{tag}",
                SetMyDescription(
                    description=self.i18n.gettext(DESCRIPTION, locale=locale),
                    language_code=lang,
                ),
            )
        )
        calls.append(
            ProfileCall(
                f"short_description/{tag}",
                SetMyShortDescription(
                    short_description=self.i18n.gettext(SHORT_DESCRIPTION, locale=locale),
                    language_code=lang,
                ),
            )
        )
        return calls

    async def apply(self, bot: Bot, retry_seconds: float, max_wait: float = 3600.0) -> None:
        """Apply every call that changed since Telegram last accepted it; retry failures (429
        after retry_after, 5xx/timeouts with backoff).

        A refusal that will not change on retry is logged and skipped: the other calls are
        still made, and the refused one is tried again at the next start.
        """
        self.staff_chat_id = await self.resolve_staff_chat()
        known = await self.ledger.already_set(bot.id) if self.ledger is not None else {}
        pending = [c for c in self.calls() if known.get(c.name) != c.digest]
        self.made = []
        delay = retry_seconds
        while pending:
            call = pending[0]
            try:
                await bot(call.method)
            except TelegramRetryAfter as exc:
                log.warning("%s: Telegram asks to wait %s s", call.name, exc.retry_after)
                await asyncio.sleep(exc.retry_after)
                continue
            except (TelegramServerError, TelegramNetworkError, TimeoutError) as exc:
                log.warning("%s failed (%s); retrying in %.0f s", call.name, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, max_wait)
                continue
            except TelegramMigrateToChat as exc:
                log.warning(
                    "%s: the staff group moved to %s; set STAFF_CHAT_ID=%s",
                    call.name,
                    exc.migrate_to_chat_id,
                    exc.migrate_to_chat_id,
                )
                self.refused.append(call.name)
            except TelegramAPIError as exc:
                # A refusal will not change on retry: report it and go on with the rest.
                log.error("%s refused by Telegram: %s", call.name, exc.message)
                self.refused.append(call.name)
            else:
                self.made.append(call.name)
                if self.ledger is not None:
                    await self.ledger.remember(bot.id, call.name, call.digest)
            pending.pop(0)
            delay = retry_seconds
        if self.made:
            log.info("bot commands and descriptions set: %s", ", ".join(self.made))
        self.done.set()
