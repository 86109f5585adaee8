-- Follow-ups: what must happen later (reminders, escalations, surveys, the daily digest),
-- written in the same transaction as the change that needs them and cancelled by the change
-- that makes them moot. A runner claims due rows one at a time and acts in the transaction
-- that marks them done, so a crash neither loses nor doubles one.

CREATE TABLE followups (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,               -- report_remind, report_escalate, survey, …
    subject     TEXT    NOT NULL,               -- what it is about: report:1042, day, …
    due_at      TEXT    NOT NULL,               -- UTC
    state       TEXT    NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'done', 'cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    data        TEXT    NOT NULL DEFAULT '{}',  -- JSON
    created_at  TEXT    NOT NULL,
    done_at     TEXT,
    last_error  TEXT
);
-- one pending follow-up of a kind per subject
CREATE UNIQUE INDEX followups_one ON followups (kind, subject) WHERE state = 'pending';
CREATE INDEX followups_due ON followups (due_at) WHERE state = 'pending';

-- The resident's satisfaction survey: at most one per report.
CREATE TABLE surveys (
    report_id    INTEGER PRIMARY KEY REFERENCES reports (id),
    resident_id  INTEGER NOT NULL,
    precinct_id  TEXT,
    officer_id   INTEGER,
    sent_at      TEXT    NOT NULL,
    solved       TEXT    CHECK (solved IN ('yes', 'partly', 'no')),
    rating       INTEGER CHECK (rating BETWEEN 1 AND 5),
    comment      TEXT,
    answered_at  TEXT
);
