-- An order's one review request to Amazon (the Solicitations API's
-- "request a review and seller feedback"): who asked and when, and where
-- it stands: '' none, waiting (queued for the amazon sink), sent, refused
-- with Amazon's reason. Additive: older replicas ignore the columns and
-- their saves leave them as they are.

-- +goose Up
ALTER TABLE orders ADD COLUMN review_state TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN review_requested_at INTEGER;
ALTER TABLE orders ADD COLUMN review_requested_by TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN review_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN review_answered_at INTEGER;
-- The daily auto_review pass: delivered orders not yet asked about.
CREATE INDEX orders_review_due ON orders (delivered_at) WHERE review_state = '';

-- +goose Down
DROP INDEX orders_review_due;
ALTER TABLE orders DROP COLUMN review_answered_at;
ALTER TABLE orders DROP COLUMN review_reason;
ALTER TABLE orders DROP COLUMN review_requested_by;
ALTER TABLE orders DROP COLUMN review_requested_at;
ALTER TABLE orders DROP COLUMN review_state;
