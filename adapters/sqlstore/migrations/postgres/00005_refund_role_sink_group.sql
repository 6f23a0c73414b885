-- The role of whoever gave a refund, so the owner limit (refunds.owner_above)
-- counts what non-owners refunded on an order in total: two refunds under
-- the limit must not add up past it without an owner. Refunds saved before
-- this column existed read as '' (not an owner), the safe side.
--
-- sink_state.group_to: the last outbox id of a group of messages being
-- posted as one (a digest of alerts, one update of a conversation),
-- recorded before the post so that a replica taking over forms the same
-- group again and looks for it, rather than posting a grown one twice.
-- 0: no group in flight.

-- +goose Up
ALTER TABLE refunds ADD COLUMN created_role TEXT NOT NULL DEFAULT '';
ALTER TABLE sink_state ADD COLUMN group_to BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE sink_state DROP COLUMN group_to;
ALTER TABLE refunds DROP COLUMN created_role;
