"""Retired button labels (locales/retired-labels.toml) keep old keyboards working, safely."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.i18n import (
    RETIRED_LABELS,
    all_translations,
    build_i18n,
    current_translations,
    read_retired_labels,
)
from bot.telegram import buttons

ROOT = Path(__file__).resolve().parents[2]
FILE = ROOT / "locales" / RETIRED_LABELS
#: every reply-keyboard label the bot matches with ButtonFilter
BUTTONS = {name: value for name, value in vars(buttons).items() if name.startswith("BTN_")}


def release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def test_every_retired_label_matches_its_button() -> None:
    i18n = build_i18n("kk")
    retired = read_retired_labels(FILE)
    assert retired, "the file is read when the catalogs are built"
    assert i18n.retired_labels == retired  # type: ignore[attr-defined]
    for msgid, labels in retired.items():
        assert msgid in BUTTONS.values(), f"{msgid!r} is not a reply-keyboard button (BTN_*)"
        for label in labels:
            assert label in all_translations(i18n, msgid), label


def test_a_retired_label_never_reads_as_another_button() -> None:
    """An old label equal to another button's label (today's or old) would press the wrong
    button on some phones."""
    i18n = build_i18n("kk")
    owner: dict[str, str] = {}
    for msgid in BUTTONS.values():
        for label in current_translations(i18n, msgid):
            assert owner.setdefault(label, msgid) == msgid, f"{label!r}: {owner[label]}, {msgid}"
    for msgid, labels in read_retired_labels(FILE).items():
        for label in labels:
            assert owner.setdefault(label, msgid) == msgid, (
                f"retired label {label!r} of {msgid!r} is a label of {owner[label]!r}"
            )


def test_retired_labels_go_after_their_release() -> None:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        version = tomllib.load(fh)["project"]["version"]
    with FILE.open("rb") as fh:
        entries = tomllib.load(fh)["label"]
    overdue = [e["msgid"] for e in entries if release(version) > release(e["remove_after"])]
    assert overdue == [], f"release {version}: delete these entries of {FILE.name}"


def test_a_malformed_entry_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / RETIRED_LABELS
    path.write_text('[[label]]\nmsgid = "⬅️ Back"\nkk = "⬅️ Кері"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="remove_after"):
        read_retired_labels(path)
    assert read_retired_labels(tmp_path / "none.toml") == {}
