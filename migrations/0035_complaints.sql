-- Complaints about police conduct (issue 23): a path of their own, never a report. They have
-- their own numbers, go only to the complaints chat (the supervisors' or internal security's),
-- and appear in no staff figure, export, search or open data: the ~15 staff commands that take
-- a report's number would otherwise tell an officer that a complaint exists.
CREATE TABLE complaints (
    id            INTEGER PRIMARY KEY,  -- its own numbering, from 1
    key           TEXT    NOT NULL UNIQUE,  -- the wizard's: «Send» pressed twice files one
    user_id       INTEGER NOT NULL REFERENCES users (id),
    language      TEXT    NOT NULL,
    name          TEXT,                 -- NULL: anonymous (the supervisors see no name)
    description   TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'new'
                  CHECK (status IN ('new', 'taken', 'answered')),
    created_at    TEXT    NOT NULL,
    due_on        TEXT    NOT NULL,     -- the answer's term (a local ISO date)
    chat_id       INTEGER NOT NULL,     -- the complaints chat it was posted to
    message_id    INTEGER,              -- its post there, once delivered
    handler_id    INTEGER,              -- the supervisor who took it
    handler_name  TEXT,
    answer        TEXT,
    answered_at   TEXT,
    answer_days   INTEGER,              -- working days from receipt to the answer
    late_days     INTEGER,              -- working days past the term (0: in time)
    overdue_at    TEXT,                 -- when it was flagged overdue
    updated_at    TEXT    NOT NULL
);
CREATE INDEX complaints_user ON complaints (user_id);
