-- The outbox: every message the bot must deliver as a consequence of a stored change is a row
-- here, written in the same transaction as the change. The delivery worker sends the rows in
-- order per chat and marks each done only after Telegram accepted it.

CREATE TABLE outbox (
    id                INTEGER PRIMARY KEY,
    chat_id           INTEGER NOT NULL,
    method            TEXT    NOT NULL,   -- Bot API method: sendMessage, copyMessage, …
    payload           TEXT    NOT NULL,   -- JSON parameters, chat_id excluded
    state             TEXT    NOT NULL DEFAULT 'pending'
                      CHECK (state IN ('pending', 'in_flight', 'done', 'failed')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    not_before        TEXT    NOT NULL,   -- no attempt before this time (backoff, retry_after)
    created_at        TEXT    NOT NULL,
    sent_at           TEXT,
    telegram_message_id INTEGER,          -- what Telegram answered, to trace replies back
    last_error        TEXT,
    ref               TEXT                -- what the message is about, e.g. "report:1042:staff"
);
CREATE INDEX outbox_open ON outbox (state, chat_id, id) WHERE state IN ('pending', 'in_flight');
CREATE INDEX outbox_ref ON outbox (ref) WHERE ref IS NOT NULL;
