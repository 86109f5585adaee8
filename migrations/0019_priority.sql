-- A report staff mark as urgent: shown first on its post, recalled and escalated twice as soon.
ALTER TABLE reports ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal'
    CHECK (priority IN ('normal', 'high'));
