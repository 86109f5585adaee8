-- A precinct's published priorities: an issue and the action taken, with the date, in Kazakh
-- and Russian; shown on the inspector's card and sent to those who follow the area.
CREATE TABLE local_priorities (
    id          INTEGER PRIMARY KEY,
    precinct_id TEXT    NOT NULL,
    text_kk     TEXT    NOT NULL,
    text_ru     TEXT    NOT NULL,
    since       TEXT    NOT NULL,      -- YYYY-MM-DD, local
    by_id       INTEGER NOT NULL,
    by_name     TEXT,
    created_at  TEXT    NOT NULL,
    removed_at  TEXT
);
CREATE INDEX local_priorities_precinct ON local_priorities (precinct_id) WHERE removed_at IS NULL;
