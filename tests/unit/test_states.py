"""Conversation states are stored by name (fsm_states.state): a conversation under way at an
upgrade resumes only if every name it may hold still exists. Each group lives beside its
feature's router; moving one keeps the names, renaming one would strand people mid-step."""

from __future__ import annotations

from bot.telegram import state_groups

#: every state a stored conversation may hold, as written by releases since 0.1.0
STORED = {
    "HelperForm:availability", "HelperForm:birth", "HelperForm:confirm", "HelperForm:consent",
    "HelperForm:iin", "HelperForm:name", "HelperForm:note", "HelperForm:phone",
    "HelperForm:precincts", "InspectorLookup:place", "Onboarding:consent",
    "ReportChat:writing", "ReportForm:anonymity", "ReportForm:category", "ReportForm:confirm",
    "ReportForm:description", "ReportForm:location", "ReportForm:media", "ReportForm:phone",
    "SubscribeForm:where", "SurveyComment:writing",
}  # fmt: skip


def test_every_stored_state_still_exists() -> None:
    names = {s.state for group in state_groups() for s in group.__states__}
    assert names >= STORED, f"renamed or gone: {sorted(STORED - names)}"


def test_each_group_sits_beside_its_router() -> None:
    for group in state_groups():
        assert group.__module__.startswith("bot.telegram.resident."), group
