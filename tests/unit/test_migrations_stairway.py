"""The migration stairway: a database stopped at any version upgrades without losing data.

For each version N: apply the migrations up to N to an empty database, put a representative
row into every table that exists at that point (every column filled, foreign keys pointing at
the rows of their parent tables), apply the rest, and check that each row is still there with
every value it had, that the columns added since hold their defaults, that the data
migrations derived what they should, and that SQLite finds the file and its foreign keys sound.

A new migration that adds a NOT NULL column without a default, or a table with a CHECK the
generic values below do not meet, shows up here first: give the column a value in `VALUES`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.storage.db import Database
from bot.storage.migrations import current_version, load_migrations, migrate

MIGRATIONS = load_migrations()

NOW = "2026-11-21T10:00:00+00:00"
LATER = "2026-11-22T08:30:00+00:00"

#: Values the generic ones (below) would not fit: ids that must not collide with the rows the
#: migrations write themselves, values under a CHECK, JSON, columns that name a language.
#: Columns not named here get a value from their declared type; foreign keys get the parent's.
VALUES: dict[str, dict[str, Any]] = {
    "users": {"id": 777001, "language": "ru", "language_chosen": 1, "banned": 0},
    "fsm_states": {"key": "bot:777001:777001", "state": "ReportForm:text", "data": '{"k": 1}'},
    "chat_migrations": {"old_chat_id": -5001, "new_chat_id": -1005001},
    "consent_events": {"action": "given", "version": "2026-10"},
    "failed_updates": {"payload": '{"update_id": 5}', "resolved_at": None},
    "outbox": {
        "method": "copyMessage",  # the expression index of 0007 reads its payload
        "payload": '{"from_chat_id": 777001, "message_id": 12}',
        "state": "done",
        "chat_id": -1001000000001,
        "priority": 1,
    },
    "reports": {
        "id": 1042,
        "category": "noise",
        "status": "taken",
        "language": "kk",
        "anonymous": 0,
        "location_verified": 1,
        "latitude": 42.3,
        "longitude": 69.6,
        "priority": "high",
        "submission_key": "draft-key-1",
        "staff_thread_shared": 1,
        "channel": "phone",
    },
    "report_media": {"kind": "photo", "position": 0},
    "report_events": {"actor": "staff", "action": "take", "from_status": "new"},
    "police_points": {"id": "pp-1", "phone": "+77010000001"},
    "inspectors": {"id": "insp-1", "phones": '["+77010000002"]'},
    "precincts": {
        "id": "prec-1",
        "geometry": json.dumps(
            {"type": "Polygon", "coordinates": [[[69, 42], [70, 42], [70, 43], [69, 42]]]}
        ),
    },
    "inspector_links": {"inspector_id": "insp-1"},
    "claim_codes": {"code_hash": "ab" * 32},
    "bodies": {"id": "akimat", "contact": "telegram", "chat_id": -1009000000001, "active": 1},
    "referrals": {"state": "accepted", "due_on": "2026-12-11", "reason": "competence"},
    "complaints": {"status": "taken", "language": "ru", "due_on": "2026-12-09"},
    "followups": {"kind": "report_remind", "state": "pending", "data": '{"n": 1}'},
    "surveys": {"solved": "partly", "rating": 4},
    "helpers": {
        "status": "active",
        "language": "kk",
        "precincts": '["prec-1", "prec-2"]',
        "days": "[0, 4]",
        "bands": '["evening"]',
        "birth_date": "1990-05-01",
    },
    "helper_events": {"actor": "staff", "action": "activate"},
    "helper_precincts": {"precinct_id": "prec-9"},
    "duties": {"status": "open", "seats": 3, "precincts": '["prec-1"]'},
    "duty_offers": {"state": "accepted", "wave": 1},
    "bans": {"lifted_at": None},
    "reply_templates": {"removed_at": None},
    "local_priorities": {"since": "2026-11-01", "removed_at": None},
    "community_surveys": {"status": "open", "targets": '["prec-1"]'},
    "community_survey_options": {"position": 1},
    "community_survey_recipients": {"language": "ru", "queued": 1},
    "community_survey_answers": {"option": 1},
    "community_survey_tallies": {"counts": "[3, 1]"},
    "ops_alerts": {"kind": "outbox_stalled"},
    "inbox": {"update_id": 90001, "body": '{"update_id": 90001}', "attempts": 1},
}

#: rows the migrations write themselves (the placeholder users of 0028 and 0034), not ours to
#: compare
OWN_ROWS = {"users": "id IN (0, -1)"}


def value_for(table: str, column: dict[str, Any], position: int) -> Any:
    """A value of the column's declared type, recognisable in a failure message."""
    name, kind = column["name"], column["type"].upper()
    if name in VALUES.get(table, {}):
        return VALUES[table][name]
    if kind.startswith("INT"):
        return 40 + position
    if kind == "REAL":
        return 42.5 + position / 10
    if name.endswith("_at") or name in {"at", "since", "first_seen", "last_seen"}:
        return LATER if name.startswith(("updated", "last", "answered")) else NOW
    return f"{table}.{name}"


