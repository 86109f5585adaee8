-- Duties for public helpers: what staff ask for, the offers sent to helpers in waves, the seats
-- taken, and the hours served (check-in to check-out, capped by the duty's own time).

CREATE TABLE duties (
    id               INTEGER PRIMARY KEY,
    starts_at        TEXT    NOT NULL,            -- UTC
    ends_at          TEXT    NOT NULL,
    precincts        TEXT    NOT NULL,            -- JSON list of precinct ids
    place_lat        REAL    NOT NULL,
    place_lon        REAL    NOT NULL,
    place_label      TEXT    NOT NULL,
    place_point_id   TEXT,                        -- a police point of the directory, if one
    seats            INTEGER NOT NULL CHECK (seats > 0),
    task             TEXT    NOT NULL,
    leader           TEXT    NOT NULL,
    leader_phone     TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cancelled')),
    cancel_reason    TEXT,
    waves            INTEGER NOT NULL DEFAULT 0,
    created_by       INTEGER,
    created_by_name  TEXT,
    staff_chat_id    INTEGER,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX duties_time ON duties (starts_at);

-- one row per helper a duty was offered to: the offer, the answer, then the attendance
CREATE TABLE duty_offers (
    duty_id          INTEGER NOT NULL REFERENCES duties (id),
    helper_id        INTEGER NOT NULL REFERENCES helpers (id),
    user_id          INTEGER NOT NULL,
    wave             INTEGER NOT NULL,
    state            TEXT    NOT NULL DEFAULT 'offered'
                     CHECK (state IN ('offered', 'accepted', 'declined', 'withdrawn', 'closed',
                                      'no_show')),
    offered_at       TEXT    NOT NULL,
    answered_at      TEXT,
    message_id       INTEGER,                     -- the offer in the helper's chat, once sent
    checked_in_at    TEXT,
    check_in_metres  INTEGER,                     -- from the meeting point, if they shared it
    checked_out_at   TEXT,
    minutes          INTEGER,                     -- counted at check-out (or by staff)
    minutes_by       TEXT,                        -- who set them by hand
    PRIMARY KEY (duty_id, helper_id)
);
CREATE INDEX duty_offers_helper ON duty_offers (helper_id, state);
CREATE INDEX duty_offers_user ON duty_offers (user_id, duty_id);
CREATE INDEX duty_offers_state ON duty_offers (duty_id, state);

-- bulk messages (offers to thousands of helpers) wait behind a resident's message
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
