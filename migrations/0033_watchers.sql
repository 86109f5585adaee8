-- Before sending, a resident sees open reports of the same kind close by, and may follow one
-- instead of sending their own (issue 23): they are told how it ends, and the staff post
-- counts the people it affects.
CREATE TABLE report_watchers (
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    user_id     INTEGER NOT NULL,
    language    TEXT    NOT NULL,
    since       TEXT    NOT NULL,
    notified_at TEXT,                    -- told how the report ended
    PRIMARY KEY (report_id, user_id)
) WITHOUT ROWID;
CREATE INDEX report_watchers_user ON report_watchers (user_id);
