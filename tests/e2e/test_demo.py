"""`sakshy demo` plays a real conversation against the emulator and prints it."""

from __future__ import annotations

import pytest

from bot.demo import run_demo

pytestmark = pytest.mark.slow  # the whole demo story, twice


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("kk", ["Сәлеметсіз бе!", "Бот тілін таңдаңыз:", "Рақмет. Келісіміңіз тіркелді."]),
        ("ru", ["Здравствуйте!", "Выберите язык бота:", "Спасибо. Ваше согласие получено."]),
    ],
)
async def test_demo_prints_the_conversation(
    lang: str, expected: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run_demo(lang=lang) == 0
    out = capsys.readouterr().out
    for text in expected:
        assert text in out
    script_line = out.index("<script>alert(1)</script>")
    answer = {"kk": "Кешіріңіз, түсінбедім.", "ru": "Извините, я не понимаю."}[lang]
    assert answer in out[script_line:], "the HTML-laden text was answered, not choked on"
    took = {"kk": "✅ Сіз осы кезекшілікке жазылдыңыз", "ru": "✅ Вы записаны на это дежурство"}
    assert took[lang] in out, "a helper accepts a duty"
    assert "Серікбаев Ерлан (№ 1)" in out[out.index(took[lang]) :], "and the roster shows it"
    assert "Telegram refusals: 0" in out
