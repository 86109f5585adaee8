"""Conversation states (kept in SQLite between restarts)."""

from aiogram.fsm.state import State, StatesGroup


class Onboarding(StatesGroup):
    consent = State()


class ReportForm(StatesGroup):
    category = State()
    description = State()
    location = State()
    media = State()
    anonymity = State()
    phone = State()
    confirm = State()


class ReportChat(StatesGroup):
    writing = State()  # data: {"report": number}


class InspectorLookup(StatesGroup):
    place = State()  # waiting for a location, a microdistrict from the list, or its name


class SurveyComment(StatesGroup):
    writing = State()  # data: {"report": number}


class HelperForm(StatesGroup):
    consent = State()
    name = State()
    birth = State()
    iin = State()
    phone = State()
    precincts = State()
    availability = State()
    note = State()
    confirm = State()


class SubscribeForm(StatesGroup):
    where = State()  # a location or a precinct's name
