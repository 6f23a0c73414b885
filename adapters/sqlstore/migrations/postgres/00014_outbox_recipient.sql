-- The chat identity a direct message goes to (core.Event.To: the on-call
-- person when nobody works, an owner when a breach stays open); '' for
-- every other outbox message. Additive: older replicas ignore the column.

-- +goose Up
ALTER TABLE outbox ADD COLUMN recipient TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE outbox DROP COLUMN recipient;
