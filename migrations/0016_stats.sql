-- /stats and /export read reports by the time they were made.
CREATE INDEX reports_created ON reports (created_at);
