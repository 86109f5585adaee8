-- What the bot last set of its profile in Telegram (command menus, descriptions): a digest of
-- each request Telegram accepted, per bot (a new token is another bot) and call. At start the
-- bot sets again only what changed, so a restart costs Telegram no request.
CREATE TABLE bot_profile (
    bot_id  INTEGER NOT NULL,
    call    TEXT    NOT NULL,   -- "commands/private/kk", "description/default" …
    digest  TEXT    NOT NULL,   -- sha256 of the method and its arguments
    set_at  TEXT    NOT NULL,
    PRIMARY KEY (bot_id, call)
) WITHOUT ROWID;
