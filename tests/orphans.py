"""Processes a test left running: found through /proc (Linux), killed, and named.

A process counts as left behind when it is still running (not a zombie) and either descends
from the pytest process or carries this session's mark in its environment: the session sets
``SAKSHY_TEST_SESSION`` to pytest's pid, every child inherits it, and so does a grandchild
whose parent died (it is then the child of init, no longer a descendant, and still found).
tests/conftest.py runs the check after each test file and at the end of the session.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: set in the pytest process, inherited by whatever a test starts
MARK = "SAKSHY_TEST_SESSION"
PROC = Path("/proc")


@dataclass(frozen=True)
class Leftover:
    pid: int
    ppid: int
    command: str

    def __str__(self) -> str:
        return f"pid {self.pid} (parent {self.ppid}): {self.command}"


def supported() -> bool:
    return (PROC / str(os.getpid()) / "stat").exists()


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None if it is gone."""
    try:
        raw = (PROC / str(pid) / "stat").read_bytes()
    except OSError:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses
    fields = raw[raw.rfind(b")") + 2 :].split()
    return fields[0].decode(), int(fields[1])


def _command(pid: int) -> str:
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()[:200] or "?"


def _marked(pid: int, mark: bytes) -> bool:
    try:
        return mark in (PROC / str(pid) / "environ").read_bytes().split(b"\0")
    except OSError:  # another user's process, or gone
        return False


def leftovers(root: int | None = None, *, by_mark: bool = True) -> list[Leftover]:
    """Running processes that descend from ``root`` (default: this process) or, with
    ``by_mark``, carry ``MARK=<root>`` in their environment. Zombies do not count."""
    root = os.getpid() if root is None else root
    if not supported():
        return []
    parents: dict[int, int] = {}
    states: dict[int, str] = {}
    for entry in os.listdir(PROC):
        if not entry.isdigit():
            continue
        found = _stat(int(entry))
        if found is not None:
            states[int(entry)], parents[int(entry)] = found
    mark = f"{MARK}={root}".encode()
    result = []
    for pid, ppid in parents.items():
        if pid == root or states[pid] in ("Z", "X"):
            continue
        ancestor, hops = ppid, 0
        while ancestor not in (root, 0, 1) and ancestor in parents and hops < 64:
            ancestor, hops = parents[ancestor], hops + 1
        if ancestor == root or (by_mark and _marked(pid, mark)):
            result.append(Leftover(pid, ppid, _command(pid)))
    return sorted(result, key=lambda p: p.pid)


def kill(processes: Iterable[Leftover], wait: float = 5.0) -> None:
    """SIGKILL each one, then reap those that are this process's children (no zombies)."""
    processes = list(processes)
    for process in processes:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(process.pid, signal.SIGKILL)
    deadline = time.monotonic() + wait
    for process in processes:
        while time.monotonic() < deadline:
            if process.ppid == os.getpid():
                with contextlib.suppress(ChildProcessError):
                    if os.waitpid(process.pid, os.WNOHANG)[0]:
                        break
            state = _stat(process.pid)
            if state is None or state[0] in ("Z", "X"):
                break
            time.sleep(0.01)
