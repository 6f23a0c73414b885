-- The outbox's write lock (see delivery.go) as a function, so that the
-- statement inserting a transaction's outbox messages takes it itself
-- (WHERE outbox_lock()) instead of a LOCK TABLE round trip before it.
--
-- It is a transaction-level advisory lock, one per schema: a table lock
-- that excludes other writers also conflicts with the ROW EXCLUSIVE lock
-- the insert itself holds, so two inserts taking it would deadlock.
-- Replicas from before this migration take LOCK TABLE outbox IN SHARE ROW
-- EXCLUSIVE MODE instead, which conflicts with that same ROW EXCLUSIVE
-- lock: old and new replicas still write the outbox one after another.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION outbox_lock() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('sellerdesk outbox'), hashtext(current_schema()));
    RETURN true;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION outbox_lock();
