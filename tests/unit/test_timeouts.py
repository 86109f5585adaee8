"""SAKSHY_TEST_TIMEOUT_SCALE: one factor for every deadline a test waits on."""

from __future__ import annotations

import asyncio

import pytest

from bot.testing.fake_telegram import FakeTelegram, NoMessageError
from bot.testing.timeouts import ENV_NAME, describe, scaled


def test_unset_means_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_NAME, raising=False)
    assert scaled(5) == 5
    assert describe(5) == "5s"


def test_the_factor_multiplies_and_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_NAME, "3")
    assert scaled(5) == 15
    assert describe(0.5) == "0.5s (x3: 1.5s)"


@pytest.mark.parametrize("value", ["0", "-1", "fast", "nan", "inf"])
def test_a_factor_that_is_not_a_positive_number_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(ENV_NAME, value)
    with pytest.raises(ValueError, match=ENV_NAME):
        scaled(5)


async def test_the_fakes_waits_take_the_scaled_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_NAME, "4")
    fake = FakeTelegram(token="1:a")
    await fake.start()
    try:
        user = fake.user(1, "A")
        loop = asyncio.get_running_loop()
        began = loop.time()
        with pytest.raises(NoMessageError, match=r"within 0\.05s \(x4: 0\.2s\)"):
            await user.next_message(timeout=0.05)
        assert loop.time() - began >= 0.19
        with pytest.raises(AssertionError, match=r"within 0\.05s \(x4: 0\.2s\)"):
            await fake.wait_for(lambda: False, timeout=0.05)
    finally:
        await fake.stop()
