-- Account health from counters kept as orders change (issue 16), so that
-- `health` reads about thirty rows a window instead of every order and
-- shipment in it. One row per UTC day (days since 1970, floored) and
-- metric, holding what the day adds to account health, merchant orders
-- only:
--   orders            orders purchased that day
--   canceled:<reason> of those, the ones with that cancel reason
--   shipments, valid  shipments shipped that day; of those, valid tracking
--   shipped, late     orders whose newest shipment (newest late shipment)
--                     is of that day, so an order counts once per window
-- The store adds each save's change (after minus before) just before its
-- commit, as "n = n + excluded.n". A replica older than this migration
-- saves orders without doing so: upgrade every replica, then run
-- the store's RebuildHealth (as `bot bench --scale` does after its load)
-- if one kept writing in between.
--
-- Also indexes for the sweep: open and pending orders by purchase date,
-- delivered ones by delivery date, so a sweep reads only what can be due.

-- +goose Up
CREATE TABLE health_days (
    day    BIGINT NOT NULL,
    metric TEXT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (day, metric)
);
INSERT INTO health_days (day, metric, n)
SELECT day, metric, COUNT(*) FROM (
    SELECT floor(extract(epoch FROM purchase_date) / 86400)::bigint AS day, 'orders' AS metric
        FROM orders WHERE fulfillment = 'merchant'
    UNION ALL
    SELECT floor(extract(epoch FROM purchase_date) / 86400)::bigint, 'canceled:' || cancel_reason
        FROM orders WHERE fulfillment = 'merchant' AND cancel_reason <> ''
    UNION ALL
    SELECT floor(extract(epoch FROM s.ship_date) / 86400)::bigint, 'shipments'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant'
    UNION ALL
    SELECT floor(extract(epoch FROM s.ship_date) / 86400)::bigint, 'valid'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' AND s.valid_tracking
    UNION ALL
    SELECT floor(extract(epoch FROM MAX(s.ship_date)) / 86400)::bigint, 'shipped'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' GROUP BY s.order_id
    UNION ALL
    SELECT floor(extract(epoch FROM MAX(s.ship_date)) / 86400)::bigint, 'late'
        FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.fulfillment = 'merchant' AND s.late GROUP BY s.order_id
) f GROUP BY day, metric;
CREATE INDEX orders_status_purchase ON orders (status, purchase_date);
CREATE INDEX orders_status_delivered ON orders (status, delivered_at);

-- +goose Down
DROP INDEX orders_status_delivered;
DROP INDEX orders_status_purchase;
DROP TABLE health_days;
