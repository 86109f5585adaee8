"""Button labels and keyboards.

Labels of reply-keyboard buttons are matched by filters in every language (see `ButtonFilter`),
so a keyboard sent before /language keeps working after it.
"""

from __future__ import annotations

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import gettext as _

from bot.i18n import N_
from bot.telegram.callbacks import ConsentCb, LanguageCb

BTN_HELP = N_("ℹ️ Help")
BTN_LANGUAGE = N_("🌐 Language")
BTN_PRIVACY = N_("🔒 My data")
BTN_MENU = N_("🏠 Main menu")

#: Each language named in itself, never translated: a reader finds their own.
LANGUAGE_NAMES = {"kk": "🇰🇿 Қазақша", "ru": "🇷🇺 Русский"}


def main_menu() -> ReplyKeyboardMarkup:
    """The resident's menu: only features that work (no dead buttons)."""
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_(BTN_HELP)), KeyboardButton(text=_(BTN_LANGUAGE))],
            [KeyboardButton(text=_(BTN_PRIVACY))],
        ],
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=_("Choose an action"),
    )


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=name, callback_data=LanguageCb(code=code).pack())]
            for code, name in LANGUAGE_NAMES.items()
        ]
    )


def consent_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("✅ I agree"), callback_data=ConsentCb(action="yes").pack()
                )
            ],
            [InlineKeyboardButton(text=_("Not now"), callback_data=ConsentCb(action="no").pack())],
        ]
    )


def privacy_keyboard(has_consent: bool) -> InlineKeyboardMarkup:
    if has_consent:
        button = InlineKeyboardButton(
            text=_("Withdraw consent"), callback_data=ConsentCb(action="withdraw").pack()
        )
    else:
        button = InlineKeyboardButton(
            text=_("✅ I agree"), callback_data=ConsentCb(action="yes").pack()
        )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])
