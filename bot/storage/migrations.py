"""Forward-only SQL migrations, applied in order, each in its own transaction."""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.resources import migrations_dir
from bot.storage.db import Database, StorageError

log = logging.getLogger(__name__)
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(folder: Path | None = None) -> list[Migration]:
    folder = folder or migrations_dir()
    found: list[Migration] = []
    for path in sorted(folder.iterdir()):
        match = _NAME.match(path.name)
        if match:
            found.append(Migration(int(match.group(1)), path.name, path.read_text("utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise StorageError(f"migrations must be numbered 0001, 0002, … without gaps: {versions}")
    return found


def split_statements(sql: str) -> list[str]:
    """Split a script into statements (sqlite3's executescript would commit on its own)."""
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
    ):
        raise StorageError("a migration ends with an incomplete SQL statement")
    return statements


async def current_version(db: Database) -> int:
    async with db.read() as conn:
        row = await (await conn.execute("PRAGMA user_version")).fetchone()
    return int(row[0]) if row else 0


async def migrate(db: Database, migrations: list[Migration] | None = None) -> list[str]:
    """Apply pending migrations; refuse a database newer than this code. Returns applied names."""
    migrations = load_migrations() if migrations is None else migrations
    latest = migrations[-1].version if migrations else 0
    try:
        version = await current_version(db)
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"DATABASE_PATH: cannot read the schema version ({exc})") from None
    if version > latest:
        raise StorageError(
            f"DATABASE_PATH: the database has schema version {version}, newer than this Sakshy "
            f"knows ({latest}). Run the newer Sakshy that wrote it, or restore a backup."
        )
    applied: list[str] = []
    for migration in migrations:
        if migration.version <= version:
            continue
        try:
            async with db.transaction() as conn:
                for statement in split_statements(migration.sql):
                    await conn.execute(statement)
                await conn.execute(f"PRAGMA user_version = {migration.version:d}")
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc):
                raise StorageError(
                    f"DATABASE_PATH: {db.path} is read-only; cannot apply {migration.name}"
                ) from None
            raise StorageError(f"migration {migration.name} failed: {exc}") from None
        log.info("applied migration %s", migration.name)
        applied.append(migration.name)
    return applied
