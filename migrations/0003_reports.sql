-- Reports of minor offences, their photos and videos, and the history of every change.

CREATE TABLE reports (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,  -- the number people see: № 1042
    reporter_id       INTEGER NOT NULL REFERENCES users (id),
    category          TEXT    NOT NULL,                   -- a key of the categories file
    description       TEXT    NOT NULL DEFAULT '',        -- up to 2000 characters
    voice_file_id     TEXT,
    latitude          REAL,
    longitude         REAL,
    address           TEXT,                               -- typed when no location was sent
    location_verified INTEGER NOT NULL,                   -- 0: typed address, for staff to check
    anonymous         INTEGER NOT NULL,                   -- 1: staff do not see who reported
    reporter_name     TEXT,                               -- kept only when not anonymous
    reporter_username TEXT,
    phone             TEXT,                               -- shared with request_contact only
    language          TEXT    NOT NULL,
    status            TEXT    NOT NULL DEFAULT 'new'
                      CHECK (status IN ('new', 'taken', 'resolved', 'rejected', 'withdrawn')),
    officer_id        INTEGER,                            -- who holds it (Telegram user id)
    staff_chat_id     INTEGER,                            -- where its post is
    staff_message_id  INTEGER,
    staff_thread_id   INTEGER,                            -- its forum topic, if the group has topics
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX reports_reporter ON reports (reporter_id, id);
CREATE INDEX reports_open ON reports (status, id) WHERE status IN ('new', 'taken');

-- Numbers start at 1000 so that they read like case numbers, not like a test.
INSERT INTO sqlite_sequence (name, seq) VALUES ('reports', 999);

CREATE TABLE report_media (
    id             INTEGER PRIMARY KEY,
    report_id      INTEGER NOT NULL REFERENCES reports (id),
    position       INTEGER NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('photo', 'video')),
    file_id        TEXT    NOT NULL,
    file_unique_id TEXT    NOT NULL,
    UNIQUE (report_id, position)
);

CREATE TABLE report_events (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL CHECK (actor IN ('resident', 'staff', 'system')),
    actor_id    INTEGER,
    action      TEXT    NOT NULL,   -- submitted, take, resolve, reject, withdraw, reopen, …
    from_status TEXT,
    to_status   TEXT,
    note        TEXT
);
CREATE INDEX report_events_report ON report_events (report_id, id);

-- What residents see of an officer: rank and surname, never the Telegram name.
CREATE TABLE staff_profiles (
    user_id    INTEGER PRIMARY KEY,
    rank       TEXT NOT NULL,
    surname    TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
