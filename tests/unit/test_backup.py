"""Backups: a copy taken while the bot writes is whole and holds what was committed; restoring
keeps the current database aside; rotation keeps the newest; the daily backup runs as a
follow-up and is tried again after a failure; the commands `sakshy backup` and `restore`."""

from __future__ import annotations

import asyncio
import fcntl
import sqlite3
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.__main__ import main
from bot.domain.refs import Ref
from bot.domain.reports import ReportDraft
from bot.services.backups import BackupService
from bot.services.followups import FollowUps
from bot.services.users import UserService
from bot.storage.backup import BackupError, make_backup, restore, rotate
from bot.storage.db import Database
from bot.storage.repositories import ReportRepository
from tests.conftest import FixedClock

#: the moment a backup or a restore is dated with (the callers pass their clock)
NOW = datetime(2026, 11, 21, 11, 30, tzinfo=ZoneInfo("Asia/Almaty"))


async def add_reports(db: Database, clock: FixedClock, count: int, start: int = 0) -> None:
    users = UserService(db, clock, "kk")
    await users.seen(42, "kk")
    repo = ReportRepository()
    for n in range(count):
        async with db.transaction() as conn:
            await repo.insert(
                conn,
                reporter_id=42,
                draft=ReportDraft(category="noise", description=f"#{start + n}", address="x"),
                language="kk",
                reporter_name=None,
                reporter_username=None,
                now=clock.now,
            )