async def columns(conn: aiosqlite.Connection, table: str) -> list[dict[str, Any]]:
    rows = await (await conn.execute(f"PRAGMA table_info({table})")).fetchall()
    return [dict(row) for row in rows]


async def fill(db: Database) -> dict[str, dict[str, Any]]:
    """One row in every table there is now (in the order the tables were made: a parent before
    the tables that refer to it); returns what was written, table by table."""
    written: dict[str, dict[str, Any]] = {}
    async with db.transaction() as conn:
        tables = await (
            await conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
            )
        ).fetchall()
        for (table,) in tables:
            keys = await (await conn.execute(f"PRAGMA foreign_key_list({table})")).fetchall()
            parents = {key["from"]: (key["table"], key["to"] or "id") for key in keys}
            row: dict[str, Any] = {}
            for position, column in enumerate(await columns(conn, table)):
                name = column["name"]
                if name in parents:
                    parent, parent_column = parents[name]
                    source = row if parent == table else written[parent]
                    row[name] = source[parent_column]
                else:
                    row[name] = value_for(table, column, position)
            names = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            await conn.execute(
                f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values())
            )
            written[table] = row
    return written


async def default_of(db: Database, column: dict[str, Any]) -> Any:
    if column["dflt_value"] is None:
        return None
    async with db.read() as conn:
        row = await (await conn.execute(f"SELECT {column['dflt_value']}")).fetchone()
    return row[0]


async def check_survived(db: Database, written: dict[str, dict[str, Any]]) -> None:
    for table, row in written.items():
        where = " AND ".join(f"{name} IS ?" for name in row)
        own = OWN_ROWS.get(table)
        async with db.read() as conn:
            found = await (
                await conn.execute(f"SELECT * FROM {table} WHERE {where}", list(row.values()))
            ).fetchall()
            count = await (
                await conn.execute(
                    f"SELECT count(*) FROM {table}" + (f" WHERE NOT ({own})" if own else "")
                )
            ).fetchone()
        assert len(found) == 1, f"{table}: the row written before the upgrade is gone or changed"
        assert count[0] == 1, f"{table}: {count[0]} rows after the upgrade, 1 written"
        async with db.read() as conn:
            now_columns = await columns(conn, table)
        for column in now_columns:
            if column["name"] not in row:
                assert found[0][column["name"]] == await default_of(db, column), (
                    f"{table}.{column['name']}, added by the upgrade, is not its default"
                )


async def check_sound(db: Database) -> None:
    async with db.read() as conn:
        integrity = await (await conn.execute("PRAGMA integrity_check")).fetchall()
        dangling = await (await conn.execute("PRAGMA foreign_key_check")).fetchall()
    assert [row[0] for row in integrity] == ["ok"]
    assert [tuple(row) for row in dangling] == []


@pytest.mark.parametrize("stop", [m.version for m in MIGRATIONS], ids=[m.name for m in MIGRATIONS])
async def test_data_written_at_any_version_survives_the_upgrade(tmp_path: Path, stop: int) -> None:
    db = Database(tmp_path / "stairway.db")
    await db.connect()
    try:
        await migrate(db, MIGRATIONS[:stop])
        assert await current_version(db) == stop
        written = await fill(db)

        applied = await migrate(db)

        assert applied == [m.name for m in MIGRATIONS[stop:]]
        assert await current_version(db) == MIGRATIONS[-1].version
        await check_survived(db, written)
        if "helpers" in written and "helper_precincts" not in written:
            # 0012 spread each helper's JSON list of precincts over helper_precincts
            async with db.read() as conn:
                rows = await (
                    await conn.execute(
                        "SELECT precinct_id FROM helper_precincts WHERE helper_id = ? "
                        "ORDER BY precinct_id",
                        (written["helpers"]["id"],),
                    )
                ).fetchall()
            assert [r[0] for r in rows] == sorted(json.loads(written["helpers"]["precincts"]))
        await check_sound(db)
        async with db.transaction() as conn:
            # numbers go on after the reports already there (sqlite_sequence carried over)
            cursor = await conn.execute(
                "INSERT INTO reports (reporter_id, category, location_verified, anonymous, "
                "language, created_at, updated_at) VALUES (0, 'noise', 0, 1, 'kk', ?, ?)",
                (NOW, NOW),
            )
            new_id = cursor.lastrowid
        assert new_id == max(1000, written.get("reports", {}).get("id", 0) + 1)
    finally:
        await db.close()
