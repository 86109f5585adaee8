-- Residents who opted in to hear about an area (a precinct): community surveys, changes of its
-- published priorities, and alerts when a report there is resolved; each switched separately.
CREATE TABLE subscriptions (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    precinct_id TEXT    NOT NULL,
    surveys     INTEGER NOT NULL DEFAULT 1,
    priorities  INTEGER NOT NULL DEFAULT 1,
    alerts      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    UNIQUE (user_id, precinct_id)
);
CREATE INDEX subscriptions_precinct ON subscriptions (precinct_id);
