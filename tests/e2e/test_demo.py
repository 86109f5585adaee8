"""`sakshy demo` plays a real conversation against the emulator and prints it."""

from __future__ import annotations

import json
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.__main__ import main
from bot.demo import HELPER_NAME, demo_clock, demo_settings, run_demo
from bot.resources import demo_directory_path
from bot.services.clock import WorldClock, next_weekday_at

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
    assert "Жұмабаев Тимур (№ 1)" in out[out.index(took[lang]) :], "and the roster shows it"
    assert "Telegram refusals: 0" in out


async def test_the_demo_at_night_shows_the_quiet_hours(capsys: pytest.CaptureFixture[str]) -> None:
    """A world clock scripted at 03:30: the duty's offer waits for 08:00, staff are told so,
    and the story goes on once the demo's clock reaches the morning."""
    night = WorldClock(datetime(2026, 12, 7, 3, 30, tzinfo=ZoneInfo("Asia/Almaty")))
    assert await run_demo(lang="ru", clock=night) == 0
    out = capsys.readouterr().out
    told = "Ночью предложения не отправляются: первым помощникам их отправят 7 декабря, 08:00"
    assert told in out
    held = out.index("— quiet hours: the offer waits until 08:00; the clock moves on —")
    assert out.index(told) < held < out.index("✅ Вы записаны на это дежурство")
    assert "Telegram refusals: 0" in out


def test_the_demo_world_starts_on_a_working_morning() -> None:
    """Whatever the machine's date: the next weekday at 11:00 in the configured zone."""
    zone = ZoneInfo("Asia/Almaty")
    friday_night = datetime(2027, 3, 5, 23, 50, tzinfo=zone)
    assert next_weekday_at(friday_night, zone, time(11)) == datetime(2027, 3, 8, 11, tzinfo=zone)
    monday = datetime(2026, 12, 7, 3, 30, tzinfo=zone)
    assert next_weekday_at(monday, zone, time(11)) == datetime(2026, 12, 8, 11, tzinfo=zone)
    settings = demo_settings("kk", Path("demo.db"))
    today = datetime.now(zone).date()  # before the demo reads it: midnight may fall between
    now = demo_clock(settings)().astimezone(zone)
    assert now.weekday() < 5 and now.hour == 11 and now.date() > today


def test_the_demo_helper_is_not_one_of_the_demo_inspectors() -> None:
    directory = json.loads(demo_directory_path().read_text("utf-8"))
    inspectors = [
        person["full_name"]
        for feature in directory["features"]
        for person in feature["properties"].get("inspectors", [])
    ]
    assert len(inspectors) == 4
    assert not any(part in name for part in HELPER_NAME.split() for name in inspectors)


def test_a_bad_time_zone_stops_the_demo_with_the_configuration_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TIMEZONE", "Mars/Base")
    assert main(["demo"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "Sakshy cannot start; the configuration has problems:",
        "  - TIMEZONE: expected an IANA time zone, like Asia/Almaty",
        "See .env.example for every key.",
    ]


async def test_a_stuck_demo_says_where_instead_of_hanging(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A story that does not end within its limit (here: half a second) stops the bot, prints
    every task and what it waits on, and fails: a hang in CI names itself."""
    monkeypatch.setattr("bot.demo.DEMO_LIMIT_SECONDS", 0.5)
    assert await run_demo(lang="kk") == 1
    err = capsys.readouterr().err
    assert err.startswith("the demo's story did not end; it waited here:\n")
    assert "in run_demo" in err, "the story's place in the traceback"
    assert "the other tasks:\n  database held: " in err and "waits on" in err
