"""People: language at first contact, consent with its audit, reachability."""

from __future__ import annotations

import pytest

from bot.domain.users import CONSENT_VERSION, pick_language
from bot.services.users import UserService
from bot.storage.db import Database
from bot.storage.repositories import SubscriptionRepository, UserRepository
from tests.conftest import FixedClock


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("kk", "kk"),
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("kk_KZ", "kk"),
        ("en", "kk"),
        (None, "kk"),
        ("", "kk"),
    ],
)
def test_pick_language(code: str | None, expected: str) -> None:
    assert pick_language(code, "kk") == expected


async def test_first_contact_stores_id_and_language_only(db: Database, clock: FixedClock) -> None:
    users = UserService(db, clock, "kk")
    user, first = await users.seen(7, "ru")
    assert first and user.language == "ru" and not user.language_chosen
    assert user.consent_version is None
    again, first_again = await users.seen(7, "kk")
    assert not first_again and again.language == "ru", (
        "Telegram's code counts only at first contact"
    )


async def test_language_choice_is_stored(db: Database, clock: FixedClock) -> None:
    users = UserService(db, clock, "kk")
    await users.seen(8, "en")
    user = await users.set_language(8, "ru")
    assert user.language == "ru" and user.language_chosen
    with pytest.raises(ValueError):
        await users.set_language(8, "en")


async def test_consent_given_and_withdrawn_is_audited(db: Database, clock: FixedClock) -> None:
    users = UserService(db, clock, "kk")
    await users.seen(9, "kk")
    assert await users.give_consent(9)
    assert not await users.give_consent(9), "a second tap changes nothing"
    user = await users.get_required(9)
    assert user.has_consent and user.consent_version == CONSENT_VERSION
    assert user.consent_at == clock.now
    async with db.transaction() as conn:  # follows an area: where they live, kept with consent
        await SubscriptionRepository().add(conn, 9, "mzhk", clock.now)
    assert await users.withdraw_consent(9)
    assert not await users.withdraw_consent(9)
    user = await users.get_required(9)
    assert not user.has_consent and user.consent_at is None
    async with db.read() as conn:
        assert await UserRepository().consent_history(conn, 9) == ["given", "withdrawn"]
        assert await SubscriptionRepository().of_user(conn, 9) == [], "no area kept"


async def test_not_now_is_asked_once_per_consent_text(db: Database, clock: FixedClock) -> None:
    users = UserService(db, clock, "kk")
    user, _ = await users.seen(11, "kk")
    assert user.should_be_asked_consent
    assert await users.decline_consent(11)
    assert not await users.decline_consent(11)
    assert not (await users.get_required(11)).should_be_asked_consent
    assert await users.give_consent(11), "agreeing later is still possible"
    async with db.read() as conn:
        assert await UserRepository().consent_history(conn, 11) == ["declined", "given"]


async def test_blocked_user_is_reachable_again_after_writing(
    db: Database, clock: FixedClock
) -> None:
    users = UserService(db, clock, "kk")
    await users.seen(10, "kk")
    await users.mark_unreachable(10)
    assert (await users.get_required(10)).blocked_bot
    user, _ = await users.seen(10, "kk")
    assert not user.blocked_bot