def reports_in(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM reports").fetchone()[0])


async def test_a_backup_taken_while_the_bot_writes_is_whole(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    await add_reports(db, clock, 50)
    writing = asyncio.create_task(add_reports(db, clock, 300, start=50))  # the bot goes on
    await asyncio.sleep(0.01)
    made = await asyncio.to_thread(make_backup, db.path, tmp_path / "backups", at=clock.now)
    await writing
    assert made.path == tmp_path / "backups" / "sakshy-20261121-063000.db", "dated by the clock"
    assert not list((tmp_path / "backups").glob("*.partial")), "only whole files stay"
    with sqlite3.connect(made.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert 50 <= made.reports == reports_in(made.path) <= 350, "a consistent snapshot"


async def test_a_restored_backup_is_read_by_the_bot_and_the_old_database_kept(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    await add_reports(db, clock, 3)
    made = make_backup(db.path, tmp_path / "copy.db", at=clock.now)
    await add_reports(db, clock, 2, start=3)  # made after the backup: kept aside, not lost
    await db.close()
    db.path.chmod(0o600)  # only the service's user may read it
    made.path.chmod(0o644)
    kept, reports = restore(made.path, db.path, at=clock.now)
    assert reports == 3 and kept is not None and reports_in(kept) == 5
    assert kept.name == "sakshy.db.before-restore-20261121-063000", "named by the clock"
    assert db.path.stat().st_mode & 0o777 == 0o600, "the restored file keeps the mode it had"
    again = Database(db.path)
    await again.connect()
    try:
        async with again.read() as conn:
            report = await ReportRepository().get(conn, 1002)
        assert report is not None and report.description == "#2"
        async with again.read() as conn:
            assert await ReportRepository().get(conn, 1003) is None
    finally:
        await again.close()


def test_a_damaged_or_foreign_file_is_never_restored(tmp_path: Path) -> None:
    database = tmp_path / "sakshy.db"
    database.write_bytes(b"")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100 + b"nonsense" * 200)
    with pytest.raises(BackupError):
        restore(garbage, database, at=NOW)
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(BackupError, match="not a Sakshy database"):
        restore(foreign, database, at=NOW)
    assert database.read_bytes() == b"", "the current database untouched"
    with pytest.raises(BackupError, match="no backup file"):
        restore(tmp_path / "missing.db", database, at=NOW)


def test_rotation_keeps_the_newest(tmp_path: Path) -> None:
    for day in range(1, 10):
        (tmp_path / f"sakshy-202611{day:02d}-033000.db").write_bytes(b"x")
    (tmp_path / "notes.db").write_bytes(b"mine")
    gone = rotate(tmp_path, 3)
    assert len(gone) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "notes.db",
        "sakshy-20261107-033000.db",
        "sakshy-20261108-033000.db",
        "sakshy-20261109-033000.db",
    ]


async def test_the_daily_backup_runs_keeps_the_newest_and_survives_a_failure(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    await add_reports(db, clock, 2)
    folder = tmp_path / "daily"
    followups = FollowUps(db, clock)
    zone = ZoneInfo("Asia/Almaty")
    service = BackupService(db.path, folder, 2, time(3, 30), zone, followups, clock)
    await service.ensure_scheduled()
    await service.ensure_scheduled()  # a restart: still one
    async with db.read() as conn:
        (pending,) = await followups.repo.pending(conn, "backup")
    assert pending.subject == Ref.parse("backup:2026-11-22"), "tomorrow 03:30 (it is 11:30 now)"
    folder.parent.mkdir(exist_ok=True)
    folder.write_text("a file where the folder should be")  # the copy fails
    clock.now = datetime(2026, 11, 21, 22, 31, tzinfo=UTC)  # 03:31 in Almaty
    assert await followups.run_due() == 0
    async with db.read() as conn:
        (retry,) = await followups.repo.pending(conn, "backup")
    assert retry.attempts == 1 and retry.subject == Ref.parse("backup:2026-11-22"), "tried again"
    folder.unlink()
    folder.mkdir()
    for _ in range(3):  # three days
        clock.now += timedelta(days=1)
        assert await followups.run_due() == 1
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2, names
    assert all(reports_in(folder / name) == 2 for name in names)
    async with db.read() as conn:
        (following,) = await followups.repo.pending(conn, "backup")
    assert following.subject == Ref.parse("backup:2026-11-26")


def test_the_backup_and_restore_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "data" / "sakshy.db"
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.chdir(tmp_path)
    assert main(["migrate"]) == 0
    assert main(["backup", str(tmp_path / "b.db")]) == 0
    assert "Backup written:" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "b.db")]) == 2, "asks for --yes"
    assert main(["restore", str(tmp_path / "b.db"), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "kept as" in out
    assert main(["backup", str(database)]) == 1, "never over the database itself"
    assert "No backup was made" in capsys.readouterr().err


async def test_restoring_the_database_onto_itself_changes_nothing(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    await add_reports(db, clock, 2)
    await db.close()
    with pytest.raises(BackupError, match="the database itself"):
        restore(db.path, db.path, at=clock.now)
    assert reports_in(db.path) == 2, "still there, whole"


def test_a_half_made_copy_is_deleted_and_one_being_made_is_not(tmp_path: Path) -> None:
    (tmp_path / "sakshy-20261101-033000.db.partial").write_bytes(b"half")  # its writer died
    busy = tmp_path / "sakshy-20261101-033001-ab12cd34.db.partial"
    busy.write_bytes(b"being written")
    with busy.open("rb") as writer:  # another backup holds it while it copies
        fcntl.flock(writer.fileno(), fcntl.LOCK_EX)
        gone = rotate(tmp_path, 3)
        assert [p.name for p in gone] == ["sakshy-20261101-033000.db.partial"]
        assert busy.exists(), "the copy another process is making stays"
    rotate(tmp_path, 3)
    assert not list(tmp_path.glob("*.partial")), "once its writer is gone, it goes too"


async def test_backups_in_the_same_second_never_overwrite_each_other(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    moment = datetime(2026, 12, 6, 3, 30, tzinfo=ZoneInfo("Asia/Almaty"))
    made = []
    for count in (1, 2, 3):
        await add_reports(db, clock, 1, start=count)  # each copy holds one report more
        made.append(await asyncio.to_thread(make_backup, db.path, folder, at=moment))
    assert [m.path.name for m in made] == [
        "sakshy-20261206-033000.db",
        "sakshy-20261206-033000-2.db",
        "sakshy-20261206-033000-3.db",
    ]
    assert [reports_in(m.path) for m in made] == [1, 2, 3], "each kept what it copied"
    assert sorted(p.name for p in folder.glob("*.db")) == sorted(m.path.name for m in made)
    assert not list(folder.glob("*.partial"))


def test_rotation_counts_same_second_backups_as_newer(tmp_path: Path) -> None:
    names = [
        "sakshy-20261205-033000.db",
        "sakshy-20261206-033000.db",
        "sakshy-20261206-033000-2.db",
        "sakshy-20261206-033000-10.db",
        "sakshy-20261206-033001.db",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    gone = rotate(tmp_path, 3)
    assert sorted(p.name for p in gone) == names[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[2:])


async def test_the_daily_backup_twice_in_one_second_keeps_both(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    """The daily backup and `sakshy backup` into its folder at the same moment."""
    await add_reports(db, clock, 2)
    folder = tmp_path / "daily"
    followups = FollowUps(db, clock)
    service = BackupService(
        db.path, folder, 7, time(3, 30), ZoneInfo("Asia/Almaty"), followups, clock
    )
    await service.ensure_scheduled()
    clock.now = datetime(2026, 11, 21, 22, 30, tzinfo=UTC)  # 03:30 in Almaty
    folder.mkdir()
    await asyncio.to_thread(
        make_backup, db.path, folder, at=clock.now.astimezone(ZoneInfo("Asia/Almaty"))
    )
    assert await followups.run_due() == 1
    assert sorted(p.name for p in folder.iterdir()) == [
        "sakshy-20261122-033000-2.db",
        "sakshy-20261122-033000.db",
    ]


def test_restore_refuses_while_the_database_is_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.storage.lock import DatabaseLock

    database = tmp_path / "data" / "sakshy.db"
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.chdir(tmp_path)
    assert main(["migrate"]) == 0
    assert main(["backup", str(tmp_path / "b.db")]) == 0
    capsys.readouterr()
    with DatabaseLock(database):  # as `sakshy run` holds it
        assert main(["restore", str(tmp_path / "b.db"), "--yes"]) == 1
        err = capsys.readouterr().err
        assert "Nothing was restored: a Sakshy bot (process" in err
        assert "systemctl stop sakshy" in err
        assert not list(database.parent.glob("*.before-restore-*"))
    assert main(["restore", str(tmp_path / "b.db"), "--yes"]) == 0, "free again"
