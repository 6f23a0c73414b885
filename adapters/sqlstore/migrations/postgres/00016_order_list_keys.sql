-- Order lists page by keyset: a page after a cursor seeks to the last
-- order's (sort key, id) and reads on. Each list's sort needs an index that
-- ends in its column and the id that breaks ties, so that the seek is one
-- index range and a page comes out in order without a sort:
--   orders unshipped/late/due: status, ship_by, id (replaces status, ship_by)
--   orders pending/shipped/canceled: status, purchase_date, id (newest first)
--   orders (all): purchase_date, id (replaces purchase_date, and still serves
--   the cancel-rate window and the 30-day rule)

-- +goose Up
CREATE INDEX orders_status_ship_by_id ON orders (status, ship_by, id);
CREATE INDEX orders_status_purchase_date_id ON orders (status, purchase_date, id);
CREATE INDEX orders_purchase_date_id ON orders (purchase_date, id);
DROP INDEX IF EXISTS orders_status_ship_by;
DROP INDEX IF EXISTS orders_purchase_date;
-- (status, purchase_date, id) serves what 00015's (status, purchase_date) did.
DROP INDEX IF EXISTS orders_status_purchase;

-- +goose Down
CREATE INDEX IF NOT EXISTS orders_status_purchase ON orders (status, purchase_date);
CREATE INDEX IF NOT EXISTS orders_purchase_date ON orders (purchase_date);
CREATE INDEX IF NOT EXISTS orders_status_ship_by ON orders (status, ship_by);
DROP INDEX orders_purchase_date_id;
DROP INDEX orders_status_purchase_date_id;
DROP INDEX orders_status_ship_by_id;
