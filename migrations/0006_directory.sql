-- The directory: precincts (their boundaries as GeoJSON), district inspectors, police points.
-- `sakshy import-directory` replaces all of it in one transaction; links of officers' Telegram
-- accounts to inspector records and the reports' precincts are kept by id across imports.

CREATE TABLE police_points (
    id          TEXT PRIMARY KEY,
    name_kk     TEXT NOT NULL,
    name_ru     TEXT NOT NULL,
    address_kk  TEXT NOT NULL,
    address_ru  TEXT NOT NULL,
    latitude    REAL NOT NULL,
    longitude   REAL NOT NULL,
    hours_kk    TEXT NOT NULL DEFAULT '',
    hours_ru    TEXT NOT NULL DEFAULT '',
    phone       TEXT                       -- +7XXXXXXXXXX
);

CREATE TABLE inspectors (
    id            TEXT PRIMARY KEY,
    full_name     TEXT NOT NULL,
    rank_kk       TEXT NOT NULL,
    rank_ru       TEXT NOT NULL,
    phones        TEXT NOT NULL,           -- JSON list of +7XXXXXXXXXX
    reception_kk  TEXT NOT NULL DEFAULT '',
    reception_ru  TEXT NOT NULL DEFAULT '',
    point_id      TEXT REFERENCES police_points (id),
    email         TEXT,
    telegram      TEXT,                    -- a username, without @
    photo_url     TEXT
);

CREATE TABLE precincts (
    id               TEXT PRIMARY KEY,
    name_kk          TEXT NOT NULL,
    name_ru          TEXT NOT NULL,
    district_kk      TEXT NOT NULL,
    district_ru      TEXT NOT NULL,
    geometry         TEXT NOT NULL,        -- GeoJSON Polygon or MultiPolygon
    point_id         TEXT REFERENCES police_points (id),
    staff_chat_id    INTEGER,              -- its reports go there instead of the staff group
    staff_thread_id  INTEGER               -- … or into this forum topic
);

CREATE TABLE precinct_inspectors (
    precinct_id   TEXT    NOT NULL REFERENCES precincts (id),
    inspector_id  TEXT    NOT NULL REFERENCES inspectors (id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (precinct_id, inspector_id)
);

CREATE TABLE directory_imports (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    by_user_id  INTEGER,                   -- NULL: from the command line
    by_name     TEXT,
    source      TEXT    NOT NULL,          -- the file's name
    precincts   INTEGER NOT NULL,
    inspectors  INTEGER NOT NULL,
    points      INTEGER NOT NULL
);

-- An officer's Telegram account, linked by themselves (/me) to their inspector record.
CREATE TABLE inspector_links (
    inspector_id  TEXT    PRIMARY KEY,
    user_id       INTEGER NOT NULL UNIQUE,
    linked_at     TEXT    NOT NULL
);

ALTER TABLE reports ADD COLUMN precinct_id TEXT;   -- from its location; NULL: unassigned
ALTER TABLE reports ADD COLUMN inspector_id TEXT;
CREATE INDEX reports_precinct ON reports (precinct_id, id);
