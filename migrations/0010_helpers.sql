-- Public helpers: applications and their pipeline (applied → checked by the police →
-- registered by the akimat → active; rejected; suspended; retired), every change audited, and
-- every look at a full IIN audited too.

CREATE TABLE helpers (
    id                  INTEGER PRIMARY KEY,
    user_id             INTEGER NOT NULL REFERENCES users (id),
    full_name           TEXT    NOT NULL,
    birth_date          TEXT    NOT NULL,        -- YYYY-MM-DD
    iin                 TEXT    NOT NULL,        -- shown to staff masked, in full only on request
    phone               TEXT    NOT NULL,        -- +7XXXXXXXXXX, the applicant's own contact
    precincts           TEXT    NOT NULL,        -- JSON list of precinct ids
    days                TEXT    NOT NULL,        -- JSON list, 0 = Monday
    bands               TEXT    NOT NULL,        -- JSON list: morning, day, evening, night
    note                TEXT    NOT NULL DEFAULT '',
    language            TEXT    NOT NULL,
    consent_version     TEXT    NOT NULL,
    status              TEXT    NOT NULL DEFAULT 'applied'
                        CHECK (status IN ('applied', 'checked', 'registered', 'active',
                                          'rejected', 'suspended', 'retired')),
    registration_number TEXT,                    -- given by the akimat
    registration_date   TEXT,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL
);
CREATE INDEX helpers_user ON helpers (user_id, id);
CREATE INDEX helpers_status ON helpers (status, id);
-- one application in progress or one helper at a time per person
CREATE UNIQUE INDEX helpers_current ON helpers (user_id)
    WHERE status NOT IN ('rejected', 'retired');

CREATE TABLE helper_events (
    id          INTEGER PRIMARY KEY,
    helper_id   INTEGER NOT NULL REFERENCES helpers (id),
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL CHECK (actor IN ('applicant', 'staff', 'system')),
    actor_id    INTEGER,
    actor_name  TEXT,
    action      TEXT    NOT NULL,   -- applied, check, register, activate, reject, iin_shown, …
    from_status TEXT,
    to_status   TEXT,
    note        TEXT
);
CREATE INDEX helper_events_helper ON helper_events (helper_id, id);
