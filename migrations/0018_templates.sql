-- Reply templates: ready answers for residents, per category (or for any), in Kazakh and in
-- Russian (both required); the resident gets the one in their language.
CREATE TABLE reply_templates (
    id          INTEGER PRIMARY KEY,
    category    TEXT,                 -- NULL: for every category
    title       TEXT    NOT NULL,
    text_kk     TEXT    NOT NULL,
    text_ru     TEXT    NOT NULL,
    created_by  INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    removed_at  TEXT
);
CREATE INDEX reply_templates_category ON reply_templates (category) WHERE removed_at IS NULL;
