-- Who acted, by the name staff know them by (the officer's Telegram name at that moment), so
-- that an officer who was a moment too late is told who was faster, and a re-drawn post can
-- still say who holds the report.
ALTER TABLE report_events ADD COLUMN actor_name TEXT;
