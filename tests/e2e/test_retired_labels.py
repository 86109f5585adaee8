"""A reply keyboard sent by an older release keeps working after a translator renames its
buttons: the bot matches the labels kept in locales/retired-labels.toml."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po, write_po

import bot.bootstrap
from bot.i18n import RETIRED_LABELS, build_i18n, current_translations, read_retired_labels
from bot.resources import locales_dir
from bot.services.clock import WorldClock
from bot.telegram.buttons import BTN_REPORT, BTN_VOLUNTEER
from bot.testing.fake_telegram import FakeTelegram
from tests.e2e.conftest import RunningBot
from tests.e2e.scenarios import onboard

#: the labels of release 0.1.0, still on residents' phones
OLD_REPORT_KK = "📝 Құқықбұзушылық туралы хабарлау"
OLD_VOLUNTEER_RU = "🤝 Стать общественным помощником"


def labels(user: Any) -> list[str]:
    """The labels of the reply keyboard the user's phone shows."""
    return [label for row in user.reply_keyboard or [] for label in row]


def set_label(locales: Path, lang: str, msgid: str, label: str) -> None:
    path = locales / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    catalog[msgid].string = label
    with path.open("wb") as fh:
        write_po(fh, catalog)


@pytest.fixture
def locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the catalogs the bot reads, for this test to rename buttons in."""
    copy = tmp_path / "locales"
    shutil.copytree(locales_dir(), copy)
    monkeypatch.setattr(bot.bootstrap, "build_i18n", lambda default: build_i18n(default, copy))
    return copy


async def test_old_menu_labels_still_work_after_a_rename(
    tg: FakeTelegram, tmp_path: Path, clock: WorldClock, locales: Path
) -> None:
    retired = read_retired_labels(locales / RETIRED_LABELS)
    assert OLD_REPORT_KK in retired.get(BTN_REPORT, ()), "keep the 0.1.0 label in the file"
    assert OLD_VOLUNTEER_RU in retired.get(BTN_VOLUNTEER, ()), "keep the 0.1.0 label in the file"
    # Release 0.1.0: the residents get their menus with the old labels.
    set_label(locales, "kk", BTN_REPORT, OLD_REPORT_KK)
    set_label(locales, "ru", BTN_VOLUNTEER, OLD_VOLUNTEER_RU)
    running = RunningBot(tg, tmp_path / "data" / "sakshy.db", clock)
    await running.start()
    try:
        aigerim = tg.user(7101, first_name="Aigerim", language_code="kk")
        ivan = tg.user(7102, first_name="Ivan", language_code="ru")
        await onboard(aigerim, "kk")
        await onboard(ivan, "ru")
        assert OLD_REPORT_KK in labels(aigerim)
        assert OLD_VOLUNTEER_RU in labels(ivan)

        # The next release renames both buttons; the phones still show the old keyboards.
        set_label(locales, "kk", BTN_REPORT, "📝 Жаңа белгі")
        set_label(locales, "ru", BTN_VOLUNTEER, "🤝 Новая надпись")
        await running.restart()
        renamed = build_i18n("kk", locales)
        assert OLD_REPORT_KK not in current_translations(renamed, BTN_REPORT)
        assert OLD_VOLUNTEER_RU not in current_translations(renamed, BTN_VOLUNTEER)
        await aigerim.tap(OLD_REPORT_KK)
        wizard = await aigerim.next_message()
        assert any(b["callback_data"].startswith("rc:") for b in wizard.buttons), wizard.text
        await ivan.tap(OLD_VOLUNTEER_RU)
        intro = await ivan.next_message()
        assert "vo:consent:yes" in [b["callback_data"] for b in intro.buttons], intro.text
    finally:
        await running.stop()
