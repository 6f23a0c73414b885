-- Account health's counters per minute (issue 16): health_minutes holds,
-- per minute (minutes since 1970, floored) and metric, what health_hours
-- (00015) holds per hour, so that `health` counts one by one only the
-- rows of its windows' partial first minute (the whole minutes of the
-- partial first hour come from here) instead of up to an hour's orders
-- and shipments.
-- The store adds each save's change to both tables, in the same
-- statement, just before its commit; a replica older than this migration
-- adds to health_hours only: upgrade every replica, then run the store's
-- RebuildHealth (which rebuilds every counter table) if one kept writing
-- in between.
-- A row exists only for a minute where something counted happened. Only
-- a window's first hour reads minutes, so rows older than the longest
-- window (30 days) are never read; they are kept, as the hours are.

-- +goose Up
CREATE TABLE health_minutes (
    minute BIGINT NOT NULL,
    metric TEXT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (minute, metric)
);
INSERT INTO health_minutes (minute, metric, n)
SELECT minute, metric, COUNT(*) FROM (
    SELECT floor(extract(epoch FROM purchase_date) / 60)::bigint AS minute, 'orders' AS metric
        FROM orders WHERE fulfillment = 'merchant'
    UNION ALL
    SELECT floor(extract(epoch FROM purchase_date) / 60)::bigint, 'canceled:' || cancel_reason
        FROM orders WHERE fulfillment = 'merchant' AND cancel_reason <> ''
    UNION ALL
    SELECT floor(extract(epoch FROM s.ship_date) / 60)::bigint, 'shipments'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant'
    UNION ALL
    SELECT floor(extract(epoch FROM s.ship_date) / 60)::bigint, 'valid'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' AND s.valid_tracking
    UNION ALL
    SELECT floor(extract(epoch FROM MAX(s.ship_date)) / 60)::bigint, 'shipped'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' GROUP BY s.order_id
    UNION ALL
    SELECT floor(extract(epoch FROM MAX(s.ship_date)) / 60)::bigint, 'late'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' AND s.late GROUP BY s.order_id
) f GROUP BY minute, metric;

-- Statistics at once: until autovacuum gets to the filled table, the
-- planner guesses, and health read a big shop's table by a bitmap scan
-- (at 10M orders, 22 ms against 10 ms once health_minutes was analysed).
ANALYZE health_minutes;

-- +goose Down
DROP TABLE health_minutes;
