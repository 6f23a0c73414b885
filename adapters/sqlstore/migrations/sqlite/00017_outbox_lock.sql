-- PostgreSQL's 00017 adds the outbox's write lock as a function. SQLite has
-- one writer at a time and no such lock: nothing to do, the number is kept
-- so both databases count their migrations alike.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
