-- At start-up the rate limiter learns what the last run sent to each group in Telegram's last
-- minute (a restart must not forget it): found by the time each row was sent.
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;
