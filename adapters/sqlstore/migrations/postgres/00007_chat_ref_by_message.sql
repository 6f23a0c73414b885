-- Find a chat reference by the message it points at: a message typed in a
-- Slack thread names the thread (channel and ts), and the desk asks which
-- buyer conversation, if any, that thread is.

-- +goose Up
CREATE INDEX chat_refs_message ON chat_refs (platform, channel, message_id);

-- +goose Down
DROP INDEX chat_refs_message;
