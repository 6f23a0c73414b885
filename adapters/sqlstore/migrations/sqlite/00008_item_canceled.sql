-- Units of an order line the marketplace cancelled before shipping (a
-- report's item-status Cancelled). They are not in quantity: nothing ships,
-- reserves or refunds them. Additive: older replicas ignore the column.

-- +goose Up
ALTER TABLE order_items ADD COLUMN canceled INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE order_items DROP COLUMN canceled;
