-- Account health's counters per minute (issue 16): health_minutes holds,
-- per minute (minutes since 1970, floored) and metric, what health_hours
-- (00015) holds per hour, so that `health` counts one by one only the
-- rows of its windows' partial first minute (the whole minutes of the
-- partial first hour come from here) instead of up to an hour's orders
-- and shipments.
-- Times are microseconds since 1970 here; the minute is floored as on
-- PostgreSQL.
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
    minute INTEGER NOT NULL,
    metric TEXT NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (minute, metric)
);
INSERT INTO health_minutes (minute, metric, n)
SELECT minute, metric, COUNT(*) FROM (
    SELECT ((purchase_date) - ((purchase_date) < 0) * 59999999) / 60000000 AS minute, 'orders' AS metric
        FROM orders WHERE fulfillment = 'merchant'
    UNION ALL
    SELECT ((purchase_date) - ((purchase_date) < 0) * 59999999) / 60000000, 'canceled:' || cancel_reason
        FROM orders WHERE fulfillment = 'merchant' AND cancel_reason <> ''
    UNION ALL
    SELECT ((s.ship_date) - ((s.ship_date) < 0) * 59999999) / 60000000, 'shipments'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant'
    UNION ALL
    SELECT ((s.ship_date) - ((s.ship_date) < 0) * 59999999) / 60000000, 'valid'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' AND s.valid_tracking
    UNION ALL
    SELECT ((MAX(s.ship_date)) - ((MAX(s.ship_date)) < 0) * 59999999) / 60000000, 'shipped'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' GROUP BY s.order_id
    UNION ALL
    SELECT ((MAX(s.ship_date)) - ((MAX(s.ship_date)) < 0) * 59999999) / 60000000, 'late'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' AND s.late GROUP BY s.order_id
) f GROUP BY minute, metric;

-- +goose Down
DROP TABLE health_minutes;
