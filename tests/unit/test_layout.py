"""The house rules a newcomer relies on to find their way (CONTRIBUTING.md, "Where things
live"), checked on the source: no room too big to read, no two files of one name in a layer
but the roles every feature folder repeats."""

from __future__ import annotations

from collections import defaultdict
from enum import Enum
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
#: the longest module outside the test kit (bot/testing: the fake Telegram's method table)
MAX_LINES = 700
#: files every feature folder may have, one of each: router, texts, rendering, the package
ROLES = {"__init__.py", "router.py", "texts.py", "render.py"}
LAYERS = ("domain", "storage", "services", "telegram", "scheduler")


def modules() -> list[Path]:
    return [p for p in BOT.rglob("*.py") if "testing" not in p.relative_to(BOT).parts]


def test_no_module_is_too_long_to_read() -> None:
    long = {
        p.relative_to(BOT).as_posix(): n
        for p in modules()
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split by what each part serves (over {MAX_LINES} lines)"


def test_no_two_files_of_one_name_in_a_layer() -> None:
    """A name says one thing in its layer: two staff.py or two delivery.py in one layer send
    a newcomer to the wrong one. The layers mirror each other on purpose (reports.py in
    domain, services and storage is one aggregate seen from each)."""
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in modules():
        relative = path.relative_to(BOT)
        layer = relative.parts[0] if len(relative.parts) > 1 else ""
        if path.name not in ROLES:
            seen[(layer, path.name)].append(relative.as_posix())
    twice = {name: paths for (_, name), paths in seen.items() if len(paths) > 1}
    assert twice == {}


def test_every_feature_folder_holds_a_router() -> None:
    telegram = BOT / "telegram"
    for audience in ("resident", "staff", "partner"):
        for folder in sorted(p for p in (telegram / audience).iterdir() if p.is_dir()):
            if folder.name == "__pycache__":
                continue
            assert list(folder.glob("*.py")) and any(
                "def router(" in p.read_text("utf-8") for p in folder.glob("*.py")
            ), f"{folder.relative_to(BOT)} has no router"


def test_the_layers_exist() -> None:
    assert all((BOT / layer).is_dir() for layer in LAYERS)


def test_presses_are_typed_and_dispatched_by_filters() -> None:
    """One handler per action, matched by a filter on a typed field: no handler branches on
    an action string, and no callback class says its actions in a comment."""
    import inspect

    from aiogram.filters.callback_data import CallbackData

    from bot.telegram import callbacks

    for path in (BOT / "telegram").rglob("*.py"):
        assert "def on_button(" not in path.read_text("utf-8"), path
    classes = [
        c
        for _, c in inspect.getmembers(callbacks, inspect.isclass)
        if issubclass(c, CallbackData) and c is not CallbackData
    ]
    assert len(classes) >= 20
    for cls in classes:
        for name, field in cls.model_fields.items():
            if name in ("action", "step"):
                assert isinstance(field.annotation, type) and issubclass(field.annotation, Enum), (
                    f"{cls.__name__}.{name} is {field.annotation}"
                )
