-- The staff console's map (issue 24) reads from indexes alone, at a million reports:
-- its markers (every open report with its place, newest first),
CREATE INDEX reports_open_place ON reports
    (id, latitude, longitude, status, referred_to, category, due_on, precinct_id)
    WHERE status IN ('new', 'taken');
-- the reports closed in the last days,
CREATE INDEX reports_closed_recently ON reports (updated_at)
    WHERE status IN ('resolved', 'rejected');
-- and the heat of the last 30 or 90 days (of a category, of a precinct).
CREATE INDEX reports_place_by_time ON reports (created_at, latitude, longitude, category, precinct_id);
