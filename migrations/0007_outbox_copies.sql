-- An officer who edits a message is told whether it already reached a resident: find the copy
-- by the message it was made from without reading the whole outbox.
CREATE INDEX outbox_copies ON outbox (
    json_extract(payload, '$.from_chat_id'), json_extract(payload, '$.message_id')
) WHERE method = 'copyMessage';
