-- Buyer sessions of the help page, so signing out ends a session on the
-- server and an old copy of its cookie is worth nothing.
-- Times are timestamptz (microseconds), written and read in UTC, as in 00001.

-- +goose Up
-- One row per signed-in browser. The cookie names the row (id) and is
-- signed, so a row alone lets nobody in. Expired rows are deleted by the
-- daily clean-up (buyer_sessions_expires is for that).
CREATE TABLE buyer_sessions (
    id         TEXT PRIMARY KEY,
    channel    TEXT NOT NULL,
    order_id   TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX buyer_sessions_expires ON buyer_sessions (expires_at);

-- +goose Down
DROP TABLE buyer_sessions;
