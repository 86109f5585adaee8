"""Whatever no other router understood gets a short answer and the way back to the menu."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message

from bot.domain.users import User
from bot.services.users import UserService
from bot.telegram import texts
from bot.telegram.buttons import consent_keyboard, main_menu
from bot.telegram.filters import FirstContact
from bot.telegram.resident.start import router as start
from bot.telegram.resident.start.router import Onboarding

log = logging.getLogger(__name__)


def router() -> Router:
    r = Router(name="fallback")
    private = F.chat.type == "private"
    r.message.register(consent_reminder, private, StateFilter(Onboarding.consent))
    r.message.register(first_contact, private, FirstContact())
    r.message.register(unknown_text, private, F.text)
    r.message.register(unsupported, private)
    r.edited_message.register(edited, private)
    r.callback_query.register(stale_button)
    r.my_chat_member.register(membership_changed, F.chat.type == "private")
    return r


async def consent_reminder(message: Message) -> None:
    """Mid-onboarding: one short line saying what we wait for, with the buttons again."""
    await message.answer(texts.consent_reminder(), reply_markup=consent_keyboard())


async def first_contact(message: Message, state: FSMContext, user: User) -> None:
    """A new user whose first words are not /start still gets the welcome and the choices."""
    await start.start(message, state, user)


async def unknown_text(message: Message) -> None:
    await message.answer(texts.not_understood(), reply_markup=main_menu())


async def unsupported(message: Message) -> None:
    await message.answer(texts.unsupported_content(), reply_markup=main_menu())


async def edited(message: Message) -> None:
    await message.answer(texts.edits_ignored())


async def stale_button(query: CallbackQuery) -> None:
    """Buttons from before a restart or a removed feature: answer, never leave the spinner."""
    log.info("stale callback %r from %s", query.data, query.from_user.id)
    await query.answer(texts.stale_button())
    if isinstance(query.message, Message) and query.message.chat.type == "private":
        await query.message.answer(texts.main_menu_hint(), reply_markup=main_menu())


async def membership_changed(event: ChatMemberUpdated, user: User, users: UserService) -> None:
    status = event.new_chat_member.status
    if status in (ChatMemberStatus.KICKED, ChatMemberStatus.LEFT):
        await users.mark_unreachable(user.id)
    elif status == ChatMemberStatus.MEMBER:
        await users.mark_reachable(user.id)
