-- Reports taken by phone or in person (issue 23): an officer files them for a caller. Until
-- the caller claims one in Telegram with the one-time code the officer read out, the report
-- is linked to this placeholder: a caller without Telegram, to whom nothing is ever sent.
INSERT INTO users (id, language, language_chosen, first_seen, last_seen, blocked_bot)
VALUES (-1, 'kk', 0, '1970-01-01T00:00:00+00:00', '1970-01-01T00:00:00+00:00', 1);

-- How a report came in: Telegram (the resident's own), a phone call, or a visit in person;
-- for the last two, the officer who recorded the caller's oral consent.
ALTER TABLE reports ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram'
    CHECK (channel IN ('telegram', 'phone', 'walkin'));
ALTER TABLE reports ADD COLUMN consent_by TEXT;

-- The one-time code a caller claims their report with: kept hashed, used once.
CREATE TABLE claim_codes (
    report_id  INTEGER PRIMARY KEY REFERENCES reports (id),
    code_hash  TEXT    NOT NULL UNIQUE,
    created_at TEXT    NOT NULL,
    used_at    TEXT,
    used_by    INTEGER
);
