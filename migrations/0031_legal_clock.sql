-- The legal clock (issue 23): every report has the last day of its answer's term, in the
-- city's time zone (an ISO date), set when it is received from the working-day calendar and
-- moved by an extension; the first answer (resolved or rejected) records when it came, how
-- many working days it took and how many past the due date (0: in time). Reports received
-- before this migration have no term: they are counted in no legal-clock figure.
ALTER TABLE reports ADD COLUMN due_on TEXT;
ALTER TABLE reports ADD COLUMN extensions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN answered_at TEXT;
ALTER TABLE reports ADD COLUMN answer_days INTEGER;
ALTER TABLE reports ADD COLUMN late_days INTEGER;
CREATE INDEX reports_open_due ON reports (due_on) WHERE status IN ('new', 'taken');
CREATE INDEX reports_answered ON reports (answered_at) WHERE answered_at IS NOT NULL;
