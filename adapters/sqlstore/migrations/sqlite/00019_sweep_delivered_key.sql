-- The sweep's completion step reads delivered orders by delivery date in
-- pages (ORDER BY delivered_at, id LIMIT …, then after the last key): the
-- index ends in id so that a page comes out in order without a sort. The
-- page, not a plain range, because a planner that takes status and
-- delivered_at as independent expects every old delivery to be still
-- "delivered" (most are long completed) and, at ten million orders,
-- read the whole table instead of the index.

-- +goose Up
CREATE INDEX orders_status_delivered_id ON orders (status, delivered_at, id);
DROP INDEX orders_status_delivered;

-- +goose Down
CREATE INDEX orders_status_delivered ON orders (status, delivered_at);
DROP INDEX orders_status_delivered_id;
