"""What the bot says in an outside body's chat (the staff language)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _


def accepted() -> str:
    return _("✅ Accepted: the resident is told.")


def reply_with_answer() -> str:
    return _("Reply to the bot's question with the answer.")


def closed() -> str:
    return _("🏁 Closed: the resident is told.")


def answered() -> str:
    return _("💬 The answer is passed on to the resident, and the appeal is closed.")


def already_closed() -> str:
    return _("This appeal is already closed: nothing was sent.")


def not_this_chat() -> str:
    return _("This appeal was passed to another body.")


def answer_text_only() -> str:
    return _("Please answer in words, as text: the resident gets it as you write it.")


def answer_too_long(limit: int) -> str:
    return _("The answer is too long: at most {limit} characters.").format(limit=limit)
