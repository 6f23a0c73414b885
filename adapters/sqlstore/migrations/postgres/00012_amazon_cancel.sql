-- Cancellations and Amazon: cancel_request is the buyer's cancellation
-- request Amazon reported last (JSON, core.CancelRequest), kept so staff are
-- alerted once per request rather than on every sync; amazon_cancel is where
-- a cancel sent to Amazon stands (JSON, core.AmazonCancel) and
-- amazon_cancel_state its state alone, which the feed check selects on.
-- Empty when there is none. Additive: older replicas ignore the columns.

-- +goose Up
ALTER TABLE orders ADD COLUMN cancel_request TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN amazon_cancel TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN amazon_cancel_state TEXT NOT NULL DEFAULT '';
-- Few orders wait for Amazon's answer at a time; the check reads only them.
CREATE INDEX orders_amazon_cancel_sent ON orders (amazon_cancel_state) WHERE amazon_cancel_state = 'sent';

-- +goose Down
DROP INDEX orders_amazon_cancel_sent;
ALTER TABLE orders DROP COLUMN amazon_cancel_state;
ALTER TABLE orders DROP COLUMN amazon_cancel;
ALTER TABLE orders DROP COLUMN cancel_request;
