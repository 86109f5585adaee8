"""Categories are data: the shipped file is valid, and a broken one is explained."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.categories import CategoryError, load_categories


def test_the_shipped_categories() -> None:
    categories = load_categories()
    assert [c.key for c in categories] == [
        "noise", "litter", "parking", "drinking", "vandalism", "hooliganism", "animals", "other"
    ]  # fmt: skip
    noise = categories[0]
    assert noise.label("kk") == "🔊 Шу, тыныштықты бұзу"
    assert noise.label("ru") == "🔊 Шум, нарушение тишины"
    for category in categories:
        assert len(f"cat:{category.key}".encode()) <= 64, "fits Telegram's callback data"
        for locale in ("kk", "ru"):  # two buttons side by side on a 360-px phone
            assert len(category.label(locale)) <= 24, category.label(locale)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"has no \[\[category\]\] entries"),
        ("[[category]]\nkey = 'Noise!'\nkk = 'a'\nru = 'b'\n", "key must be lower-case"),
        ("[[category]]\nkey = 'a'\nkk = 'a'\nru = 'b'\n" * 2, "used twice"),
        ("[[category]]\nkey = 'a'\nkk = ''\nru = 'b'\n", "kk name must be"),
        ("[[category]]\nkey = 'a'\nkk = 'x'\n", "ru name must be"),
        ("this is = = not toml", "cannot read"),
        (
            "[[category]]\nkey = 'a'\nemoji = '🚗'\nkk = 'Тұрақ ережелерін бұзу, жолды бөгеу'\n"
            "ru = 'b'\n",
            "the kk button «🚗 Тұрақ ережелерін бұзу, жолды бөгеу» is 36 characters",
        ),
    ],
)  # fmt: skip
def test_a_broken_file_is_explained(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "categories.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CategoryError, match=message) as caught:
        load_categories(path)
    assert str(caught.value).startswith("CATEGORIES_FILE: ")
