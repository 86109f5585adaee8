"""Text markers that need no translation machinery (the domain stays free of aiogram)."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a msgid for extraction without translating it (button labels matched in any locale)."""
    return message
