-- /forgetme: what a person asked to be forgotten leaves for the statistics (their closed
-- reports, survey ratings, duty hours) is linked to this placeholder instead of their
-- Telegram id. Nobody writes to it: it never contacted the bot and counts as unreachable.
INSERT INTO users (id, language, language_chosen, first_seen, last_seen, blocked_bot)
VALUES (0, 'kk', 0, '1970-01-01T00:00:00+00:00', '1970-01-01T00:00:00+00:00', 1);

-- That an erasure happened and when, without who (for the operator's accounts).
CREATE TABLE erasures (
    id      INTEGER PRIMARY KEY,
    at      TEXT    NOT NULL,
    reports INTEGER NOT NULL
);
