-- Times are INTEGER microseconds since 1970-01-01 UTC: they sort and compare
-- as numbers and keep the precision PostgreSQL's timestamptz has.
-- Money is INTEGER minor units (cents) of the order's currency.

-- +goose Up
CREATE TABLE orders (
    id                 TEXT PRIMARY KEY,
    status             TEXT NOT NULL,
    fulfillment        TEXT NOT NULL,
    sales_channel      TEXT NOT NULL DEFAULT '',
    purchase_date      INTEGER NOT NULL,
    payments_date      INTEGER,
    ship_by            INTEGER NOT NULL,
    ship_service_level TEXT NOT NULL DEFAULT '',
    currency           TEXT NOT NULL DEFAULT '',
    buyer_name         TEXT NOT NULL DEFAULT '',
    buyer_email        TEXT NOT NULL DEFAULT '',
    buyer_phone        TEXT NOT NULL DEFAULT '',
    ship_name          TEXT NOT NULL DEFAULT '',
    ship_line1         TEXT NOT NULL DEFAULT '',
    ship_line2         TEXT NOT NULL DEFAULT '',
    ship_line3         TEXT NOT NULL DEFAULT '',
    ship_city          TEXT NOT NULL DEFAULT '',
    ship_state         TEXT NOT NULL DEFAULT '',
    ship_postal_code   TEXT NOT NULL DEFAULT '',
    ship_country       TEXT NOT NULL DEFAULT '',
    ship_phone         TEXT NOT NULL DEFAULT '',
    cancel_reason      TEXT NOT NULL DEFAULT '',
    canceled_at        INTEGER,
    delivered_at       INTEGER,
    ship_warned_at     INTEGER,
    report_updated     INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    version            INTEGER NOT NULL
);
-- "orders unshipped/late/due": status with a ship-by range, soonest first.
CREATE INDEX orders_status_ship_by ON orders (status, ship_by);
-- Newest first, the cancel rate window, the 30-day rule.
CREATE INDEX orders_purchase_date ON orders (purchase_date);

-- Clustered by order: an order's lines are read together.
CREATE TABLE order_items (
    order_id      TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    order_item_id TEXT NOT NULL,
    line_no       INTEGER NOT NULL, -- position in the order, for a stable listing
    sku           TEXT NOT NULL,
    title         TEXT NOT NULL DEFAULT '',
    quantity      INTEGER NOT NULL,
    shipped       INTEGER NOT NULL,
    price         INTEGER NOT NULL, -- whole line, minor units
    tax           INTEGER NOT NULL,
    shipping      INTEGER NOT NULL,
    discount      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, order_item_id)
) WITHOUT ROWID;

CREATE TABLE shipments (
    id             TEXT PRIMARY KEY,
    order_id       TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    carrier        TEXT NOT NULL,
    carrier_name   TEXT NOT NULL DEFAULT '',
    tracking       TEXT NOT NULL,
    ship_date      INTEGER NOT NULL,
    method         TEXT NOT NULL DEFAULT '',
    late           INTEGER NOT NULL,
    valid_tracking INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    created_by     TEXT NOT NULL DEFAULT '',
    lines          TEXT NOT NULL -- JSON [{"order_item_id","sku","quantity"}]
);
CREATE INDEX shipments_order ON shipments (order_id);
-- The shipping confirmation export and the health windows.
CREATE INDEX shipments_ship_date ON shipments (ship_date);

CREATE TABLE returns (
    id            TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    status        TEXT NOT NULL,
    items         TEXT NOT NULL, -- JSON [{"sku","quantity"}]
    reason        TEXT NOT NULL DEFAULT '',
    reject_reason TEXT NOT NULL DEFAULT '',
    requested_at  INTEGER NOT NULL,
    decided_at    INTEGER,
    received_at   INTEGER,
    refund_by     INTEGER
);
CREATE INDEX returns_order ON returns (order_id);
CREATE INDEX returns_status ON returns (status, requested_at);

CREATE TABLE refunds (
    id         TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    return_id  TEXT NOT NULL DEFAULT '',
    amount     INTEGER NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX refunds_order ON refunds (order_id);

CREATE TABLE stock (
    sku       TEXT PRIMARY KEY,
    available INTEGER NOT NULL,
    reserved  INTEGER NOT NULL,
    threshold INTEGER NOT NULL
);

CREATE TABLE audit (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       INTEGER NOT NULL,
    actor_id TEXT NOT NULL,
    actor    TEXT NOT NULL,
    role     TEXT NOT NULL,
    source   TEXT NOT NULL,
    command  TEXT NOT NULL,
    order_id TEXT NOT NULL DEFAULT '',
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_order ON audit (order_id, id);

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    order_id     TEXT NOT NULL DEFAULT '',
    sku          TEXT NOT NULL DEFAULT '',
    text         TEXT NOT NULL,
    at           INTEGER NOT NULL,
    delivered_at INTEGER
);
-- Delivery scans only what is still to send.
CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL;

-- +goose Down
DROP TABLE outbox;
DROP TABLE audit;
DROP TABLE stock;
DROP TABLE refunds;
DROP TABLE returns;
DROP TABLE shipments;
DROP TABLE order_items;
DROP TABLE orders;
