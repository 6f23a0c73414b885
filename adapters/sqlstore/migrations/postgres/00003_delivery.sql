-- Delivery per sink, inbound dedupe and chat references.
-- Times are timestamptz (microseconds), written and read in UTC, as in 00001.

-- +goose Up
-- Where each sink (a Slack workspace, a Discord guild) stands in the outbox:
-- every message with id <= after_id is delivered or skipped. One row per
-- sink; Deliver locks it, so one replica delivers for a sink at a time.
CREATE TABLE sink_state (
    sink         TEXT PRIMARY KEY,
    after_id     BIGINT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0, -- failures of the message after after_id
    next_attempt TIMESTAMPTZ,                -- NULL: no retry pending
    last_error   TEXT NOT NULL DEFAULT ''
);

-- Delivery no longer marks messages: every sink keeps its own place. The
-- column stays for replicas of the previous version during a rolling
-- upgrade (their statements name it); a later migration may drop it. The
-- partial index only cost every insert.
DROP INDEX outbox_pending;

-- Platform event ids already acted on (a Slack event_id, a Discord
-- interaction id), so a platform's retry is processed once. Platforms retry
-- within minutes; rows older than a few days can be deleted at any time
-- (DELETE FROM inbound_events WHERE at < …), which is what the index is for.
CREATE TABLE inbound_events (
    platform TEXT NOT NULL,
    id       TEXT NOT NULL,
    at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, id)
);
CREATE INDEX inbound_events_at ON inbound_events (at);

-- Where a platform message about something of ours lives (the Slack thread
-- of a conversation), so later posts thread under it or update it.
CREATE TABLE chat_refs (
    platform   TEXT NOT NULL,
    key        TEXT NOT NULL,
    channel    TEXT NOT NULL,
    message_id TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, key)
);

-- +goose Down
DROP TABLE chat_refs;
DROP TABLE inbound_events;
CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL;
DROP TABLE sink_state;
