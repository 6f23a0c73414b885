-- The email channel (Amazon relay mail and the shop's mailbox). Additive:
-- older replicas ignore the new columns and table.
--
-- messages.ext_id is a buyer mail's Message-ID (or a synthetic key for a
-- mail without one): never shown, unique so a mail read twice, by two
-- replicas or from a rebuilt mailbox, is stored once, and indexed for the
-- In-Reply-To/References thread lookup.

-- +goose Up
ALTER TABLE messages ADD COLUMN ext_id TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT ''; -- JSON []core.Attachment; '' for none
ALTER TABLE messages ADD COLUMN undelivered TEXT NOT NULL DEFAULT ''; -- why a staff reply did not arrive
CREATE UNIQUE INDEX messages_ext_id ON messages (ext_id) WHERE ext_id <> '';
ALTER TABLE conversations ADD COLUMN subject TEXT NOT NULL DEFAULT '';
-- The staff message a reply event carries: the mail sink makes the reply's
-- stable Message-ID from it.
ALTER TABLE outbox ADD COLUMN message_id INTEGER NOT NULL DEFAULT 0;
-- Where a message source has read up to (an IMAP mailbox's
-- "uidvalidity:lastuid"), by source name.
CREATE TABLE cursors (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE cursors;
ALTER TABLE outbox DROP COLUMN message_id;
ALTER TABLE conversations DROP COLUMN subject;
DROP INDEX messages_ext_id;
ALTER TABLE messages DROP COLUMN undelivered;
ALTER TABLE messages DROP COLUMN attachments;
ALTER TABLE messages DROP COLUMN ext_id;
