"""Who uses the database: `sakshy run` holds an exclusive lock on a file beside it
(`<database>.lock`) for as long as it runs, and `sakshy restore` (and a second `run`) takes
the same lock or refuses. The operating system drops the lock when the process ends, however
it ends (SIGKILL, a power cut needs no cleanup either): a stale lock file never blocks."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from types import TracebackType

from bot.storage.db import StorageError

try:
    import fcntl
except ImportError:  # not on Windows: the lock is advisory help, nothing depends on it
    fcntl = None  # type: ignore[assignment]


class DatabaseBusy(Exception):
    """Another process holds the database's lock; `pid` is that process when known."""

    def __init__(self, database: Path, pid: int | None) -> None:
        self.database = database
        self.pid = pid
        who = f"process {pid}" if pid else "another process"
        super().__init__(f"a Sakshy bot ({who}) is running on {database}")

    @property
    def how_to_stop(self) -> str:
        kill = f"kill {self.pid}" if self.pid else "stop that process"
        return (
            "Stop the bot first: `sudo systemctl stop sakshy` if it runs as a service, "
            f"otherwise Ctrl+C in its terminal or `{kill}`."
        )


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


class DatabaseLock:
    """An exclusive advisory lock (flock) on `<database>.lock`, holding the owner's pid."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = lock_path(database)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise DatabaseBusy at once (never waits)."""
        if fcntl is None or self._fd is not None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StorageError(
                f"cannot create the lock file {self.path} beside the database "
                f"({exc.strerror or exc}); the folder must be writable by the bot's user"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _read_pid(fd)
            os.close(fd)
            raise DatabaseBusy(self.database, pid) from None
        except BaseException:
            os.close(fd)
            raise
        try:  # whose lock it is, for the one that is refused
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except BaseException:
            os.close(fd)  # a full disk: the lock goes with the descriptor
            raise
        self._fd = fd

    def release(self) -> None:
        """The file stays (removing it would race with a process taking it); only the lock
        goes."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing drops the flock

    def __enter__(self) -> DatabaseLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
