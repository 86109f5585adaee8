"""The benchmarks still run (timing is theirs, never a test's): the in-process ones at a tiny
size, each in its own process as `python -m benchmarks` runs them, and their figures written.
A benchmark that rots (a schema change, a changed consent version) fails here, not in the
release notes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.testing.timeouts import scaled

pytestmark = pytest.mark.slow  # each benchmark in its own process

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=scaled(300),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_throughput_runs_every_flow(tmp_path: Path) -> None:
    out = tmp_path / "throughput.json"
    _run("benchmarks.throughput", "--people", "3", "--echoes", "200", "--json", str(out))
    figures = json.loads(out.read_text())
    assert [f["flow"] for f in figures["flows"]] == ["start", "report", "reply", "relay", "answer"]
    assert all(f["updates"] > 0 and f["per_second"] > 0 for f in figures["flows"])


def test_data_scale_runs_on_a_seeded_database(tmp_path: Path) -> None:
    database = tmp_path / "seeded.db"
    printed = _run("benchmarks.seed", "--reports", "3000", "--out", str(database))
    assert "'reports': 3000" in printed
    out = tmp_path / "scale.json"
    _run(
        "benchmarks.data_scale", "--database", str(database), "--samples", "50",
        "--json", str(out),
    )  # fmt: skip
    figures = json.loads(out.read_text())
    assert figures["reports"] == 3000
    for key in ("myreports", "card", "find_number", "find_phone", "lookup", "stats", "export"):
        p50, p99, _ = figures[key]
        assert 0 < p50 <= p99, key
    assert "reports and" in figures["export"][2], "the month's export wrote rows"


def test_survey_fanout_reaches_every_follower() -> None:
    printed = _run("benchmarks.survey_fanout", "--followers", "200", "--answers", "50")
    assert "200 outbox rows" in printed


def test_relay_counts_one_group_message_per_relay(tmp_path: Path) -> None:
    out = tmp_path / "relay.json"
    _run("benchmarks.relay", "--people", "2", "--each", "2", "--rounds", "1", "--json", str(out))
    current = json.loads(out.read_text())["current"]
    assert current["group_messages_per_relay"] == 1.0, "a relay is one message in the group"
    assert current["requests_per_relay"] == 2.0, "the message, and the 👌 on its source"
    assert current["relays_per_second"] > 0 and current["cpu_ms_per_relay"] > 0


def test_console_benchmark_runs_on_a_seeded_database(tmp_path: Path) -> None:
    database = tmp_path / "seeded.db"
    _run("benchmarks.seed", "--reports", "2000", "--out", str(database))
    out = tmp_path / "console.json"
    _run(
        "benchmarks.console", "--database", str(database), "--samples", "20",
        "--json", str(out),
    )  # fmt: skip
    figures = json.loads(out.read_text())
    assert figures["reports"] == 2000
    for key in ("queue", "card", "group_card", "map30", "map90", "dashboard", "chart"):
        p50, p99, *_ = figures[key]
        assert 0 < p50 <= p99, key
    assert "markers of" in figures["map30"][2], "the map's data came back"
