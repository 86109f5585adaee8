"""The guard against processes left behind (tests/orphans.py) finds what a test started:
a child, and a grandchild whose parent already exited."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time

import pytest

from tests import orphans

pytestmark = pytest.mark.skipif(not orphans.supported(), reason="needs Linux /proc")


def _wait_until_running(pid: int, command: str, limit: float = 10.0) -> None:
    """On a loaded machine /proc may show an empty command line for a moment after exec."""
    deadline = time.monotonic() + limit
    while orphans._command(pid) != command and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_child_left_running_is_found_and_killed() -> None:
    child = subprocess.Popen(["sleep", "60"])
    try:
        _wait_until_running(child.pid, "sleep 60")
        found = {p.pid: p for p in orphans.leftovers()}
        assert child.pid in found, found
        assert found[child.pid].command == "sleep 60"
        assert found[child.pid].ppid == os.getpid()
        orphans.kill([found[child.pid]])
        assert child.poll() is not None or child.wait(timeout=5) == -signal.SIGKILL
        assert child.pid not in {p.pid for p in orphans.leftovers()}
    finally:
        child.kill()
        child.wait()


def test_a_grandchild_whose_parent_exited_is_found_by_the_sessions_mark() -> None:
    shell = subprocess.run(
        ["sh", "-c", "sleep 60 >/dev/null 2>&1 & echo $!"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(shell.stdout)
    try:
        found = {p.pid: p for p in orphans.leftovers()}
        assert pid in found, "carries the mark though it is no longer a descendant"
        assert found[pid].ppid != os.getpid()
        assert pid not in {p.pid for p in orphans.leftovers(by_mark=False)}
        orphans.kill([found[pid]])
        assert pid not in {p.pid for p in orphans.leftovers()}
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_nothing_is_found_when_nothing_was_left() -> None:
    before = {p.pid for p in orphans.leftovers()}
    child = subprocess.Popen(["sleep", "30"])
    try:
        assert child.pid in {p.pid for p in orphans.leftovers()}, "found while it runs"
    finally:
        child.kill()
        child.wait()
    assert {p.pid for p in orphans.leftovers()} == before, "gone once it was stopped"
