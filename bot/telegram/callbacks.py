"""Callback data of inline buttons. Prefixes are short: Telegram allows 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageCb(CallbackData, prefix="lang"):
    code: str


class ConsentCb(CallbackData, prefix="consent"):
    action: str  # "yes", "no", "withdraw"


class CategoryCb(CallbackData, prefix="rc"):
    key: str


class ReportStepCb(CallbackData, prefix="rs"):
    action: str  # "named", "anonymous", "send", "cancel"


class StaffCb(CallbackData, prefix="st"):
    action: str  # take, resolve, reject, reopen, back, or rj_<reason>
    report: int
