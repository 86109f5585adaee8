-- Every update is kept here from the moment it arrives until it has been handled. Telegram
-- forgets an update once the bot has confirmed it (the next getUpdates, or a webhook's 200), so
-- an update that was being handled when the process died is handled at the next start from
-- here. A handled row keeps its id (not its body) for two days: Telegram may send an update
-- again that it did not see confirmed, and it is then skipped.
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    body        TEXT    NOT NULL,          -- the update as Telegram sent it; '' once handled
    received_at TEXT    NOT NULL,
    handled_at  TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0 -- replays at start; a third is not tried
);
CREATE INDEX inbox_waiting ON inbox (update_id) WHERE handled_at IS NULL;
CREATE INDEX inbox_received ON inbox (received_at);
