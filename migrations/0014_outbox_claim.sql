-- The delivery worker's claim: the due pending rows in (priority, id) order, each checked for an
-- earlier open row or a row in flight in its own chat. Without these the claim scanned the
-- whole outbox (sent rows included) once per pending row: 113 ms with 2,000 offers waiting.
CREATE INDEX outbox_pending ON outbox (priority, id) WHERE state = 'pending';
CREATE INDEX outbox_in_flight ON outbox (chat_id) WHERE state = 'in_flight';
-- when the next row falls due (the worker's idle wait)
CREATE INDEX outbox_due ON outbox (not_before) WHERE state = 'pending';
