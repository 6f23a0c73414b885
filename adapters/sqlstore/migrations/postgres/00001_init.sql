-- Times are timestamptz (microseconds); the store writes and reads them in UTC.
-- Money is BIGINT minor units (cents) of the order's currency.

-- +goose Up
CREATE TABLE orders (
    id                 TEXT PRIMARY KEY,
    status             TEXT NOT NULL,
    fulfillment        TEXT NOT NULL,
    sales_channel      TEXT NOT NULL DEFAULT '',
    purchase_date      TIMESTAMPTZ NOT NULL,
    payments_date      TIMESTAMPTZ,
    ship_by            TIMESTAMPTZ NOT NULL,
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
    canceled_at        TIMESTAMPTZ,
    delivered_at       TIMESTAMPTZ,
    ship_warned_at     TIMESTAMPTZ,
    report_updated     TIMESTAMPTZ NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    version            BIGINT NOT NULL
);
-- "orders unshipped/late/due": status with a ship-by range, soonest first.
CREATE INDEX orders_status_ship_by ON orders (status, ship_by);
-- Newest first, the cancel rate window, the 30-day rule.
CREATE INDEX orders_purchase_date ON orders (purchase_date);

CREATE TABLE order_items (
    order_id      TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    order_item_id TEXT NOT NULL,
    line_no       INTEGER NOT NULL, -- position in the order, for a stable listing
    sku           TEXT NOT NULL,
    title         TEXT NOT NULL DEFAULT '',
    quantity      INTEGER NOT NULL,
    shipped       INTEGER NOT NULL,
    price         BIGINT NOT NULL, -- whole line, minor units
    tax           BIGINT NOT NULL,
    shipping      BIGINT NOT NULL,
    discount      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, order_item_id)
);

CREATE TABLE shipments (
    id             TEXT PRIMARY KEY,
    order_id       TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    carrier        TEXT NOT NULL,
    carrier_name   TEXT NOT NULL DEFAULT '',
    tracking       TEXT NOT NULL,
    ship_date      TIMESTAMPTZ NOT NULL,
    method         TEXT NOT NULL DEFAULT '',
    late           BOOLEAN NOT NULL,
    valid_tracking BOOLEAN NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
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
    requested_at  TIMESTAMPTZ NOT NULL,
    decided_at    TIMESTAMPTZ,
    received_at   TIMESTAMPTZ,
    refund_by     TIMESTAMPTZ
);
CREATE INDEX returns_order ON returns (order_id);
CREATE INDEX returns_status ON returns (status, requested_at);

CREATE TABLE refunds (
    id         TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    return_id  TEXT NOT NULL DEFAULT '',
    amount     BIGINT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
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
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       TIMESTAMPTZ NOT NULL,
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
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT NOT NULL,
    order_id     TEXT NOT NULL DEFAULT '',
    sku          TEXT NOT NULL DEFAULT '',
    text         TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    delivered_at TIMESTAMPTZ
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
