-- Failed buyer verifications per client, so the limit on tries holds
-- whichever replica or channel a client uses.
-- Times are timestamptz (microseconds), written and read in UTC, as in 00001.

-- +goose Up
-- One row per failed try by a client key ("web:<address>",
-- "discord:<user id>"). Several may share a time, so there is no natural
-- key. Replicas count and record one key's tries one at a time under an
-- advisory lock (sqlstore/verify.go). Only tries inside the verification
-- window count; older rows can be deleted at any time (DELETE FROM
-- verify_failures WHERE at < …), which is what verify_failures_at is for.
CREATE TABLE verify_failures (
    id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT NOT NULL,
    at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX verify_failures_key ON verify_failures (key, at);
CREATE INDEX verify_failures_at ON verify_failures (at);

-- +goose Down
DROP TABLE verify_failures;
