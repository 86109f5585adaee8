-- Reads that must stay fast with a million reports (benchmarks/data_scale.py).
-- /stats and /export look up each report's first take and resolution: answered from this
-- index alone, without reading the events themselves.
CREATE INDEX report_events_action ON report_events (report_id, action, at);
-- /export's audit file pages through a period's events in time order.
CREATE INDEX report_events_time ON report_events (at);
-- report_events_action answers every lookup this one served (a report's events, a handful
-- to sort by id).
DROP INDEX report_events_report;
