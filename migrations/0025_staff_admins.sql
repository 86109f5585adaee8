-- The staff group's administrators as last seen (refreshed at start and hourly): when the bot
-- is removed from the group, or its outbox stalls, they are told in private, and the group
-- cannot be asked any more who they are.
CREATE TABLE staff_admins (
    chat_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    name    TEXT,
    seen_at TEXT    NOT NULL,
    PRIMARY KEY (chat_id, user_id)
) WITHOUT ROWID;

-- Operational alerts raised (one per episode, until it clears).
CREATE TABLE ops_alerts (
    kind       TEXT PRIMARY KEY,         -- "outbox_stalled", "group_lost:<chat>"
    raised_at  TEXT NOT NULL,
    detail     TEXT
);
