-- A report's draft carries a key made when the resident starts it: the same «Send» handled
-- twice (the process died after the commit, before Telegram heard the update was handled, and
-- Telegram sent it again) finds the report it made, instead of making a second one.
ALTER TABLE reports ADD COLUMN submission_key TEXT;
CREATE UNIQUE INDEX reports_submission_key ON reports (submission_key)
    WHERE submission_key IS NOT NULL;
