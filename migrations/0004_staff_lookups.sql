-- Lookups the staff group needs on every officer message: which report a bot message, a post
-- or a forum topic belongs to, and the reports an officer holds (/mine).

CREATE INDEX outbox_sent ON outbox (chat_id, telegram_message_id)
    WHERE telegram_message_id IS NOT NULL;
CREATE INDEX reports_post ON reports (staff_chat_id, staff_message_id);
CREATE INDEX reports_topic ON reports (staff_chat_id, staff_thread_id)
    WHERE staff_thread_id IS NOT NULL;
CREATE INDEX reports_officer ON reports (officer_id, id) WHERE status = 'taken';
