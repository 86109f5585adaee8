"""What the bot says in the complaints chat, to the supervisor who acted."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _


def taken() -> str:
    return _("🙋 Taken: the resident is told that it is being looked into.")


def reply_with_text() -> str:
    return _("Reply to the bot's question with the text.")


def answered() -> str:
    return _("⚖️ The answer is passed on to the resident, and the complaint is closed.")


def already_answered() -> str:
    return _("This complaint is already answered and closed: nothing was sent.")


def already_taken() -> str:
    return _("Another supervisor has already taken this complaint.")


def unknown() -> str:
    return _("This button is out of date.")


def answer_text_only() -> str:
    return _("The answer must be text: write it in words, in reply to the bot's question.")


def answer_too_long(limit: int) -> str:
    return _("The answer is too long: at most {limit} characters.").format(limit=limit)


def chat_help() -> str:
    return _(
        "⚖️ <b>The complaints chat</b>\n\n"
        "Complaints about police officers come here, and only here. Under each one:\n"
        "• 🙋 Take: you look into it; the resident is told, without your name\n"
        "• 💬 Write, or a reply to the complaint: a message to the resident, who can answer\n"
        "• ✅ Answer and close: the answer, as you write it; the complaint is closed\n\n"
        "The term is on each complaint; the morning after it, an open one is flagged overdue."
    )
