-- The role of whoever gave a refund, so the owner limit (refunds.owner_above)
-- counts what non-owners refunded on an order in total: two refunds under
-- the limit must not add up past it without an owner. Refunds saved before
-- this column existed read as '' (not an owner), the safe side.

-- +goose Up
ALTER TABLE refunds ADD COLUMN created_role TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE refunds DROP COLUMN created_role;
