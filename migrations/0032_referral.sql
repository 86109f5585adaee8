-- Referral (issue 23): the outside bodies a report can be passed to (an akimat's department,
-- a utility, the 109 contact centre …), each reached in its own Telegram chat, by e-mail or by
-- hand, and every referral made.
--
-- A referred report is stored as status 'taken' with `referred_to` set (the body): the status
-- column's CHECK predates referral, and SQLite changes a CHECK only by rebuilding the table,
-- which seven tables reference. The repository reads the pair as the status «referred», and
-- every "open" filter ('new', 'taken') counts it as open, as it is.
ALTER TABLE reports ADD COLUMN referred_to TEXT;

CREATE TABLE bodies (
    id          TEXT    PRIMARY KEY,   -- a stable key: akimat_alfarabi, water, c109
    name_kk     TEXT    NOT NULL,
    name_ru     TEXT    NOT NULL,
    contact     TEXT    NOT NULL CHECK (contact IN ('telegram', 'email', 'hand')),
    chat_id     INTEGER,               -- contact 'telegram': the body's chat, the bot a member
    email       TEXT,                  -- contact 'email'
    active      INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT    NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX bodies_chat ON bodies (chat_id) WHERE chat_id IS NOT NULL AND active = 1;

CREATE TABLE referrals (
    id              INTEGER PRIMARY KEY,
    report_id       INTEGER NOT NULL REFERENCES reports (id),
    body_id         TEXT    NOT NULL REFERENCES bodies (id),
    reason          TEXT    NOT NULL,   -- a code ("competence") or the officer's words
    state           TEXT    NOT NULL DEFAULT 'sent'
                    CHECK (state IN ('sent', 'accepted', 'answered', 'closed', 'failed',
                                     'recalled')),
    officer_id      INTEGER NOT NULL,
    officer_name    TEXT,
    due_on          TEXT    NOT NULL,   -- the body's answer term (a local ISO date)
    body_chat_id    INTEGER,
    body_message_id INTEGER,            -- its post in the body's chat, once delivered
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
-- one live referral per report
CREATE UNIQUE INDEX referrals_live ON referrals (report_id) WHERE state IN ('sent', 'accepted');
CREATE INDEX referrals_report ON referrals (report_id);
