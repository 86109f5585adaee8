"""The operator gets one plain line per configuration problem, never a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.testing.timeouts import scaled


def problems(tmp_path: Path, env: str) -> list[str]:
    env_file = tmp_path / ".env"
    env_file.write_text(env, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(env_file=env_file)
    return caught.value.problems


def test_missing_token_says_how_to_get_one(tmp_path: Path) -> None:
    (line,) = problems(tmp_path, "")
    assert line.startswith("BOT_TOKEN:")
    assert "@BotFather" in line
    assert "sakshy demo" in line


def test_each_malformed_key_gets_its_own_line(tmp_path: Path) -> None:
    lines = problems(
        tmp_path,
        "BOT_TOKEN=not-a-token\nSTAFF_CHAT_ID=abc\nDEFAULT_LOCALE=en\nTIMEZONE=Mars/Olympus\n"
        "LOG_LEVEL=loud\nTELEGRAM_API_URL=ftp://x\n",
    )
    keys = sorted(line.split(":", 1)[0] for line in lines)
    assert keys == [
        "BOT_TOKEN",
        "DEFAULT_LOCALE",
        "LOG_LEVEL",
        "STAFF_CHAT_ID",
        "TELEGRAM_API_URL",
        "TIMEZONE",
    ]
    assert all("expected" in line for line in lines)
    assert not any("not-a-token" in line for line in lines), "a bad token is never echoed"


def test_positive_staff_chat_id_is_refused(tmp_path: Path) -> None:
    (line,) = problems(tmp_path, "BOT_TOKEN=123:abc\nSTAFF_CHAT_ID=42\n")
    assert line.startswith("STAFF_CHAT_ID: expected") and "/chatid" in line


def test_the_analysts_chat_is_never_a_staff_chat(tmp_path: Path) -> None:
    (line,) = problems(tmp_path, "BOT_TOKEN=123:abc\nSTAFF_CHAT_ID=-1001\nANALYSTS_CHAT_ID=-1001\n")
    assert line.startswith("ANALYSTS_CHAT_ID: expected a chat of its own")


def test_a_faster_clock_only_for_a_fake_telegram_on_this_machine(tmp_path: Path) -> None:
    (line,) = problems(tmp_path, "BOT_TOKEN=123:abc\nTELEGRAM_TIME_SCALE=0.001\n")
    assert line.startswith("TELEGRAM_TIME_SCALE: only for a fake Telegram on this machine")
    env_file = tmp_path / ".env"
    env_file.write_text(
        "BOT_TOKEN=123:abc\nTELEGRAM_TIME_SCALE=0.001\nTELEGRAM_API_URL=http://127.0.0.1:8081\n"
    )
    assert load_settings(env_file=env_file).telegram_time_scale == 0.001


def test_the_map_tile_address_is_checked(tmp_path: Path) -> None:
    (line,) = problems(tmp_path, "BOT_TOKEN=123:abc\nMAP_TILE_URL=https://tiles.example/{z}.png\n")
    assert line.startswith("MAP_TILE_URL: expected a tile address with {z}, {x} and {y}")
    env_file = tmp_path / ".env"
    env_file.write_text(
        "BOT_TOKEN=123:abc\nMAP_TILE_URL=https://tile{s}.maps.2gis.com/tiles?x={x}&y={y}&z={z}\n"
    )
    assert load_settings(env_file=env_file).map_tile_url.startswith("https://tile{s}.maps.2gis")


def test_webhook_settings_follow_telegrams_rules(tmp_path: Path) -> None:
    lines = problems(
        tmp_path,
        "BOT_TOKEN=123:abc\nWEBHOOK_URL=https://bot.example.kz:8080/tg\n"
        "WEBHOOK_SECRET=has spaces\nWEBHOOK_PORT=70000\n",
    )
    assert sorted(line.split(":", 1)[0] for line in lines) == [
        "WEBHOOK_PORT",
        "WEBHOOK_SECRET",
        "WEBHOOK_URL",
    ]
    assert any("port 443, 80, 88 or 8443" in line for line in lines)
    (line,) = problems(tmp_path, "BOT_TOKEN=123:abc\nWEBHOOK_URL=http://bot.example.kz/tg\n")
    assert line.startswith("WEBHOOK_URL: expected the public https address")
    env_file = tmp_path / ".env"
    env_file.write_text("BOT_TOKEN=123:abc\nWEBHOOK_URL=https://bot.example.kz/telegram\n")
    settings = load_settings(env_file=env_file)
    assert (settings.webhook_path, settings.webhook_host, settings.webhook_port) == (
        "/telegram",
        "127.0.0.1",
        8080,
    )
    derived = settings.webhook_token
    assert len(derived) == 64 and "abc" not in derived
    assert load_settings(env_file=env_file).webhook_token == derived, "stable across restarts"
    env_file.write_text("BOT_TOKEN=123:abd\nWEBHOOK_URL=https://bot.example.kz/telegram\n")
    assert load_settings(env_file=env_file).webhook_token != derived
    env_file.write_text("BOT_TOKEN=123:abc\nWEBHOOK_URL=https://x.kz/\nWEBHOOK_SECRET=s3cr-t_\n")
    assert load_settings(env_file=env_file).webhook_token == "s3cr-t_"


def test_the_health_listener_is_off_unless_a_port_is_given(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("BOT_TOKEN=123:abc\nHEALTH_PORT=\n")
    settings = load_settings(env_file=env_file)
    assert (settings.health_port, settings.health_host) == (None, "127.0.0.1")
    env_file.write_text("BOT_TOKEN=123:abc\nHEALTH_PORT=9100\nHEALTH_HOST=0.0.0.0\n")
    settings = load_settings(env_file=env_file)
    assert (settings.health_port, settings.health_host) == (9100, "0.0.0.0")
    (line,) = problems(tmp_path, "BOT_TOKEN=123:abc\nHEALTH_PORT=http\n")
    assert line.startswith("HEALTH_PORT: expected a port number from 1 to 65535")
    (line,) = problems(
        tmp_path, "BOT_TOKEN=123:abc\nWEBHOOK_URL=https://x.kz/tg\nHEALTH_PORT=8080\n"
    )
    assert line.startswith("HEALTH_PORT: the webhook server listens there already")


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    (line,) = problems(tmp_path, "BOT_TOKEN=123:abc\nSTAF_CHAT_ID=-100\n")
    assert line == "STAF_CHAT_ID: unknown key in .env (did you mean STAFF_CHAT_ID?)"


def test_binary_env_file_is_reported(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError) as caught:
        load_settings(env_file=env_file)
    assert caught.value.problems[0].startswith(".env: cannot be read")


def test_valid_settings_and_defaults(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("BOT_TOKEN=123456:ABC-def_1\nSTAFF_CHAT_ID=-1001\nlog_level=debug\n")
    settings = load_settings(env_file=env_file)
    assert settings.token == "123456:ABC-def_1"
    assert settings.staff_chat_id == -1001
    assert settings.default_locale == "kk"
    assert settings.timezone == "Asia/Almaty"
    assert settings.log_level == "DEBUG"
    assert settings.database_path == Path("data/sakshy.db")
    assert "123456" not in repr(settings), "the token never shows in a repr"


def test_environment_overrides_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("BOT_TOKEN=1:a\nDEFAULT_LOCALE=kk\n")
    monkeypatch.setenv("DEFAULT_LOCALE", "ru")
    assert load_settings(env_file=env_file).default_locale == "ru"


def run_cli(tmp_path: Path, *args: str, env_text: str = "") -> subprocess.CompletedProcess[str]:
    (tmp_path / ".env").write_text(env_text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "STAFF_CHAT_ID"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=scaled(60),
    )


@pytest.mark.slow  # `python -m bot` in its own process
def test_cli_run_without_token_explains_and_exits(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "run")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "BOT_TOKEN: not set" in result.stderr and "sakshy demo" in result.stderr


@pytest.mark.slow  # `python -m bot` in its own process
def test_cli_run_with_bad_values_lists_each(tmp_path: Path) -> None:
    result = run_cli(tmp_path, env_text="BOT_TOKEN=1:a\nSTAFF_CHAT_ID=x\nTIMEZONE=Nowhere\n")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "  - STAFF_CHAT_ID: expected" in result.stderr
    assert "  - TIMEZONE: expected" in result.stderr


@pytest.mark.slow  # `python -m bot` in its own process
def test_cli_run_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_bytes(b"this is not a database" * 100)
    result = run_cli(tmp_path, "run", env_text="BOT_TOKEN=1:a\nDATABASE_PATH=junk.db\n")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "is not a SQLite database" in result.stderr


@pytest.mark.slow  # `python -m bot` in its own process
def test_cli_migrate_and_check_config(tmp_path: Path) -> None:
    env_text = "BOT_TOKEN=1:secret\nDATABASE_PATH=db/s.db\n"
    first = run_cli(tmp_path, "migrate", env_text=env_text)
    assert first.returncode == 0 and "0001_init.sql" in first.stdout
    said = first.stdout + first.stderr
    assert said.count("0001_init.sql") == 1 and said.count("0002_outbox.sql") == 1, said
    again = run_cli(tmp_path, "migrate", env_text=env_text)
    assert "up to date" in again.stdout
    check = run_cli(tmp_path, "check-config", env_text=env_text)
    assert check.returncode == 0
    assert "secret" not in check.stdout and "BOT_TOKEN = set (hidden)" in check.stdout
    assert "Warning: STAFF_CHAT_ID is not set: no staff group gets reports" in check.stderr
    assert "residents who try to report are told" in check.stderr
    configured = run_cli(tmp_path, "check-config", env_text=env_text + "STAFF_CHAT_ID=-100123\n")
    assert configured.returncode == 0 and "Warning" not in configured.stderr


@pytest.mark.slow  # `python -m bot` in its own process
def test_cli_without_subcommand_and_token_runs_the_demo(tmp_path: Path) -> None:
    """The README's first command on a fresh machine: no token, so the demo. Stopped once its
    conversation has begun (tests/e2e/test_demo.py runs the whole demo, in both languages)."""
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "STAFF_CHAT_ID"}}
    env["PYTHONUNBUFFERED"] = "1"  # each line as it is printed, not when the pipe's buffer fills
    log = tmp_path / "stderr.txt"
    seen: list[str] = []
    with (
        log.open("w") as stderr,
        subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            encoding="utf-8",
        ) as demo,
    ):
        try:
            assert demo.stdout is not None
            deadline = time.monotonic() + scaled(120)
            for line in demo.stdout:
                seen.append(line)
                if "Сәлеметсіз бе!" in line or time.monotonic() > deadline:
                    break
        finally:
            demo.send_signal(signal.SIGINT)  # Ctrl+C, as a person would stop it
            demo.wait(timeout=scaled(30))
    errors = log.read_text()
    printed = "".join(seen)
    assert "@BotFather" in printed, printed + errors
    assert any("Сәлеметсіз бе!" in line for line in seen), printed + errors
    assert "Traceback" not in errors, errors


def test_missing_token_is_reported_with_the_other_problems(tmp_path: Path) -> None:
    lines = problems(tmp_path, "TIMEZONE=Nowhere\n")
    assert lines[0].startswith("BOT_TOKEN: not set") and "@BotFather" in lines[0]
    assert lines[1].startswith("TIMEZONE: expected")


@pytest.mark.parametrize("value", ["", ".", "data"])
def test_database_path_must_name_a_file(
    tmp_path: Path, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data").mkdir()
    monkeypatch.chdir(tmp_path)
    (line,) = problems(tmp_path, f"BOT_TOKEN=1:a\nDATABASE_PATH={value}\n")
    assert line == "DATABASE_PATH: expected a file path, like data/sakshy.db (not a folder)"


@pytest.mark.slow  # `python -m bot` in its own process
def test_a_broken_categories_file_stops_run_and_check_config(tmp_path: Path) -> None:
    (tmp_path / "cats.toml").write_text("[[category]]\nkey = 'Bad Key'\n", encoding="utf-8")
    env_text = "BOT_TOKEN=1:a\nCATEGORIES_FILE=cats.toml\nDATABASE_PATH=s.db\n"
    check = run_cli(tmp_path, "check-config", env_text=env_text)
    assert check.returncode == 2
    assert "CATEGORIES_FILE: cats.toml, category 1: key must be lower-case" in check.stderr
    run = run_cli(tmp_path, "run", env_text=env_text)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "CATEGORIES_FILE: cats.toml, category 1" in run.stderr


def test_the_token_never_reaches_the_log() -> None:
    import io
    import logging

    from bot.__main__ import SecretFilter

    token = "123456789:AAH-secret_token"
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(SecretFilter(token))
    log = logging.getLogger("sakshy.test.secret")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.error("POST https://api.telegram.org/bot%s/getMe failed", token)
        try:
            raise RuntimeError(f"cannot reach https://api.telegram.org/bot{token}/getUpdates")
        except RuntimeError:
            log.exception("polling stopped")
    finally:
        log.removeHandler(handler)
    text = out.getvalue()
    assert token not in text
    assert "bot<BOT_TOKEN>/getMe" in text and "bot<BOT_TOKEN>/getUpdates" in text, text


def test_cli_help_says_what_runs_without_a_subcommand(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--help")
    assert result.returncode == 0
    assert "run the bot (default)" not in result.stdout
    assert "without it, the demo" in " ".join(result.stdout.split())


@pytest.mark.slow  # `python -m bot` in its own process
def test_a_bad_holidays_file_stops_the_start_with_one_line_naming_it(tmp_path: Path) -> None:
    (tmp_path / "days.txt").write_text(
        "# the operator's days\n2027-01-03 work\n2027-02-30 off\n", encoding="utf-8"
    )
    env_text = "BOT_TOKEN=1:a\nDATABASE_PATH=db/s.db\nHOLIDAYS_FILE=days.txt\n"
    for command in ("check-config", "run"):
        result = run_cli(tmp_path, command, env_text=env_text)
        assert result.returncode != 0, command
        assert "Traceback" not in result.stderr
        lines = [line for line in result.stderr.splitlines() if "HOLIDAYS_FILE" in line]
        assert lines == [lines[0]] and "line 3" in lines[0] and "'2027-02-30'" in lines[0], (
            command,
            result.stderr,
        )
    missing = run_cli(tmp_path, "check-config", env_text=env_text.replace("days", "none"))
    assert "HOLIDAYS_FILE: cannot read" in missing.stderr and "Traceback" not in missing.stderr
