-- Where each shipment's confirmation on Amazon stands (SP-API
-- confirmShipment, sent by the amazon outbox sink): '' not sent there,
-- waiting, confirmed or refused; amazon_error is Amazon's reason for a
-- refusal, amazon_at when Amazon confirmed or refused it. Additive: older
-- replicas ignore the columns (their shipment upserts leave them be).

-- +goose Up
ALTER TABLE shipments ADD COLUMN amazon TEXT NOT NULL DEFAULT '';
ALTER TABLE shipments ADD COLUMN amazon_error TEXT NOT NULL DEFAULT '';
ALTER TABLE shipments ADD COLUMN amazon_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE shipments DROP COLUMN amazon_at;
ALTER TABLE shipments DROP COLUMN amazon_error;
ALTER TABLE shipments DROP COLUMN amazon;
