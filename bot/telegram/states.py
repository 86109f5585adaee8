"""Conversation states (kept in SQLite between restarts)."""

from aiogram.fsm.state import State, StatesGroup


class Onboarding(StatesGroup):
    consent = State()
