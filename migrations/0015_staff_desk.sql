-- The staff desk: bans with their reasons, an audit of staff actions that are not a report's
-- or a helper's own events (bans, refused actions, looks at phones), and the lookups /find uses.

CREATE TABLE bans (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    report_id   INTEGER REFERENCES reports (id),   -- the report staff banned its author by
    reason      TEXT    NOT NULL,
    by_id       INTEGER NOT NULL,
    by_name     TEXT,
    at          TEXT    NOT NULL,
    lifted_at   TEXT,
    lifted_by   INTEGER,
    lifted_by_name TEXT
);
-- one ban in force per report (bans are kept per report, never per person: an answer like
-- "already banned" must not tell staff that two reports, one anonymous, share an author)
CREATE UNIQUE INDEX bans_in_force ON bans (report_id) WHERE lifted_at IS NULL;
CREATE INDEX bans_user ON bans (user_id) WHERE lifted_at IS NULL;

CREATE TABLE staff_audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT,
    chat_id     INTEGER,
    action      TEXT    NOT NULL,   -- ban, unban, refused, phones_shown, …
    subject     TEXT,               -- report:1042, duty:3, …
    detail      TEXT
);
CREATE INDEX staff_audit_subject ON staff_audit (subject, id);
CREATE INDEX staff_audit_time ON staff_audit (at);

-- /find: a named (never an anonymous) reporter by phone or username
CREATE INDEX reports_phone ON reports (phone, id) WHERE anonymous = 0 AND phone IS NOT NULL;
CREATE INDEX reports_username ON reports (reporter_username COLLATE NOCASE, id)
    WHERE anonymous = 0 AND reporter_username IS NOT NULL;
