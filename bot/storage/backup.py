"""Backups of the SQLite database while the bot runs, and restoring one.

A backup uses SQLite's online backup API in one step: it reads one consistent snapshot (in WAL
mode a reader never blocks the bot's writes, nor do they block it), writes it next to the
target, checks it with `PRAGMA integrity_check` and only then renames it into place, so a
backup file is whole or absent. Restoring checks the backup the same way, keeps the current
database aside (never deleted), and puts the backup in its place; the bot must be stopped."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import shutil
import sqlite3
import stat
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

#: dated backups are named like this; rotation deletes only files of this shape
PREFIX = "sakshy-"
SUFFIX = ".db"
#: sakshy-20261206-033000.db, and -2, -3, … for more backups taken in the same second
DATED = re.compile(r"^sakshy-(\d{8})-(\d{6})(?:-(\d+))?\.db$")


class BackupError(Exception):
    """The backup or the restore did not happen; the message says why, plainly."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    seconds: float
    reports: int


def backup_name(moment: datetime, n: int = 1) -> str:
    """The dated name of the `n`th backup taken in that second (the first has no number)."""
    number = f"-{n}" if n > 1 else ""
    return f"{PREFIX}{moment:%Y%m%d-%H%M%S}{number}{SUFFIX}"


def _age_order(path: Path) -> tuple[str, str, int]:
    match = DATED.match(path.name)
    assert match is not None
    day, clock, n = match.groups()
    return day, clock, int(n or 1)


def make_backup(database: Path, target: Path, *, at: datetime) -> Backup:
    """Copy `database` to `target`: a file, or a folder (one that exists, or a name without
    a suffix like «backups») where the copy gets a name dated `at` (the caller's clock, in the
    configured zone), never one another backup has: a second copy in the same second is
    «…-2.db». Blocking: call it in a thread from async code."""
    if not database.exists():
        raise BackupError(f"there is no database at {database}")
    folder: Path | None = None
    if target.is_dir() or (not target.exists() and not target.suffix):
        folder = target
        target = folder / backup_name(at)
    if target.resolve() == database.resolve():
        raise BackupError("the backup cannot replace the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    # a name of its own: two copies made at once never write into one file
    partial = target.with_name(
        f"{target.name.removesuffix(SUFFIX)}-{secrets.token_hex(4)}{SUFFIX}.partial"
    )
    started = time.monotonic()
    # held while the copy is made: rotation deletes only a partial copy nobody holds (one a
    # killed process left), never one another backup is still writing
    claim = os.open(partial, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        fcntl.flock(claim, fcntl.LOCK_EX)
        if os.fstat(claim).st_nlink == 0:  # a rotation took it in the moment before the lock
            raise BackupError("another backup's rotation was running; try again")
        reports = _copy(database, partial)
        os.fsync(claim)  # on the disk before it has its name
        if folder is None:
            os.replace(partial, target)  # the file the operator named
        else:
            target = _take_free_name(partial, folder, at)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        os.close(claim)
    return Backup(target, target.stat().st_size, time.monotonic() - started, reports)


def _copy(database: Path, partial: Path) -> int:
    """The online backup into `partial`, checked; how many reports it holds."""
    source = sqlite3.connect(database)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # all pages in one step: one consistent snapshot
            return _check(copy, partial)
        finally:
            copy.close()
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not copy the database: {exc}") from exc
    finally:
        source.close()


def _take_free_name(partial: Path, folder: Path, moment: datetime) -> Path:
    """Give the finished copy the first dated name no file has. A hard link fails when the
    name is taken (even by a backup another process finished a moment ago), so no backup is
    ever overwritten; a file system without hard links gets a checked rename instead."""
    try:
        for n in range(1, 10_000):
            target = folder / backup_name(moment, n)
            try:
                os.link(partial, target)
            except FileExistsError:
                continue
            except OSError:  # no hard links here (some network or FAT file systems)
                if target.exists():
                    continue
                os.replace(partial, target)
                return target
            return target
        raise BackupError(f"every backup name for {moment:%Y-%m-%d %H:%M:%S} is taken")
    finally:
        partial.unlink(missing_ok=True)


def _check(conn: sqlite3.Connection, path: Path) -> int:
    """A whole Sakshy database (integrity, a schema): how many reports it holds."""
    verdict = conn.execute("PRAGMA integrity_check").fetchone()
    if verdict is None or verdict[0] != "ok":
        raise BackupError(f"{path.name} is damaged ({verdict[0] if verdict else 'no answer'})")
    try:
        row = conn.execute("SELECT count(*) FROM reports").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(f"{path.name} is not a Sakshy database ({exc})") from exc
    return int(row[0])


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest dated backups in `folder` beyond the newest `keep`; returns them.
    Oldest by the time in the name, then by its number (…-033000.db, …-033000-2.db, …-10.db)."""
    dated = sorted(
        (p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.is_file() and DATED.match(p.name)),
        key=_age_order,
    )
    gone = dated[:-keep] if keep > 0 else []
    for path in gone:
        path.unlink(missing_ok=True)
    # a copy a killed process left half-made is never a backup; one being made is left alone
    for path in folder.glob(f"{PREFIX}*{SUFFIX}.partial"):
        if path.is_file() and _drop_if_abandoned(path):
            gone.append(path)
    return gone


def _drop_if_abandoned(partial: Path) -> bool:
    """Delete a partial copy whose writer is gone (nobody holds its lock)."""
    try:
        fd = os.open(partial, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return False
    try:
        partial.unlink(missing_ok=True)  # under the lock: a writer that comes late sees it
    finally:
        os.close(fd)
    return True


def _take_owner_and_mode(current: Path, new: Path) -> None:
    """Give `new` the mode and, when we may, the owner of `current`."""
    st = current.stat()
    os.chmod(new, stat.S_IMODE(st.st_mode))
    if hasattr(os, "chown"):  # not root: the file is ours already, as the database was
        with contextlib.suppress(PermissionError):
            os.chown(new, st.st_uid, st.st_gid)


def restore(backup: Path, database: Path, *, at: datetime) -> tuple[Path | None, int]:
    """Put `backup` in the place of `database` (the bot stopped). The current database, with
    its WAL, is kept aside (named with the time `at`), never deleted; returns where, and the
    reports the backup holds."""
    if not backup.is_file():
        raise BackupError(f"there is no backup file at {backup}")
    if database.exists() and backup.resolve() == database.resolve():
        raise BackupError("that is the database itself, not a backup")
    try:
        conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            reports = _check(conn, backup)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{backup.name} cannot be read as a database ({exc})") from exc
    database.parent.mkdir(parents=True, exist_ok=True)
    # the copy first: if it fails (a full disk), the database is still where it was
    partial = database.with_name(database.name + ".restoring")
    shutil.copyfile(backup, partial)
    with partial.open("rb+") as file:
        os.fsync(file.fileno())
    if database.exists():  # the service's user must still own its database (restore as root)
        _take_owner_and_mode(database, partial)
    kept = None
    if database.exists():
        stamp = at.strftime("%Y%m%d-%H%M%S")
        kept = database.with_name(f"{database.name}.before-restore-{stamp}")
        # the WAL first holds what the file may not have yet: moved with it, never lost
        for suffix in ("-wal", "-shm"):
            extra = database.with_name(database.name + suffix)
            if extra.exists():
                os.replace(extra, kept.with_name(kept.name + suffix))
        os.replace(database, kept)
    os.replace(partial, database)
    return kept, reports
