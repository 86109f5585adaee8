-- A report routed to its precinct's own forum topic shares that topic with the precinct's other
-- reports: it is never closed or reopened with the report.
ALTER TABLE reports ADD COLUMN staff_thread_shared INTEGER NOT NULL DEFAULT 0;
