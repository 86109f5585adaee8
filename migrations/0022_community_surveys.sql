-- Community surveys: staff ask the residents who follow an area a question with 2-10 options,
-- in Kazakh and Russian; each recipient has one answer, changeable until the end, counted in
-- the area they were asked as. Answers carry no name: results are counts per precinct.
CREATE TABLE community_surveys (
    id           INTEGER PRIMARY KEY,
    question_kk  TEXT    NOT NULL,
    question_ru  TEXT    NOT NULL,
    targets      TEXT    NOT NULL,      -- JSON list of precinct ids; [] for every area
    ends_at      TEXT    NOT NULL,      -- UTC
    status       TEXT    NOT NULL DEFAULT 'draft'
                 CHECK (status IN ('draft', 'open', 'closed', 'discarded')),
    chat_id      INTEGER,               -- the staff chat it was composed in
    by_id        INTEGER NOT NULL,
    by_name      TEXT,
    created_at   TEXT    NOT NULL,
    sent_at      TEXT,
    sent_by_id   INTEGER,
    sent_by_name TEXT,
    fanned_at    TEXT,                  -- when the messages were written to the outbox
    recipients   INTEGER,
    closed_at    TEXT,
    closed_by    TEXT                   -- a name, or NULL when the end time closed it
);
CREATE INDEX community_surveys_status ON community_surveys (status, id);

CREATE TABLE community_survey_options (
    survey_id INTEGER NOT NULL REFERENCES community_surveys (id),
    position  INTEGER NOT NULL,         -- 0 first
    text_kk   TEXT    NOT NULL,
    text_ru   TEXT    NOT NULL,
    PRIMARY KEY (survey_id, position)
) WITHOUT ROWID;

CREATE TABLE community_survey_recipients (
    survey_id   INTEGER NOT NULL REFERENCES community_surveys (id),
    user_id     INTEGER NOT NULL,
    precinct_id TEXT    NOT NULL,       -- the followed area it was sent for
    language    TEXT    NOT NULL,
    queued      INTEGER NOT NULL DEFAULT 0, -- its message is in the outbox (written in batches)
    PRIMARY KEY (survey_id, user_id)
) WITHOUT ROWID;
CREATE INDEX community_survey_unqueued ON community_survey_recipients (survey_id, user_id)
    WHERE queued = 0;

CREATE TABLE community_survey_answers (
    survey_id   INTEGER NOT NULL REFERENCES community_surveys (id),
    user_id     INTEGER NOT NULL,
    option      INTEGER NOT NULL,
    answered_at TEXT    NOT NULL,
    changes     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (survey_id, user_id)
) WITHOUT ROWID;

-- At the end the answers are counted here and the rows above, which link a person to an answer,
-- are deleted: the results stay, nobody's answer does.
CREATE TABLE community_survey_tallies (
    survey_id   INTEGER NOT NULL REFERENCES community_surveys (id),
    precinct_id TEXT    NOT NULL,
    recipients  INTEGER NOT NULL,       -- those it reached
    counts      TEXT    NOT NULL,       -- JSON list: answers per option, the first option first
    PRIMARY KEY (survey_id, precinct_id)
) WITHOUT ROWID;
