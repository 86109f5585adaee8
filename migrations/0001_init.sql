-- Sakshy schema, version 1: people, conversations, operator state.
-- Times are ISO-8601 UTC strings ("2026-11-21T10:00:00+00:00").

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,          -- Telegram user id
    language        TEXT    NOT NULL CHECK (language IN ('kk', 'ru')),
    language_chosen INTEGER NOT NULL DEFAULT 0,   -- 1 once the user picked it themselves
    first_seen      TEXT    NOT NULL,
    last_seen       TEXT    NOT NULL,
    blocked_bot     INTEGER NOT NULL DEFAULT 0,   -- Telegram said 403: unreachable
    blocked_at      TEXT,
    banned          INTEGER NOT NULL DEFAULT 0,   -- staff decision
    consent_version TEXT,                         -- text version of the consent the user gave
    consent_at      TEXT,
    consent_declined_version TEXT                 -- "not now" to this version: do not ask again
);

-- aiogram FSM: conversations survive a restart. data is JSON.
CREATE TABLE fsm_states (
    key        TEXT PRIMARY KEY,
    state      TEXT,
    data       TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);

-- Groups Telegram upgraded to supergroups: old id -> new id.
CREATE TABLE chat_migrations (
    old_chat_id INTEGER PRIMARY KEY,
    new_chat_id INTEGER NOT NULL,
    migrated_at TEXT    NOT NULL
);

-- Audit of consent given and withdrawn (the users row keeps only the current one).
CREATE TABLE consent_events (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    version    TEXT    NOT NULL,
    action     TEXT    NOT NULL CHECK (action IN ('given', 'declined', 'withdrawn')),
    at         TEXT    NOT NULL
);
CREATE INDEX consent_events_user ON consent_events (user_id);

-- Updates whose handling failed: kept so nothing a user sent is lost, for the operator to
-- check and replay. Names and usernames are stripped from the payload; ids stay.
CREATE TABLE failed_updates (
    id          INTEGER PRIMARY KEY,
    update_id   INTEGER NOT NULL,
    user_id     INTEGER,
    chat_id     INTEGER,
    payload     TEXT    NOT NULL,   -- the update as JSON
    error       TEXT    NOT NULL,   -- exception class and message
    created_at  TEXT    NOT NULL,
    resolved_at TEXT
);
CREATE INDEX failed_updates_open ON failed_updates (resolved_at, created_at);
