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

from bot.domain.categories import Category
from bot.i18n import N_
from bot.telegram.callbacks import (
    CategoryCb,
    ConsentAction,
    ConsentCb,
    ForgetAction,
    ForgetCb,
    LanguageCb,
    ReportStep,
    ReportStepCb,
)

BTN_REPORT = N_("📝 Report a violation")
BTN_BACK = N_("⬅️ Back")
BTN_CANCEL = N_("✖️ Cancel")
BTN_SEND_LOCATION = N_("📍 Send my location")
BTN_DONE = N_("✅ Done")
BTN_SKIP = N_("⏭ Skip")
BTN_SHARE_PHONE = N_("📞 Share my phone")
BTN_MY_REPORTS = N_("📋 My reports")
BTN_HELP = N_("ℹ️ Help")
BTN_LANGUAGE = N_("🌐 Language")
BTN_PRIVACY = N_("🔒 My data")
BTN_MENU = N_("🏠 Main menu")
BTN_INSPECTOR = N_("👮 My district inspector")
BTN_PICK_FROM_LIST = N_("📋 Choose from the list")
BTN_VOLUNTEER = N_("🤝 Become a public helper")
BTN_COMPLAINT = N_("⚖️ Complaint about an officer")

#: Each language named in itself, never translated: a reader finds their own.
LANGUAGE_NAMES = {"kk": "🇰🇿 Қазақша", "ru": "🇷🇺 Русский"}


def main_menu() -> ReplyKeyboardMarkup:
    """The resident's menu: only features that work (no dead buttons)."""
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_(BTN_REPORT)), KeyboardButton(text=_(BTN_MY_REPORTS))],
            [KeyboardButton(text=_(BTN_INSPECTOR)), KeyboardButton(text=_(BTN_VOLUNTEER))],
            [KeyboardButton(text=_(BTN_HELP)), KeyboardButton(text=_(BTN_LANGUAGE))],
            [KeyboardButton(text=_(BTN_PRIVACY)), KeyboardButton(text=_(BTN_COMPLAINT))],
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
                    text=_("✅ I agree"), callback_data=ConsentCb(action=ConsentAction.YES).pack()
                )
            ],
            [
                InlineKeyboardButton(
                    text=_("Not now"), callback_data=ConsentCb(action=ConsentAction.NO).pack()
                )
            ],
        ]
    )


def privacy_keyboard(has_consent: bool) -> InlineKeyboardMarkup:
    if has_consent:
        button = InlineKeyboardButton(
            text=_("Withdraw consent"),
            callback_data=ConsentCb(action=ConsentAction.WITHDRAW).pack(),
        )
    else:
        button = InlineKeyboardButton(
            text=_("✅ I agree"), callback_data=ConsentCb(action=ConsentAction.YES).pack()
        )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def forget_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("🗑 Yes, erase my data"),
                    callback_data=ForgetCb(action=ForgetAction.YES).pack(),
                ),
                InlineKeyboardButton(
                    text=_("Keep my data"), callback_data=ForgetCb(action=ForgetAction.NO).pack()
                ),
            ]
        ]
    )


def _step_keyboard(*rows: list[KeyboardButton]) -> ReplyKeyboardMarkup:
    """A wizard step: its own buttons, then Back and Cancel."""
    return ReplyKeyboardMarkup(
        keyboard=[
            *rows,
            [KeyboardButton(text=_(BTN_BACK)), KeyboardButton(text=_(BTN_CANCEL))],
        ],
        resize_keyboard=True,
        is_persistent=True,
    )


def back_cancel_keyboard() -> ReplyKeyboardMarkup:
    return _step_keyboard()


def location_keyboard() -> ReplyKeyboardMarkup:
    return _step_keyboard([KeyboardButton(text=_(BTN_SEND_LOCATION), request_location=True)])


def inspector_place_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_(BTN_SEND_LOCATION), request_location=True)],
            [KeyboardButton(text=_(BTN_PICK_FROM_LIST))],
            [KeyboardButton(text=_(BTN_CANCEL))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def media_keyboard() -> ReplyKeyboardMarkup:
    return _step_keyboard([KeyboardButton(text=_(BTN_DONE)), KeyboardButton(text=_(BTN_SKIP))])


def phone_keyboard() -> ReplyKeyboardMarkup:
    return _step_keyboard(
        [KeyboardButton(text=_(BTN_SHARE_PHONE), request_contact=True)],
        [KeyboardButton(text=_(BTN_SKIP))],
    )


def category_keyboard(categories: tuple[Category, ...], locale: str) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(text=c.label(locale), callback_data=CategoryCb(key=c.key).pack())
        for c in categories
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            InlineKeyboardButton(
                text=_(BTN_CANCEL), callback_data=ReportStepCb(action=ReportStep.CANCEL).pack()
            )
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def anonymity_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("👤 Show my name to the police"),
                    callback_data=ReportStepCb(action=ReportStep.NAMED).pack(),
                )
            ],
            [
                InlineKeyboardButton(
                    text=_("🕶 Report anonymously"),
                    callback_data=ReportStepCb(action=ReportStep.ANONYMOUS).pack(),
                )
            ],
        ]
    )


def confirm_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("✅ Send to the police"),
                    callback_data=ReportStepCb(action=ReportStep.SEND).pack(),
                )
            ],
            [
                InlineKeyboardButton(
                    text=_(BTN_CANCEL), callback_data=ReportStepCb(action=ReportStep.CANCEL).pack()
                )
            ],
        ]
    )
