"""Sakshy: a Telegram bot that connects residents with their local police."""

__version__ = "0.1.0"
