-- Retention: a closed report's reporter (name, username, phone) and exact place (a typed
-- address, the location beyond ~1 km) are removed after RETENTION_DAYS; statistics stay
-- (category, status, times, precinct, rating). Sent messages keep their ids, not their text.
ALTER TABLE reports ADD COLUMN anonymised_at TEXT;
CREATE INDEX reports_to_anonymise ON reports (updated_at)
    WHERE anonymised_at IS NULL AND status IN ('resolved', 'rejected', 'withdrawn');
CREATE INDEX outbox_settled_payload ON outbox (created_at)
    WHERE state IN ('done', 'failed') AND payload <> '{}' AND method <> 'copyMessage';
-- /mydata finds a person's answers by their id
CREATE INDEX surveys_resident ON surveys (resident_id);
CREATE INDEX community_survey_answers_user ON community_survey_answers (user_id);
