-- Token buckets shared by replicas calling a platform with a usage plan
-- (the SP-API: one per seller and operation). tokens is what was left at
-- updated_at; a take refills it to now under the row's lock. Additive:
-- older replicas ignore the table.

-- +goose Up
CREATE TABLE rate_buckets (
    key        TEXT PRIMARY KEY,
    tokens     REAL NOT NULL,
    updated_at INTEGER NOT NULL
);

-- +goose Down
DROP TABLE rate_buckets;
