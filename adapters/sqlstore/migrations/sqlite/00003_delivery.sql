-- Delivery per sink, inbound dedupe and chat references.
-- Times are INTEGER microseconds since 1970-01-01 UTC, as in 00001.

-- +goose Up
-- Where each sink (a Slack workspace, a Discord guild) stands in the outbox:
-- every message with id <= after_id is delivered or skipped. One row per
-- sink; Deliver reads and saves it inside one write transaction.
CREATE TABLE sink_state (
    sink         TEXT PRIMARY KEY,
    after_id     INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0, -- failures of the message after after_id
    next_attempt INTEGER,                    -- NULL: no retry pending
    last_error   TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

-- Delivery no longer marks messages: every sink keeps its own place. The
-- column stays (a process of the previous version may still name it); a
-- later migration may drop it. The partial index only cost every insert.
DROP INDEX outbox_pending;

-- Platform event ids already acted on (a Slack event_id, a Discord
-- interaction id), so a platform's retry is processed once. Platforms retry
-- within minutes; rows older than a few days can be deleted at any time
-- (DELETE FROM inbound_events WHERE at < …), which is what the index is for.
CREATE TABLE inbound_events (
    platform TEXT NOT NULL,
    id       TEXT NOT NULL,
    at       INTEGER NOT NULL,
    PRIMARY KEY (platform, id)
) WITHOUT ROWID;
CREATE INDEX inbound_events_at ON inbound_events (at);

-- Where a platform message about something of ours lives (the Slack thread
-- of a conversation), so later posts thread under it or update it.
CREATE TABLE chat_refs (
    platform   TEXT NOT NULL,
    key        TEXT NOT NULL,
    channel    TEXT NOT NULL,
    message_id TEXT NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (platform, key)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE chat_refs;
DROP TABLE inbound_events;
CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL;
DROP TABLE sink_state;
