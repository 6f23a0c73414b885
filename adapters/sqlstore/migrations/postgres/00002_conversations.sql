-- Buyer conversations and the 24-hour response window.
-- Times are timestamptz (microseconds), written and read in UTC, as in 00001.

-- +goose Up
CREATE TABLE conversations (
    id                    TEXT PRIMARY KEY,
    channel               TEXT NOT NULL,
    buyer_key             TEXT NOT NULL DEFAULT '',
    buyer_name            TEXT NOT NULL DEFAULT '',
    -- No foreign key: a buyer may name an order before the report that
    -- holds it is imported, and a conversation outlives anything done to it.
    order_id              TEXT NOT NULL DEFAULT '',
    language              TEXT NOT NULL DEFAULT '',
    deadline              TIMESTAMPTZ, -- oldest unanswered buyer message + 24 h; NULL: nobody waits
    reminders_sent        INTEGER NOT NULL DEFAULT 0,
    breached              BOOLEAN NOT NULL DEFAULT FALSE,
    -- The newest buyer message and the one the draft answers, kept on the
    -- row so that "needs a draft" is a test of one row, not a join.
    last_buyer_message_id BIGINT NOT NULL DEFAULT 0,
    draft_for_message     BIGINT, -- NULL when there is no draft
    draft                 TEXT,   -- JSON core.Draft; NULL when there is none
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    version               BIGINT NOT NULL
);
-- The inbox, reminders and breaches: only conversations where a buyer waits.
CREATE INDEX conversations_deadline ON conversations (deadline) WHERE deadline IS NOT NULL;
-- A buyer's next message finds their conversation on that channel.
CREATE INDEX conversations_buyer ON conversations (buyer_key, channel);
CREATE INDEX conversations_order ON conversations (order_id);

CREATE TABLE messages (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sender          TEXT NOT NULL, -- buyer or staff
    by_name         TEXT NOT NULL DEFAULT '',
    text            TEXT NOT NULL,
    at              TIMESTAMPTZ NOT NULL,
    answered_at     TIMESTAMPTZ,
    no_reply        BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
-- The response-time metric counts buyer messages by when they were sent.
CREATE INDEX messages_buyer_at ON messages (at) WHERE sender = 'buyer';

-- Conversation events are routed back to the buyer's channel.
ALTER TABLE outbox
    ADD COLUMN conversation_id TEXT NOT NULL DEFAULT '',
    ADD COLUMN channel TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE outbox DROP COLUMN channel, DROP COLUMN conversation_id;
DROP TABLE messages;
DROP TABLE conversations;
