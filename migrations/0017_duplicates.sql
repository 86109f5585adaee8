-- Duplicates: a report marked as the same as an earlier one is closed with a link to it, and
-- its author follows the original (told how it ends).
ALTER TABLE reports ADD COLUMN duplicate_of INTEGER REFERENCES reports (id);
CREATE TABLE report_followers (
    report_id    INTEGER NOT NULL REFERENCES reports (id),   -- the original
    duplicate_id INTEGER NOT NULL REFERENCES reports (id),   -- the report that joined it
    user_id      INTEGER NOT NULL,
    language     TEXT    NOT NULL,
    since        TEXT    NOT NULL,
    notified_at  TEXT,                                       -- told how the original ended
    PRIMARY KEY (report_id, duplicate_id)
);
-- open reports of a category made lately, with a location: candidates for "the same thing"
CREATE INDEX reports_similar ON reports (category, created_at)
    WHERE status IN ('new', 'taken') AND latitude IS NOT NULL;
