-- An application gets its own forum topic in the staff group when the group has topics.
ALTER TABLE helpers ADD COLUMN staff_thread_id INTEGER;
