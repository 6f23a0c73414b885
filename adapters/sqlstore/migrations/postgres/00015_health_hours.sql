-- Account health from counters kept as orders change (issue 16), so that
-- `health` reads a few thousand counters a month (and an hour's rows)
-- instead of every order and shipment in its windows. One row per hour
-- (hours since 1970, floored) and metric, holding what the hour adds to
-- account health, merchant orders only:
--   orders            orders purchased in that hour
--   canceled:<reason> of those, the ones with that cancel reason
--   shipments, valid  shipments shipped in it; of those, valid tracking
--   shipped, late     orders whose newest shipment (newest late shipment)
--                     is in it, so an order counts once per window
-- The store adds each save's change (after minus before) just before its
-- commit, as "n = n + excluded.n". A replica older than this migration
-- saves orders without doing so: upgrade every replica, then run
-- the store's RebuildHealth (as `bot bench --scale` does after its load)
-- if one kept writing in between.
--
-- Also indexes for the sweep: open and pending orders by purchase date,
-- delivered ones by delivery date, so a sweep reads only what can be due.

-- +goose Up
CREATE TABLE health_hours (
    hour   BIGINT NOT NULL,
    metric TEXT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (hour, metric)
);
INSERT INTO health_hours (hour, metric, n)
SELECT hour, metric, COUNT(*) FROM (
    SELECT floor(extract(epoch FROM purchase_date) / 3600)::bigint AS hour, 'orders' AS metric
        FROM orders WHERE fulfillment = 'merchant'
    UNION ALL
    SELECT floor(extract(epoch FROM purchase_date) / 3600)::bigint, 'canceled:' || cancel_reason
        FROM orders WHERE fulfillment = 'merchant' AND cancel_reason <> ''
    UNION ALL
    SELECT floor(extract(epoch FROM s.ship_date) / 3600)::bigint, 'shipments'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant'
    UNION ALL
    SELECT floor(extract(epoch FROM s.ship_date) / 3600)::bigint, 'valid'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' AND s.valid_tracking
    UNION ALL
    SELECT floor(extract(epoch FROM MAX(s.ship_date)) / 3600)::bigint, 'shipped'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' GROUP BY s.order_id
    UNION ALL
    SELECT floor(extract(epoch FROM MAX(s.ship_date)) / 3600)::bigint, 'late'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' AND s.late GROUP BY s.order_id
) f GROUP BY hour, metric;
CREATE INDEX orders_status_purchase ON orders (status, purchase_date);
CREATE INDEX orders_status_delivered ON orders (status, delivered_at);

-- +goose Down
DROP INDEX orders_status_delivered;
DROP INDEX orders_status_purchase;
DROP TABLE health_hours;
